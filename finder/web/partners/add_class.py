"""Add your class: anyone may send a class without an account; a coordinator checks it first."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from finder.domain import ValidationErrors, messages, submissions
from finder.i18n import gettext
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.listing_forms import form_context
from finder.web.kit.pages import services
from finder.web.kit.rendering import render
from finder.web.partners.common import count_send, lookup, mailer, over_form_limit


def _add_page(request, payload, errors=None, status_code=200, refused=False):
    return render(request, "public/add_class.html", form_context(
        payload, errors, action="/add-a-class", honeypot=True, show_submitter=True, organisation_fixed=False,
        submit_label=gettext("Send the class"), refused=refused), status_code=status_code)


async def add_class_form(request: Request):
    return _add_page(request, submissions.new_payload())


async def add_class(request: Request):
    form = await verify_csrf(request)
    payload = submissions.parse_form(form)
    if form.get("website_url"):
        # A robot filled in the hidden field: thank it and keep nothing.
        return RedirectResponse("/add-a-class/thanks", status_code=303)
    if over_form_limit(request, "add-a-class"):
        # Refused for now, but nothing typed is lost: the form comes back filled in.
        return _add_page(request, payload, status_code=429, refused=True)
    try:
        prepared = await run_in_threadpool(submissions.prepare, payload, lookup(request), require_submitter=True)
    except ValidationErrors as exc:
        return _add_page(request, payload, exc.errors, status_code=400)
    services(request).catalogue.submit("new", payload, submitter_name=payload.get("submitter_name", ""),
                                       submitter_email=payload["submitter_email"], actor=payload["submitter_email"])
    count_send(request, "add-a-class")
    subject, body = messages.submission_received(prepared.listing.title)
    await run_in_threadpool(mailer(request).send, payload["submitter_email"], subject, body)
    return RedirectResponse("/add-a-class/thanks", status_code=303)


async def add_class_thanks(request: Request):
    return render(request, "partners/add_class_thanks.html", {})


routes = [
    Route("/add-a-class", add_class_form, methods=["GET"]),
    Route("/add-a-class", add_class, methods=["POST"]),
    Route("/add-a-class/thanks", add_class_thanks, methods=["GET"]),
]
