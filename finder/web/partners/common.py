"""What the partners' pages share: the mailer, the postcode lookup, and the hourly limit of public forms."""

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
