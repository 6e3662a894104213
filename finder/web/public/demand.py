"""Demand, from the public side: "Tell us what you need" (/need), and the `counted` flag that the
results page puts on its own links so that paging, a language switch or a view of the same search
is not counted twice (finder.evidence.counting.COUNTED_FLAG, a public contract)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from finder import i18n
from finder.domain import evidence as rules
from finder.domain.vocabulary import LEVELS, TIMES_OF_DAY, WEEKDAYS
from finder.evidence.counting import COUNTED_FLAG, count_stated_need
from finder.geo.shapes import PostcodeError, district_of, normalise_postcode
from finder.i18n import gettext
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import services
from finder.web.kit.rendering import render
from finder.web.partners.common import count_send, over_form_limit, too_many

THIN_RESULTS = 3  # the form shows under results with fewer classes than this


def counted_links(request: Request) -> dict:
    """Context for a results page: the language picker comes back with ?counted=1 (this search is counted).
    The hreflang alternates stay as they are: they are the page's addresses for search engines."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", COUNTED_FLAG)]
    params.append((COUNTED_FLAG, "1"))
    return {"current_path": request.url.path + "?" + urlencode(params), "counted_flag": COUNTED_FLAG,
            "need_form": need_defaults(request)}


def need_defaults(request: Request) -> dict:
    """The form's starting values from the search it sits under: its district, levels, crèche, days, times."""
    params = request.query_params
    district = ""
    try:
        district = district_of(normalise_postcode(params.get("postcode", ""))) if params.get("postcode") else ""
    except PostcodeError:
        district = ""
    return {"district": rules.clean_district(district), "levels": params.getlist("level"),
            "creche": params.get("creche") in ("1", "true", "yes", "on"), "days": params.getlist("day"),
            "times": params.getlist("time"), "speaks": (params.getlist("speaks") or [""])[0]}


def _choices() -> dict:
    return {"need_levels": LEVELS, "need_days": WEEKDAYS, "need_times": TIMES_OF_DAY,
            "need_languages": [(code, i18n.autonym(code)) for code in i18n.SHIPPED_LOCALES]}


def _need_page(request: Request, values: dict, errors: dict | None = None, status_code: int = 200):
    return render(request, "public/need.html", {"need_form": values, "need_errors": errors or {},
                                                "title_error": bool(errors), **_choices()},
                  status_code=status_code)


async def need_form(request: Request):
    return _need_page(request, need_defaults(request))


async def need_send(request: Request):
    form = await verify_csrf(request)
    values = {"district": str(form.get("district") or "")[:20].strip(), "levels": form.getlist("level"),
              "creche": form.get("creche") == "1", "days": form.getlist("day"), "times": form.getlist("time"),
              "speaks": str(form.get("speaks") or "")[:12]}
    if form.get("website_url"):  # a robot filled in the hidden field: thank it and keep nothing
        return RedirectResponse("/need/thanks", status_code=303)
    if over_form_limit(request, "need"):
        return too_many(request)
    district = ""
    if values["district"]:
        try:  # a full postcode is welcome, but only its district is kept
            district = rules.clean_district(district_of(normalise_postcode(values["district"])))
        except PostcodeError:
            district = ""
        if not district:
            return _need_page(request, values, {"district": [gettext(
                "Write the first part of a postcode, such as L8, or leave it empty.")]}, status_code=400)
    need = rules.make_need(creche=values["creche"], levels=values["levels"], days=values["days"],
                           times=values["times"], speaks=[values["speaks"]] if values["speaks"] else [],
                           lang=i18n.get_locale(), radius=0)
    count_stated_need(services(request).sessions, district, need)
    count_send(request, "need")
    return RedirectResponse("/need/thanks", status_code=303)


async def need_thanks(request: Request):
    return render(request, "public/need_thanks.html", {})


def results_context(request: Request) -> dict:
    """What the results page needs for the counted flag and the "Tell us what you need" form."""
    return {**counted_links(request), **_choices(), "need_errors": {}, "thin_results": THIN_RESULTS}


routes = [
    Route("/need", need_form, methods=["GET"]),
    Route("/need", need_send, methods=["POST"]),
    Route("/need/thanks", need_thanks, methods=["GET"]),
]
