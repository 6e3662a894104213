"""Partner editors: their organisation's listings, new listings and changes (live at once for a trusted organisation)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from finder.domain import ValidationErrors, submissions
from finder.i18n import gettext
from finder.models import Course
from finder.queries import checks, listings, review
from finder.queries import place_requests as place_request_queries
from finder.web.kit.auth import can_edit, current_user, login_required
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.listing_forms import form_context
from finder.web.kit.pages import page, redirect_with, services
from finder.web.partners.common import delete_request, lookup, requests_page


def _partner_page(request, payload, errors, action, status_code=200):
    return page(request, "partners/edit.html", form_context(
        payload, errors, action=action, honeypot=False, show_submitter=False, organisation_fixed=True,
        submit_label=gettext("Send the changes")), status_code=status_code)


def _course_for(request: Request) -> Course:
    with services(request).sessions() as db:
        course = listings.course(db, request.path_params["course_id"], public=False)
    if course is None:
        raise HTTPException(404)
    if not can_edit(current_user(request), course):
        raise HTTPException(403, detail=gettext("You can only change your own organisation's listings."))
    return course


async def _save_partner_listing(request: Request, payload: dict, course: Course | None):
    """A trusted organisation's change is live at once; anyone else's waits for a coordinator."""
    user = current_user(request)
    catalogue = services(request).catalogue
    prepared = await run_in_threadpool(submissions.prepare, payload, lookup(request))
    if user.organisation is not None and user.organisation.trusted:
        course = catalogue.save_listing(prepared, course_id=course.id if course else None,
                                        organisation_id=user.organisation_id,
                                        status=None if course else "published", actor=user.email, source="partner")
        return redirect_with(request, "/partners/courses", gettext("Your changes are live."))
    catalogue.submit("change" if course else "new", payload, course_id=course.id if course else None,
                     organisation_id=user.organisation_id, submitter_name=user.name, submitter_email=user.email,
                     user_id=user.id, actor=user.email)
    return redirect_with(request, "/partners/courses",
                         gettext("Thank you. A coordinator will check your changes before they go live."))


@login_required()
async def partner_courses(request: Request):
    user = current_user(request)
    if user.role == "coordinator":
        return RedirectResponse("/backoffice/courses", status_code=303)
    with services(request).sessions() as db:
        items = review.courses(db, organisation_id=user.organisation_id)
        pending = review.pending_submissions(db, user.organisation_id)
        tokens = checks.tokens_for(db, [c.id for c in items], services(request).settings.check_link_days)
        asked = place_request_queries.counts_for_courses(db, [c.id for c in items])
    return page(request, "partners/courses.html", {"courses": items, "pending": pending, "tokens": tokens,
                                                   "asked": asked})


@login_required()
async def partner_requests(request: Request):
    """A partner editor's requests for a place on one of their listings (as on its private check link)."""
    course = _course_for(request)
    return await requests_page(request, course, f"/partners/courses/{course.id}/requests",
                               ("/partners/courses", gettext("Your listings")), renderer=page)


@login_required()
async def partner_delete_request(request: Request):
    course = _course_for(request)
    return await delete_request(request, course, f"/partners/courses/{course.id}/requests",
                                actor=current_user(request).email)


@login_required("partner")
async def partner_new_form(request: Request):
    payload = submissions.new_payload()
    payload["organisation"] = current_user(request).organisation.name
    return _partner_page(request, payload, None, "/partners/courses/new")


@login_required("partner")
async def partner_new(request: Request):
    form = await verify_csrf(request)
    payload = submissions.parse_form(form)
    payload["organisation"] = current_user(request).organisation.name
    try:
        return await _save_partner_listing(request, payload, None)
    except ValidationErrors as exc:
        return _partner_page(request, payload, exc.errors, "/partners/courses/new", status_code=400)


@login_required("partner")
async def partner_edit_form(request: Request):
    course = _course_for(request)
    return _partner_page(request, submissions.from_course(course), None, f"/partners/courses/{course.id}/edit")


@login_required("partner")
async def partner_edit(request: Request):
    course = _course_for(request)
    form = await verify_csrf(request)
    payload = submissions.parse_form(form)
    payload["organisation"] = course.organisation.name
    try:
        return await _save_partner_listing(request, payload, course)
    except ValidationErrors as exc:
        return _partner_page(request, payload, exc.errors, f"/partners/courses/{course.id}/edit", status_code=400)


routes = [
    Route("/partners/courses", partner_courses, methods=["GET"]),
    Route("/partners/courses/new", partner_new_form, methods=["GET"]),
    Route("/partners/courses/new", partner_new, methods=["POST"]),
    Route("/partners/courses/{course_id:id}/edit", partner_edit_form, methods=["GET"]),
    Route("/partners/courses/{course_id:id}/edit", partner_edit, methods=["POST"]),
    Route("/partners/courses/{course_id:id}/requests", partner_requests, methods=["GET"]),
    Route("/partners/courses/{course_id:id}/requests/{request_id}/delete", partner_delete_request, methods=["POST"]),
]
