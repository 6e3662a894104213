"""The Open Referral UK API under /oruk/: read-only JSON (HSDS-UK 3.0), paginated, CORS for all.

A small Starlette app mounted at /oruk, with its own JSON errors (400, 404, 405), so every
answer under /oruk/ is JSON and carries `Access-Control-Allow-Origin: *`.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from finder import i18n
from finder.models import Course
from finder.oruk import PROFILE_URL, VERSION, lookup, mapping, openapi
from finder.oruk.selection import FilterError, catalogue_languages, course_ids, parse_filter, parse_paging
from finder.oruk.vocabulary import BY_ID, TAXONOMIES, all_terms, find_term, taxonomy_json, term_json, terms
from finder.queries import listings
from finder.web.kit.addresses import base_url
from finder.web.kit.pages import services as app_services
from finder.web.kit.responses import FastJSONResponse

ALLOWED = "GET, HEAD, OPTIONS"


def _json(data, status_code: int = 200) -> FastJSONResponse:
    return FastJSONResponse(data, status_code=status_code)


def _error(status_code: int, message: str, param: str | None = None) -> FastJSONResponse:
    body = {"error": message}
    if param:
        body["param"] = param
    return _json(body, status_code)


def _load(services, course_ids_in_order: list[int]) -> list[Course]:
    with services.sessions() as db:
        found = listings.published_courses_by_id(db, course_ids_in_order)
    return [found[cid] for cid in course_ids_in_order if cid in found]


def _base(request: Request) -> str:
    return base_url(request)


async def root(request: Request):
    return _json({"version": VERSION, "profile": PROFILE_URL, "openapi_url": f"{_base(request)}/oruk/openapi.json"})


async def services_list(request: Request):
    services = app_services(request)
    paging = parse_paging(request.query_params)
    flt = parse_filter(request.query_params, services.postcodes if request.query_params.get("postcode") else None)
    chosen = course_ids(services, flt)
    contents = [mapping.service_list_item(c, _base(request)) for c in _load(services, paging.slice(chosen))]
    return _json(paging.wrap(len(chosen), contents))


async def service_detail(request: Request):
    services = app_services(request)
    course_id = lookup.directory(services).services.get(request.path_params["id"].lower())
    courses = _load(services, [course_id]) if course_id else []
    if not courses:
        return _error(404, "No service has this id.")
    return _json(mapping.service_json(courses[0], _base(request)))


def _pairs(services, chosen: list[int]) -> list[tuple[int, int]]:
    venues_of = lookup.directory(services).venues_of
    return [(cid, vid) for cid in chosen for vid in venues_of.get(cid, [])]


def _at_locations(services, pairs: list[tuple[int, int]], base_url: str, full: bool) -> list[dict]:
    courses = {c.id: c for c in _load(services, list(dict.fromkeys(cid for cid, _ in pairs)))}
    items = []
    for cid, vid in pairs:
        course = courses.get(cid)
        venue = next((v for v in course.venues if v.id == vid), None) if course else None
        if venue is not None:
            items.append(mapping.service_at_location_json(course, venue, base_url, full=full))
    return items


async def service_at_locations_list(request: Request):
    services = app_services(request)
    paging = parse_paging(request.query_params)
    flt = parse_filter(request.query_params, services.postcodes if request.query_params.get("postcode") else None)
    pairs = _pairs(services, course_ids(services, flt))
    return _json(paging.wrap(len(pairs), _at_locations(services, paging.slice(pairs), _base(request), full=False)))


async def service_at_location_detail(request: Request):
    services = app_services(request)
    pair = lookup.directory(services).locations.get(request.path_params["id"].lower())
    items = _at_locations(services, [pair], _base(request), full=True) if pair else []
    if not items:
        return _error(404, "No service at location has this id.")
    return _json(items[0])


def _languages(request: Request) -> set[str]:
    with app_services(request).sessions() as db:
        return catalogue_languages(db)


async def taxonomies_list(request: Request):
    paging = parse_paging(request.query_params)
    items = [taxonomy_json(t, _base(request)) for t in TAXONOMIES]
    return _json(paging.wrap(len(items), paging.slice(items)))


async def taxonomy_detail(request: Request):
    taxonomy = BY_ID.get(request.path_params["id"].lower())
    if taxonomy is None:
        return _error(404, "No taxonomy has this id.")
    return _json(taxonomy_json(taxonomy, _base(request), _languages(request), with_terms=True))


async def taxonomy_terms_list(request: Request):
    paging = parse_paging(request.query_params)
    languages = _languages(request)
    wanted = request.query_params.get("taxonomy_id", "").strip().lower()
    if wanted:
        taxonomy = BY_ID.get(wanted)
        chosen = terms(taxonomy, languages) if taxonomy else []
    else:
        chosen = all_terms(languages)
    items = [term_json(t, _base(request)) for t in chosen]
    return _json(paging.wrap(len(items), paging.slice(items)))


async def taxonomy_term_detail(request: Request):
    term = find_term(request.path_params["id"].lower(), _languages(request))
    if term is None:
        return _error(404, "No taxonomy term has this id.")
    return _json(term_json(term, _base(request)))


async def openapi_document(request: Request):
    return _json(openapi.document(_base(request)))


async def filter_error(request: Request, exc: FilterError):
    return _error(400, exc.message, exc.param)


async def http_error(request: Request, exc: HTTPException):
    if exc.status_code == 405:
        response = _error(405, "This API is read-only: use GET.")
        response.headers["Allow"] = ALLOWED
        return response
    return _error(exc.status_code, "Not found." if exc.status_code == 404 else str(exc.detail))


async def server_error(request: Request, exc: Exception):
    return _error(500, "Something went wrong on our side.")


class OpenAccess:
    """Every response under /oruk/ may be read by any site; preflight requests get their answer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] == "OPTIONS":
            response = Response(status_code=204, headers={
                "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": ALLOWED,
                "Access-Control-Allow-Headers": "*", "Access-Control-Max-Age": "86400", "Allow": ALLOWED})
            return await response(scope, receive, send)

        async def send_open(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) + [
                    (b"access-control-allow-origin", b"*")])
            await send(message)

        with i18n.use_locale(i18n.DEFAULT_LOCALE):
            await self.app(scope, receive, send_open)


def make_app(services) -> Starlette:
    """The /oruk sub-application (mount it at /oruk)."""
    routes = [
        Route("/", root),
        Route("/openapi.json", openapi_document),
        Route("/services", services_list),
        Route("/services/{id}", service_detail),
        Route("/service_at_locations", service_at_locations_list),
        Route("/service_at_locations/{id}", service_at_location_detail),
        Route("/taxonomies", taxonomies_list),
        Route("/taxonomies/{id}", taxonomy_detail),
        Route("/taxonomy_terms", taxonomy_terms_list),
        Route("/taxonomy_terms/{id}", taxonomy_term_detail),
    ]
    app = Starlette(routes=routes, exception_handlers={FilterError: filter_error, HTTPException: http_error,
                                                       500: server_error})
    app.state.services = services
    return OpenAccess(app)
