"""JSON for machines: /search.json takes exactly the search page's parameters."""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.routing import Route

from finder import domain
from finder.web.kit.pages import services as app_services
from finder.web.kit.responses import FastJSONResponse
from finder.web.kit.searching import perform_off_loop
from finder.web.kit.templating import kept, localised, view_key


def _site(request: Request) -> str:
    """The address the "course" route's URLs start with (what `request.url_for` puts before /courses/)."""
    return str(request.base_url).rstrip("/")


def course_json(request: Request, course) -> dict:
    text = localised(course)
    days = sorted({s.weekday for s in course.sessions}, key=domain.WEEKDAY_INDEX.get)
    result = {
        "id": course.id,
        "title": text["title"],
        "organisation": course.organisation.name,
        "levels": list(course.levels or []),
        "kind": course.kind,
        "creche": course.creche == "on-site",
        "creche_detail": course.creche,
        "free": course.free,
        "cost": course.cost,
        "women_only": course.women_only,
        "mode": course.mode,
        "days": days,
        "sessions": [{"day": s.weekday, "start": s.start_time.strftime("%H:%M"), "end": s.end_time.strftime("%H:%M"),
                      "frequency": s.frequency, "area": s.venue.area if s.venue else None} for s in course.sessions],
        "venues": [{"name": v.name, "area": v.area, "latitude": v.latitude, "longitude": v.longitude}
                   for v in course.venues],
        "languages": list(course.languages or []),
        "availability": course.availability,
        "wait_weeks": course.wait_weeks,
        "next_intake": course.next_intake.isoformat() if course.next_intake else None,
        "creche_places": course.creche_places,
        "enrolment": course.enrolment,  # deprecated: derived from availability
        "last_checked": course.last_checked.isoformat() if course.last_checked else None,
        "url": f"{_site(request)}/courses/{course.id}",  # the "course" route, built without a route search
    }
    return result


def _tight(made: bytes) -> bytes:
    """orjson's bytes keep the buffer they were written in (4 KB or more, whatever their length): a
    copy of just their length, for what is kept (measured: a result's 560 bytes had held 4 KB)."""
    return bytes(memoryview(made))


def _result_json(request: Request, course, hit) -> orjson.Fragment:
    """A result's JSON, serialised once per language and site for a record from the index (`kept`)."""
    made = kept(course, ("json", _site(request)), lambda: _tight(orjson.dumps(course_json(request, course))), len)
    if hit.distance_miles is not None:  # the one field that depends on the search: last, as before
        made = made[:-1] + b',"distance_miles":' + orjson.dumps(round(hit.distance_miles, 2)) + b"}"
    return orjson.Fragment(made)


async def search_json(request: Request):
    site = _site(request)
    page = await perform_off_loop(app_services(request), request.query_params, explain_empty=False,
                                  views=lambda course_id: [view_key(course_id, "json", site)])
    body = {
        "total": page.outcome.total,
        "page": page.query.page,
        "per_page": page.query.per_page,
        "pages": page.outcome.pages,
        "sort": page.query.effective_sort,
        "problems": [{"param": p.param, "message": str(p.message), "hint": str(p.hint) if p.hint else None}
                     for p in page.problems],
        "results": [_result_json(request, course, hit) for course, hit in page.items],
    }
    return FastJSONResponse(body, headers={"Access-Control-Allow-Origin": "*"})


routes = [Route("/search.json", search_json, name="search_json")]
