"""Report a problem with a class, from its course page."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from finder.domain import messages, submissions
from finder.domain.values import is_email
from finder.i18n import gettext
from finder.web.kit.addresses import base_url
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import services
from finder.web.kit.rendering import render
from finder.web.partners.common import count_send, mailer, over_form_limit, public_course


async def report_form(request: Request):
    course = public_course(request)
    return render(request, "public/report.html", {"course": course, "values": {}, "errors": {},
                                                  "problems": submissions.PROBLEMS})


async def report(request: Request):
    course = public_course(request)
    form = await verify_csrf(request)
    if form.get("website_url"):
        return RedirectResponse(f"/courses/{course.id}/report/thanks", status_code=303)
    problem = str(form.get("problem") or "")
    details = str(form.get("details") or "").strip()[:2000]
    email = str(form.get("email") or "").strip()[:200]
    if over_form_limit(request, "report-a-problem"):
        # Refused for now, but nothing typed is lost: the form comes back filled in.
        return render(request, "public/report.html", {
            "course": course, "values": {"problem": problem, "details": details, "email": email},
            "errors": {}, "problems": submissions.PROBLEMS, "refused": True}, status_code=429)
    errors = {}
    if problem not in submissions.PROBLEMS:
        errors["problem"] = [gettext("Choose what is wrong.")]
    elif problem == "other" and not details:
        errors["details"] = [gettext("Tell us what is wrong.")]
    if email and not is_email(email):
        errors["email"] = [gettext("Enter an email address, like name@example.org.")]
    if errors:
        return render(request, "public/report.html", {
            "course": course, "values": {"problem": problem, "details": details, "email": email},
            "errors": errors, "problems": submissions.PROBLEMS}, status_code=400)
    catalogue = services(request).catalogue
    catalogue.submit("report", {"details": details}, course_id=course.id, problem=problem, submitter_email=email,
                     actor=email or "public")
    count_send(request, "report-a-problem")
    recipient = course.contact_email or course.organisation.email
    if recipient:
        link = f"{base_url(request)}/check/{catalogue.check_token(course.id)}"
        subject, body = messages.problem_reported(course.title, submissions.problem_label(problem), link)
        await run_in_threadpool(mailer(request).send, recipient, subject, body)
    return RedirectResponse(f"/courses/{course.id}/report/thanks", status_code=303)


async def report_thanks(request: Request):
    course = public_course(request)
    return render(request, "partners/report_thanks.html", {"course": course})


routes = [
    Route("/courses/{course_id:id}/report", report_form, methods=["GET"]),
    Route("/courses/{course_id:id}/report", report, methods=["POST"]),
    Route("/courses/{course_id:id}/report/thanks", report_thanks, methods=["GET"]),
]
