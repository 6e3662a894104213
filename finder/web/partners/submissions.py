"""What partners and the public send in: "add your class", partner editors' changes, problem
reports on course pages, and the private check links (/check/{token})."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from finder.domain import ValidationErrors, messages, submissions
from finder.i18n import gettext
from finder.models import Course
from finder.operations.outbox import Mailer
from finder.queries import checks, listings, review
from finder.web.kit.auth import can_edit, current_user, login_required
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.listing_forms import form_context
from finder.web.kit.pages import page, redirect_with, services
from finder.web.kit.ratelimit import client_key, limiter
from finder.web.kit.rendering import render

FORM_WINDOW_SECONDS = 3600


def mailer(request: Request) -> Mailer:
    return services(request).mailer


def lookup(request: Request):
    return services(request).postcodes.lookup


def _too_many(request: Request):
    return render(request, "partners/too_many.html", {}, status_code=429)


def _spam_checks(request: Request, form) -> bool:
    """False for a filled-in honeypot or too many forms from one address in an hour."""
    if form.get("website_url"):
        return False
    limit = limiter(request, "forms", services(request).settings.rate_limit_forms, FORM_WINDOW_SECONDS)
    return limit.allow(client_key(request))


# -- add your class (no account) ---------------------------------------------------------------

def _add_page(request, payload, errors=None, status_code=200):
    return render(request, "public/add_class.html", form_context(
        payload, errors, action="/add-a-class", honeypot=True, show_submitter=True, organisation_fixed=False,
        submit_label=gettext("Send the class")), status_code=status_code)


async def add_class_form(request: Request):
    return _add_page(request, submissions.new_payload())


async def add_class(request: Request):
    form = await verify_csrf(request)
    payload = submissions.parse_form(form)
    if form.get("website_url"):
        # A robot filled in the hidden field: thank it and keep nothing.
        return RedirectResponse("/add-a-class/thanks", status_code=303)
    if not _spam_checks(request, form):
        return _too_many(request)
    try:
        prepared = await run_in_threadpool(submissions.prepare, payload, lookup(request), require_submitter=True)
    except ValidationErrors as exc:
        return _add_page(request, payload, exc.errors, status_code=400)
    services(request).catalogue.submit("new", payload, submitter_name=payload.get("submitter_name", ""),
                                       submitter_email=payload["submitter_email"], actor=payload["submitter_email"])
    subject, body = messages.submission_received(prepared.listing.title)
    await run_in_threadpool(mailer(request).send, payload["submitter_email"], subject, body)
    return RedirectResponse("/add-a-class/thanks", status_code=303)


async def add_class_thanks(request: Request):
    return render(request, "partners/add_class_thanks.html", {})


# -- partner editors ---------------------------------------------------------------------------

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
        tokens = checks.tokens_for(db, [c.id for c in items])
    return page(request, "partners/courses.html", {"courses": items, "pending": pending, "tokens": tokens})


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


# -- report a problem (course pages) -------------------------------------------------------------

def _public_course(request: Request) -> Course:
    with services(request).sessions() as db:
        course = listings.course(db, request.path_params["course_id"])
    if course is None:
        raise HTTPException(404)
    return course


async def report_form(request: Request):
    course = _public_course(request)
    return render(request, "public/report.html", {"course": course, "values": {}, "errors": {},
                                                  "problems": submissions.PROBLEMS})


async def report(request: Request):
    course = _public_course(request)
    form = await verify_csrf(request)
    if form.get("website_url"):
        return RedirectResponse(f"/courses/{course.id}/report/thanks", status_code=303)
    if not _spam_checks(request, form):
        return _too_many(request)
    problem = str(form.get("problem") or "")
    details = str(form.get("details") or "").strip()[:2000]
    email = str(form.get("email") or "").strip()[:200]
    errors = {}
    if problem not in submissions.PROBLEMS:
        errors["problem"] = [gettext("Choose what is wrong.")]
    elif problem == "other" and not details:
        errors["details"] = [gettext("Tell us what is wrong.")]
    if errors:
        return render(request, "public/report.html", {
            "course": course, "values": {"problem": problem, "details": details, "email": email},
            "errors": errors, "problems": submissions.PROBLEMS}, status_code=400)
    catalogue = services(request).catalogue
    catalogue.submit("report", {"details": details}, course_id=course.id, problem=problem, submitter_email=email,
                     actor=email or "public")
    recipient = course.contact_email or course.organisation.email
    if recipient:
        link = f"{services(request).settings.base_url}/check/{catalogue.check_token(course.id)}"
        subject, body = messages.problem_reported(course.title, submissions.problem_label(problem), details, link)
        await run_in_threadpool(mailer(request).send, recipient, subject, body)
    return RedirectResponse(f"/courses/{course.id}/report/thanks", status_code=303)


async def report_thanks(request: Request):
    course = _public_course(request)
    return render(request, "partners/report_thanks.html", {"course": course})


# -- private check links ---------------------------------------------------------------------------

def _checked_course(request: Request) -> Course:
    token = request.path_params["token"]
    with services(request).sessions() as db:
        course_id = checks.course_id_for(db, token)
        course = listings.course(db, course_id, public=False) if course_id is not None else None
    if course is None:
        raise HTTPException(404)
    return course


async def check_page(request: Request):
    course = _checked_course(request)
    return render(request, "partners/check.html", {"course": course, "token": request.path_params["token"]})


async def check_answer(request: Request):
    course = _checked_course(request)
    form = await verify_csrf(request)
    token = request.path_params["token"]
    answer = form.get("answer")
    catalogue = services(request).catalogue
    if answer == "running":
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


routes = [
    Route("/add-a-class", add_class_form, methods=["GET"]),
    Route("/add-a-class", add_class, methods=["POST"]),
    Route("/add-a-class/thanks", add_class_thanks, methods=["GET"]),
    Route("/courses/{course_id:int}/report", report_form, methods=["GET"]),
    Route("/courses/{course_id:int}/report", report, methods=["POST"]),
    Route("/courses/{course_id:int}/report/thanks", report_thanks, methods=["GET"]),
    Route("/check/{token}", check_page, methods=["GET"]),
    Route("/check/{token}", check_answer, methods=["POST"]),
    Route("/check/{token}/change", check_change_form, methods=["GET"]),
    Route("/check/{token}/change", check_change, methods=["POST"]),
    Route("/partners/courses", partner_courses, methods=["GET"]),
    Route("/partners/courses/new", partner_new_form, methods=["GET"]),
    Route("/partners/courses/new", partner_new, methods=["POST"]),
    Route("/partners/courses/{course_id:int}/edit", partner_edit_form, methods=["GET"]),
    Route("/partners/courses/{course_id:int}/edit", partner_edit, methods=["POST"]),
]
