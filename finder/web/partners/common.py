"""What the partners' pages share: the mailer, the postcode lookup, and the hourly limit of public forms."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from finder.domain.numbers import NumberError, parse_id
from finder.models import Course
from finder.operations.outbox import Mailer
from finder.queries import listings
from finder.queries import place_requests as place_request_queries
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import services
from finder.web.kit.ratelimit import client_key, limiter
from finder.web.kit.rendering import render

FORM_WINDOW_SECONDS = 3600


def mailer(request: Request) -> Mailer:
    return services(request).mailer


def lookup(request: Request):
    return services(request).postcodes.lookup


def too_many(request: Request):
    return render(request, "partners/too_many.html", {}, status_code=429)


def _form_limit(request: Request, name: str):
    return limiter(request, f"form:{name}", services(request).settings.rate_limit_forms, FORM_WINDOW_SECONDS)


def over_form_limit(request: Request, name: str) -> bool:
    """Whether this address has already sent the form `name` as often as an hour allows.

    Only accepted sends count (`count_send`), and each form counts on its own: ten corrections of a
    class never stop the eleventh send, and a school's shared address that sent classes can still
    report a problem."""
    return _form_limit(request, name).full(client_key(request))


def count_send(request: Request, name: str) -> None:
    _form_limit(request, name).record(client_key(request))


def public_course(request: Request) -> Course:
    """The published course a public form is about (/courses/{course_id}/…), or 404."""
    with services(request).sessions() as db:
        course = listings.course(db, request.path_params["course_id"])
    if course is None:
        raise HTTPException(404)
    return course


async def requests_page(request: Request, course: Course, here: str, back: tuple[str, str], renderer=render):
    """A course's requests for a place, for its organisation (by the check link or a partner account);
    `here` is the page's own path, which its delete buttons post under."""
    with services(request).sessions() as db:
        found = place_request_queries.for_course(db, course.id)
    if any(r.seen_at is None for r in found):
        await run_in_threadpool(services(request).place_requests.mark_seen, course.id)
    return renderer(request, "partners/requests.html", {
        "course": course, "requests": found, "deleted": request.query_params.get("deleted"), "here": here,
        "back": back})


async def delete_request(request: Request, course: Course, here: str, actor: str):
    """Delete one of the course's requests (POST, CSRF-checked), then back to its requests page."""
    await verify_csrf(request)
    try:
        request_id = parse_id(request.path_params["request_id"])
    except NumberError:
        raise HTTPException(404) from None
    deleted = await run_in_threadpool(services(request).place_requests.delete_for_course, course.id, request_id,
                                      actor=actor)
    return RedirectResponse(f"{here}?deleted={'1' if deleted else '0'}", status_code=303)
