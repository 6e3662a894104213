"""CSRF protection: a random token per session, a hidden field in every form that changes
data, and `verify_csrf` at the top of every handler that accepts such a form."""

from __future__ import annotations

import hmac
import secrets

import jinja2
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from finder.i18n import gettext

SESSION_KEY = "csrf"
FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    """This session's token, made the first time a form needs it."""
    token = request.session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


@jinja2.pass_context
def csrf_field(context) -> Markup:
    """Jinja global: `{{ csrf_field() }}` inside every <form method="post">."""
    request = context.get("request")
    # Without a session (a template rendered outside the app) the field is empty, and a form sent
    # with it is refused: it never fails open.
    token = csrf_token(request) if request is not None and "session" in request.scope else ""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token)  # format() escapes


async def verify_csrf(request: Request, **form_options) -> FormData:
    """Read the form (urlencoded or multipart; options go to `request.form`) and check its token.

    Raises HTTPException(403) when the token is missing or not this session's.
    """
    form = await request.form(**form_options)
    sent = form.get(FIELD)
    expected = request.session.get(SESSION_KEY) if "session" in request.scope else None
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(403, detail=gettext(
            "This form could not be sent because it had expired or did not come from this site. "
            "Go back, reload the page and try again."))
    return form
