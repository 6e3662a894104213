"""Ask for a place (issue 13, point 4): a newcomer's request from a course page (/courses/{id}/ask) and
their own private page to see or delete it (/requests/{token}). Protected like the other public forms:
CSRF, a honeypot and the hourly form limit ("place-request"); nothing typed is lost when it is refused."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from finder import i18n
from finder.domain import place_requests as rules
from finder.domain.values import ValidationErrors
from finder.domain.vocabulary import LEVELS
from finder.models import Course, PlaceRequest
from finder.queries import place_requests as queries
from finder.web.kit.addresses import base_url
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import services
from finder.web.kit.rendering import render
from finder.web.partners.common import count_send, over_form_limit, public_course

FORM_NAME = "place-request"


def _page(request: Request, course: Course, values: dict, errors: dict | None = None, status_code: int = 200,
          refused: bool = False):
    languages = [(code, i18n.autonym(code)) for code in i18n.SHIPPED_LOCALES]
    return render(request, "public/ask.html", {
        "course": course, "values": values, "errors": errors or {}, "refused": refused,
        "levels": [(slug, term.label) for slug, term in LEVELS.items()], "languages": languages,
        "retention_days": services(request).settings.request_retention_days}, status_code=status_code)


async def ask_form(request: Request):
    course = public_course(request)
    return _page(request, course, {"language": i18n.get_locale(), "contact_by": "phone",
                                   "creche": "1" if request.query_params.get("creche") == "1" else ""})


async def ask(request: Request):
    course = public_course(request)
    form = await verify_csrf(request)
    values = {name: str(form.get(name) or "")[:2000] for name in rules.FIELDS}
    if form.get("website_url"):  # a robot filled in the hidden field: thank it and keep nothing
        return render(request, "public/ask_sent.html", {"course": course, "sent": None})
    if over_form_limit(request, FORM_NAME):
        return _page(request, course, values, status_code=429, refused=True)
    try:
        data = rules.validate(values)
    except ValidationErrors as exc:
        return _page(request, course, values, exc.errors, status_code=400)
    sent = await run_in_threadpool(services(request).place_requests.send, course.id, data, base_url=base_url(request))
    count_send(request, FORM_NAME)
    return RedirectResponse(f"/requests/{sent.token}", status_code=303)


def _own_request(request: Request) -> PlaceRequest | None:
    with services(request).sessions() as db:
        return queries.by_token(db, request.path_params["token"])


async def own_request(request: Request):
    found = _own_request(request)
    if found is None:
        return render(request, "public/ask_deleted.html", {"gone": True}, status_code=404)
    return render(request, "public/ask_sent.html", {"course": found.course, "sent": found,
                                                    "delete_on": found.delete_after.date()})


async def delete_own_request(request: Request):
    await verify_csrf(request)
    deleted = await run_in_threadpool(services(request).place_requests.delete_by_sender, request.path_params["token"])
    return render(request, "public/ask_deleted.html", {"gone": not deleted}, status_code=200 if deleted else 404)


routes = [
    Route("/courses/{course_id:id}/ask", ask_form, methods=["GET"], name="ask_for_a_place"),
    Route("/courses/{course_id:id}/ask", ask, methods=["POST"]),
    Route("/requests/{token}", own_request, methods=["GET"]),
    Route("/requests/{token}/delete", delete_own_request, methods=["POST"]),
]
