"""Public pages for newcomers: home, search results, course and organisation pages."""

from __future__ import annotations

import datetime as dt

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route

from finder import i18n
from finder.queries import listings
from finder.web.kit.pages import services as app_services
from finder.web.kit.rendering import render
from finder.web.kit.searching import perform
from finder.web.public.demand import results_context


async def home(request: Request):
    services = app_services(request)
    with services.sessions() as db:
        counts = {"courses": listings.count_published(db), "organisations": listings.count_organisations(db)}
    return render(request, "public/home.html", {"counts": counts})


async def search(request: Request):
    page = perform(app_services(request), request.query_params)
    status = 200
    return render(request, "public/search.html", {"page": page, **results_context(request)}, status_code=status)


async def results_map(request: Request):
    """The results on a map (Leaflet, served from our own static files); the list stays below it."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("per_page", "page")]
    page = perform(app_services(request), QueryParams(params + [("per_page", "100")]))
    centre = (round(page.place.latitude, 4), round(page.place.longitude, 4)) if page.place else None
    return render(request, "public/map.html", {"page": page, "map_centre": centre})


async def course(request: Request):
    services = app_services(request)
    with services.sessions() as db:
        item = listings.course(db, request.path_params["course_id"])
    if item is None:
        raise HTTPException(404)
    return render(request, "public/course.html", {"course": item})


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


async def security_txt(request: Request):
    """RFC 9116: where to report a vulnerability, in the machine-readable form scanners look for."""
    settings = app_services(request).settings
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=180)).replace(microsecond=0)
    lines = [f"Contact: {settings.security_contact_uri}",
             f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
             f"Policy: {settings.base_url}/security",
             f"Canonical: {settings.base_url}/.well-known/security.txt",
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
    Route("/.well-known/security.txt", security_txt, name="security_txt"),
    Route("/language", choose_language, name="language"),
]
