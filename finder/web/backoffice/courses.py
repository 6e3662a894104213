"""Coordinators' listings: find, edit, publish, unpublish, archive; each listing's history and restore."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from finder.domain import ValidationErrors, submissions
from finder.domain.numbers import NumberError, parse_id
from finder.i18n import gettext
from finder.queries import listings, review
from finder.web.kit.addresses import base_url
from finder.web.kit.auth import current_user, login_required
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.listing_forms import form_context
from finder.web.kit.pages import page, redirect_with, services

STATUS_ACTIONS = {"publish": "published", "unpublish": "draft", "archive": "archived"}


@login_required("coordinator")
async def course_list(request: Request):
    settings = services(request).settings
    needs = request.query_params.get("needs")
    needs_checking, needs_availability = needs == "checking", needs == "availability"
    status = request.query_params.get("status") or None
    words = request.query_params.get("q", "")[:100]
    with services(request).sessions() as db:
        items = review.courses(
            db, status=status, words=words, stale_after_days=settings.stale_after_days if needs_checking else None,
            availability_stale_weeks=settings.availability_stale_weeks if needs_availability else None)
    return page(request, "backoffice/courses.html", {
        "courses": items, "needs_checking": needs_checking, "needs_availability": needs_availability,
        "status": status, "q": words, "is_stale": lambda c: review.is_stale(c, settings.stale_after_days),
        "availability_is_stale": lambda c: review.availability_is_stale(c, settings.availability_stale_weeks)})


def _course(request: Request):
    with services(request).sessions() as db:
        course = listings.course(db, request.path_params["course_id"], public=False)
    if course is None:
        raise HTTPException(404)
    return course


def _edit_page(request, course, payload, errors=None, status_code=200):
    # Reading writes nothing: the check link is shown if it exists; making one is a button (a POST).
    with services(request).sessions() as db:
        token = review.current_check_token(db, course.id, services(request).settings.check_link_days)
    check_link = f"{base_url(request)}/check/{token}" if token else ""
    return page(request, "backoffice/course_edit.html", {"course": course, "check_link": check_link, **form_context(
        payload, errors, action=f"/backoffice/courses/{course.id}/edit", honeypot=False, show_submitter=False,
        organisation_fixed=True, submit_label=gettext("Save changes"))}, status_code=status_code)


@login_required("coordinator")
async def edit_form(request: Request):
    course = _course(request)
    return _edit_page(request, course, submissions.from_course(course))


@login_required("coordinator")
async def edit(request: Request):
    course = _course(request)
    form = await verify_csrf(request)
    payload = submissions.parse_form(form)
    payload["organisation"] = course.organisation.name
    try:
        prepared = await run_in_threadpool(submissions.prepare, payload, services(request).postcodes.lookup)
    except ValidationErrors as exc:
        return _edit_page(request, course, payload, exc.errors, status_code=400)
    services(request).catalogue.save_listing(prepared, course_id=course.id, actor=current_user(request).email)
    return redirect_with(request, f"/backoffice/courses/{course.id}/edit", gettext("Changes saved."))


@login_required("coordinator")
async def change_status(request: Request):
    course = _course(request)
    form = await verify_csrf(request)
    action = form.get("action")
    catalogue = services(request).catalogue
    user = current_user(request)
    if action == "check-link":
        catalogue.check_token(course.id)
        return redirect_with(request, f"/backoffice/courses/{course.id}/edit", gettext("Check link made."))
    if action == "checked":
        catalogue.mark_checked(course.id, actor=user.email)
        return redirect_with(request, f"/backoffice/courses/{course.id}/edit", gettext("Marked as checked today."))
    if action not in STATUS_ACTIONS:
        raise HTTPException(400)
    catalogue.set_status(course.id, STATUS_ACTIONS[action], actor=user.email)
    messages = {"publish": gettext("Published."), "unpublish": gettext("Unpublished: the listing is a draft again."),
                "archive": gettext("Archived.")}
    return redirect_with(request, f"/backoffice/courses/{course.id}/edit", messages[action])


@login_required("coordinator")
async def history(request: Request):
    course = _course(request)
    with services(request).sessions() as db:
        entries = review.history(db, course.id)
        venues = review.venue_details(db, review.session_venue_keys(*(e.before for e in entries), *(e.after for e in entries)))
    versions = [{"entry": e, "changes": review.changes(e.before, e.after, ignore=("key",), venues=venues),
                 "restorable": bool(e.after)} for e in entries]
    return page(request, "backoffice/history.html", {"course": course, "versions": versions})


@login_required("coordinator")
async def restore(request: Request):
    course = _course(request)
    form = await verify_csrf(request)
    try:
        audit_id = parse_id(form.get("audit_id") or "")
        services(request).catalogue.restore_version(course.id, audit_id, actor=current_user(request).email)
    except (NumberError, LookupError):
        raise HTTPException(404) from None
    except ValidationErrors:
        return redirect_with(request, f"/backoffice/courses/{course.id}/history",
                             gettext("That version cannot be restored: it is no longer a valid listing."))
    return redirect_with(request, f"/backoffice/courses/{course.id}/history",
                         gettext("The earlier version has been restored."))


routes = [
    Route("/backoffice/courses", course_list, methods=["GET"]),
    Route("/backoffice/courses/{course_id:id}/edit", edit_form, methods=["GET"]),
    Route("/backoffice/courses/{course_id:id}/edit", edit, methods=["POST"]),
    Route("/backoffice/courses/{course_id:id}/status", change_status, methods=["POST"]),
    Route("/backoffice/courses/{course_id:id}/history", history, methods=["GET"]),
    Route("/backoffice/courses/{course_id:id}/restore", restore, methods=["POST"]),
]
