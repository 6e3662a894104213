"""Private check links (/check/{token}): a listing's organisation says it is still running (with places now,
a waiting list or full: one click each), has stopped or has changed."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from finder.domain import ValidationErrors, submissions
from finder.domain.availability import ANSWERS
from finder.i18n import format_date, gettext
from finder.models import Course
from finder.queries import checks, listings
from finder.queries import place_requests as place_request_queries
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.listing_forms import form_context
from finder.web.kit.pages import services
from finder.web.kit.rendering import render
from finder.web.kit.templating import term_label
from finder.web.partners.common import delete_request, lookup, requests_page


def _checked_course(request: Request) -> Course:
    token = request.path_params["token"]
    with services(request).sessions() as db:
        course_id = checks.course_id_for(db, token, services(request).settings.check_link_days)
        course = listings.course(db, course_id, public=False) if course_id is not None else None
    if course is None:
        raise HTTPException(404)
    return course


async def check_page(request: Request):
    """The check link's page. A link from the reminder e-mail names an answer (`?answer=places`): the page
    shows it ready to confirm with one button, since opening a link must never change a listing."""
    course = _checked_course(request)
    chosen = request.query_params.get("answer", "")
    with services(request).sessions() as db:
        waiting = place_request_queries.counts_for_courses(db, [course.id]).get(course.id, 0)
    return render(request, "partners/check.html", {"course": course, "token": request.path_params["token"],
                                                   "chosen": chosen if chosen in ANSWERS else "", "requests": waiting})


async def check_answer(request: Request):
    course = _checked_course(request)
    form = await verify_csrf(request)
    token = request.path_params["token"]
    answer = form.get("answer")
    catalogue = services(request).catalogue
    if answer in ANSWERS:
        updated = await run_in_threadpool(catalogue.answer_availability, course.id, str(answer),
                                          actor=f"check-link:{course.organisation.key}")
        message = gettext("Thank you. The listing now says: %(availability)s. Checked on %(date)s.",
                          availability=term_label("AVAILABILITY", updated.availability),
                          date=format_date(updated.availability_checked, "long"))
    elif answer == "running":
        catalogue.mark_checked(course.id, actor=f"check-link:{course.organisation.key}")
        message = gettext("Thank you. We have noted that the class is still running.")
    elif answer == "stopped":
        catalogue.submit("stop", {}, course_id=course.id, submitter_email=course.organisation.email,
                         actor=f"check-link:{course.organisation.key}")
        message = gettext("Thank you. A coordinator will take the class off ESOL Finder.")
    elif answer == "changed":
        return RedirectResponse(f"/check/{token}/change", status_code=303)
    else:
        return render(request, "partners/check.html", {"course": course, "token": token,
                                                       "error": gettext("Choose one answer.")}, status_code=400)
    return render(request, "partners/check_done.html", {"course": course, "message": message})


def _check_change_page(request, course, payload, errors=None, status_code=200):
    token = request.path_params["token"]
    return render(request, "partners/check_change.html", {"course": course, **form_context(
        payload, errors, action=f"/check/{token}/change", honeypot=False, show_submitter=True,
        organisation_fixed=True, submit_label=gettext("Send the changes"))}, status_code=status_code)


async def check_change_form(request: Request):
    course = _checked_course(request)
    payload = submissions.from_course(course)
    payload["submitter_email"] = course.organisation.email
    return _check_change_page(request, course, payload)


async def check_change(request: Request):
    course = _checked_course(request)
    form = await verify_csrf(request)
    payload = submissions.parse_form(form)
    payload["organisation"] = course.organisation.name
    try:
        await run_in_threadpool(submissions.prepare, payload, lookup(request))
    except ValidationErrors as exc:
        return _check_change_page(request, course, payload, exc.errors, status_code=400)
    services(request).catalogue.submit("change", payload, course_id=course.id,
                                       submitter_name=payload.get("submitter_name", ""),
                                       submitter_email=payload.get("submitter_email", ""),
                                       actor=f"check-link:{course.organisation.key}")
    return render(request, "partners/check_done.html", {"course": course, "message": gettext(
        "Thank you. A coordinator will check your changes before they go live.")})


async def course_requests(request: Request):
    """The organisation's private page of requests for a place on this course (reached by the check link)."""
    course = _checked_course(request)
    token = request.path_params["token"]
    return await requests_page(request, course, f"/check/{token}/requests",
                               (f"/check/{token}", gettext("Back to the check page")))


async def delete_course_request(request: Request):
    course = _checked_course(request)
    return await delete_request(request, course, f"/check/{request.path_params['token']}/requests",
                                actor=f"check-link:{course.organisation.key}")


routes = [
    Route("/check/{token}", check_page, methods=["GET"]),
    Route("/check/{token}", check_answer, methods=["POST"]),
    Route("/check/{token}/change", check_change_form, methods=["GET"]),
    Route("/check/{token}/change", check_change, methods=["POST"]),
    Route("/check/{token}/requests", course_requests, methods=["GET"]),
    Route("/check/{token}/requests/{request_id}/delete", delete_course_request, methods=["POST"]),
]
