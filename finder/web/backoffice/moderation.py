"""The moderation queue: pending submissions and problem reports, and the decisions on them."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from finder.domain import ValidationErrors, diff, messages, submissions
from finder.i18n import gettext
from finder.operations.catalogue import course_snapshot
from finder.queries import listings, review
from finder.web.kit.addresses import base_url
from finder.web.kit.auth import current_user, login_required
from finder.web.kit.pages import error_texts, page, redirect_with, services


@login_required()
async def dashboard(request: Request):
    user = current_user(request)
    settings = services(request).settings
    organisation_id = None if user.role == "coordinator" else user.organisation_id
    with services(request).sessions() as db:
        pending = review.pending_submissions(db, organisation_id)
        decided = review.recent_decisions(db, organisation_id=organisation_id)
        stale = review.courses(db, organisation_id=organisation_id, stale_after_days=settings.stale_after_days)
        stale_availability = review.courses(db, organisation_id=organisation_id,
                                            availability_stale_weeks=settings.availability_stale_weeks)
    return page(request, "backoffice/dashboard.html", {"pending": pending, "decided": decided, "stale": stale,
                                                       "stale_availability": stale_availability})


def _review(request: Request, submission):
    """The submission's proposal checked again, its diff against the live listing, and likely duplicates."""
    prepared, problems, changes, duplicates = None, {}, [], []
    if submission.kind in ("new", "change"):
        try:
            prepared = submissions.prepare(submission.payload, services(request).postcodes.lookup)
        except ValidationErrors as exc:
            problems = error_texts(exc.errors)
        if prepared is not None:
            with services(request).sessions() as db:
                course = listings.course(db, submission.course_id, public=False) if submission.course_id else None
                live = course_snapshot(course) if course is not None else None
                proposed = prepared.snapshot()
                venues = review.venue_details(db, review.session_venue_keys(live, proposed))
                venues.update(prepared.venues)  # the places as the partner typed them
                changes = diff.changes(live, proposed, venues=venues)
                duplicates = review.likely_duplicates(
                    db, submission.organisation_id, prepared.listing.organisation_name, prepared.sessions,
                    exclude_course_id=submission.course_id)
    return prepared, problems, changes, duplicates


def _submission(request: Request):
    with services(request).sessions() as db:
        submission = review.submission(db, request.path_params["submission_id"])
    if submission is None:
        raise HTTPException(404)
    return submission


@login_required("coordinator")
async def submission_page(request: Request):
    return await _show_submission(request)


async def _show_submission(request: Request, errors: dict | None = None, status_code: int = 200):
    submission = _submission(request)
    prepared, problems, changes, duplicates = await run_in_threadpool(_review, request, submission)
    return page(request, "backoffice/submission.html", {
        "submission": submission, "problems": problems, "changes": changes, "duplicates": duplicates,
        "can_approve": submission.status == "pending" and not problems, "errors": errors or {},
        "values": {}}, status_code=status_code)


def _tell_submitter(request: Request, submission, status: str, reason: str) -> None:
    """Submitters and partners hear about decisions by email."""
    if submission.kind == "report" or not submission.submitter_email:
        return
    base = base_url(request)
    title = submission.payload.get("title", "")
    if not title and submission.course_id:
        with services(request).sessions() as db:
            course = listings.course(db, submission.course_id, public=False)
            title = course.title if course is not None else ""
    if status == "approved" and submission.course_id:
        link = f"{base}/courses/{submission.course_id}"
    elif submission.user_id:
        link = f"{base}/partners/courses"
    else:
        link = f"{base}/add-a-class"
    subject, body = messages.decision(status, title, reason, link)
    services(request).mailer.send(submission.submitter_email, subject, body)


@login_required("coordinator")
async def decide(request: Request):
    from finder.web.kit.csrf import verify_csrf

    form = await verify_csrf(request)
    submission = _submission(request)
    if submission.status != "pending":
        return redirect_with(request, f"/backoffice/submissions/{submission.id}",
                             gettext("This submission has already been decided."))
    user = current_user(request)
    decision = form.get("decision")
    catalogue = services(request).catalogue
    if decision == "approve":
        prepared, problems, _, _ = await run_in_threadpool(_review, request, submission)
        if problems:
            return await _show_submission(request, {"decision": [gettext(
                "This submission has problems, so it cannot be approved. Ask the sender for changes.")]}, 400)
        submission = catalogue.approve_submission(submission.id, prepared, actor=user.email)
        await run_in_threadpool(_tell_submitter, request, submission, "approved", "")
        return redirect_with(request, f"/backoffice/submissions/{submission.id}", gettext("Approved."))
    if decision in ("reject", "changes"):
        reason = str(form.get("reason") or "").strip()
        if not reason:
            return await _show_submission(request, {"reason": [gettext(
                "Say why, in words the sender will understand: we email it to them.")]}, 400)
        status = "rejected" if decision == "reject" else "changes-requested"
        submission = catalogue.decide_submission(submission.id, status, reason[:5000], actor=user.email)
        await run_in_threadpool(_tell_submitter, request, submission, status, reason)
        return redirect_with(request, "/backoffice/",
                             gettext("Rejected.") if status == "rejected" else gettext("Changes asked for."))
    return await _show_submission(request, {"decision": [gettext("Choose a decision.")]}, 400)


routes = [
    Route("/backoffice/", dashboard, methods=["GET"]),
    Route("/backoffice/submissions/{submission_id:id}", submission_page, methods=["GET"]),
    Route("/backoffice/submissions/{submission_id:id}", decide, methods=["POST"]),
]
