"""What the partners' pages share: the mailer, the postcode lookup, and the spam checks of public forms."""

from __future__ import annotations

from starlette.requests import Request

from finder.operations.outbox import Mailer
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


def spam_checks(request: Request, form) -> bool:
    """False for a filled-in honeypot or too many forms from one address in an hour."""
    if form.get("website_url"):
        return False
    limit = limiter(request, "forms", services(request).settings.rate_limit_forms, FORM_WINDOW_SECONDS)
    return limit.allow(client_key(request))
