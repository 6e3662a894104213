"""Public pages for newcomers: home, search results, course and organisation pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route

from finder import i18n
from finder.queries import listings
from finder.search.params import parse
from finder.web.kit import suggestions
from finder.web.kit.addresses import base_url
from finder.web.kit.pages import services as app_services
from finder.web.kit.rendering import render
from finder.web.kit.searching import perform_off_loop, search_off_loop
from finder.web.kit.templating import result_views
from finder.web.public.demand import results_context


async def home(request: Request):
    services = app_services(request)
    with services.sessions() as db:
        counts = {"courses": listings.count_published(db), "organisations": listings.count_organisations(db)}
    return render(request, "public/home.html", {"counts": counts})


def _lang() -> str:
    """The `lang` parameter links keep (none for English, the default)."""
    locale = i18n.get_locale()
    return "" if locale == i18n.DEFAULT_LOCALE else locale


async def search(request: Request):
    services = app_services(request)
    page = await perform_off_loop(services, request.query_params, explain_empty=False, views=result_views)
    # A postcode we could not use stays in its field (with what we think was meant, as a link).
    typed = request.query_params.get("postcode", "")[:20].strip()
    bad_postcode = any(p.param == "postcode" for p in page.problems)
    meant = suggestions.postcode_suggestion(services, typed) if bad_postcode and typed else ""
    return render(request, "public/search.html", {
        "page": page, "suggestions": await search_off_loop(suggestions.for_empty, services, page),
        "typed_postcode": typed if bad_postcode else page.query.postcode,
        "meant_postcode": meant, "title_error": bad_postcode,
        "meant_link": "/search?" + replace(page.query, postcode=meant, page=1).query_string(lang=_lang()) if meant else "", "searched": any(key != "lang" for key in request.query_params.keys()), "lang_param": _lang(),
        **results_context(request),
    })


async def results_map(request: Request):
    """The results on a map (Leaflet, served from our own static files); the list stays below it."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("per_page", "page")]
    page = await perform_off_loop(app_services(request), QueryParams(params + [("per_page", "100")]))
    centre = (round(page.place.latitude, 4), round(page.place.longitude, 4)) if page.place else None
    return render(request, "public/map.html", {"page": page, "map_centre": centre})


async def course(request: Request):
    services = app_services(request)
    with services.sessions() as db:
        item = listings.course(db, request.path_params["course_id"])
    if item is None:
        raise HTTPException(404)
    # "Back to the classes you found": the search the reader came from (rebuilt from its parts, so
    # only a search URL of our own is ever linked).
    back = request.query_params.get("back")
    back_link = "/search?" + parse(QueryParams(back)).query.query_string(lang=_lang()) if back is not None else ""
    return render(request, "public/course.html", {"course": item, "back_link": back_link})


async def organisation(request: Request):
    services = app_services(request)
    with services.sessions() as db:
        org = listings.organisation(db, request.path_params["organisation_id"])
        if org is None:
            raise HTTPException(404)
        courses = listings.organisation_courses(db, org.id)
    return render(request, "public/organisation.html", {"organisation": org, "courses": courses})


async def about(request: Request):
    from finder.geo.postcodes import ATTRIBUTION

    return render(request, "public/about.html", {"attribution": ATTRIBUTION})


async def security_page(request: Request):
    return render(request, "public/security.html", {"contact": app_services(request).settings.security_contact_uri})


async def accessibility(request: Request):
    return render(request, "public/accessibility.html", {})


async def contact(request: Request):
    return render(request, "public/contact.html", {"contact": app_services(request).settings.security_contact_uri})


async def security_txt(request: Request):
    """RFC 9116: where to report a vulnerability, in the machine-readable form scanners look for."""
    settings = app_services(request).settings
    base = base_url(request)
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=180)).replace(microsecond=0)
    lines = [f"Contact: {settings.security_contact_uri}",
             f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
             f"Policy: {base}/security",
             f"Canonical: {base}/.well-known/security.txt",
             "Preferred-Languages: en"]
    return PlainTextResponse("\n".join(lines) + "\n", headers={"Cache-Control": "public, max-age=86400"})


async def help_levels(request: Request):
    return render(request, "public/help_levels.html", {})


async def choose_language(request: Request):
    """The language picker (a plain GET form): remember the choice and go back."""
    code = i18n.match_locale(request.query_params.get("lang", "")) or i18n.DEFAULT_LOCALE
    target = request.query_params.get("next", "/")
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        target = "/"
    response = RedirectResponse(i18n.url_in_language(target, code), status_code=303)
    response.set_cookie("lang", code, max_age=31536000, samesite="lax", path="/")
    return response


routes = [
    Route("/", home, name="home"),
    Route("/search", search, name="search"),
    Route("/map", results_map, name="map"),
    Route("/courses/{course_id:id}", course, name="course"),
    Route("/organisations/{organisation_id:id}", organisation, name="organisation"),
    Route("/about", about, name="about"),
    Route("/help/levels", help_levels, name="help_levels"),
    Route("/security", security_page, name="security"),
    Route("/accessibility", accessibility, name="accessibility"),
    Route("/contact", contact, name="contact"),
    Route("/.well-known/security.txt", security_txt, name="security_txt"),
    Route("/language", choose_language, name="language"),
]
