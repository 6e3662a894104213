"""Log in, log out (here or everywhere), change password, and reset a forgotten one by e-mail.

Every form checks its CSRF token and is rate-limited per client address (`client_key`). Checking
and hashing passwords (argon2, a good part of a second of CPU) runs in the threadpool, never on the
event loop, and only a few at a time (`finder.web.kit.auth.hashing`), so other visitors' pages do
not wait behind it. The answers to the login and reset forms
are the same whether or not the e-mail address has an account.
"""

from __future__ import annotations

import math

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.routing import Route

from finder.domain import ValidationErrors, messages
from finder.i18n import gettext, ngettext
from finder.web.kit.addresses import base_url
from finder.web.kit.auth import (
    LOGIN_PATH,
    accounts,
    current_user,
    hashing,
    log_in,
    log_out,
    log_out_everywhere,
    login_required,
    safe_next,
)
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import error_texts, page, redirect_with, services
from finder.web.kit.ratelimit import client_key, limiter

LOGIN_WINDOW_SECONDS = 15 * 60
RESET_PATH = "/password-reset"


def too_many(request: Request, message: str):
    response = page(request, "backoffice/too_many.html", {"message": message}, status_code=429)
    response.headers["Retry-After"] = str(LOGIN_WINDOW_SECONDS)
    return response


def allowed(request: Request, name: str) -> bool:
    """One more try at the form `name` from this client address, within the login rate limit."""
    limit = limiter(request, name, services(request).settings.rate_limit_logins, LOGIN_WINDOW_SECONDS)
    return limit.allow(client_key(request))


async def login_form(request: Request):
    if current_user(request) is not None:
        return redirect_with(request, safe_next(request.query_params.get("next")))
    return page(request, "backoffice/login.html",
                {"next": safe_next(request.query_params.get("next")), "values": {}, "errors": {}})


async def login(request: Request):
    form = await verify_csrf(request)
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    if not allowed(request, "login"):
        return too_many(request, gettext(
            "There have been too many attempts to log in from your connection. Wait 15 minutes and try again."))
    result = await hashing(accounts(request).authenticate, email, password, client_key(request))
    if result.outcome == "ok" and result.user is not None:
        try:
            log_in(request, result.user)
            return redirect_with(request, target, gettext("You are logged in."))
        except LookupError:  # disabled a moment ago: as if the password were wrong
            pass
    wait_minutes = 0
    if result.outcome == "locked" and result.retry_after:
        # The same words for every address, account or not: it is this connection that waits.
        wait_minutes = max(1, math.ceil(result.retry_after.total_seconds() / 60))
        message = ngettext("There have been too many wrong passwords from your connection. "
                           "Try again in %(num)s minute.",
                           "There have been too many wrong passwords from your connection. "
                           "Try again in %(num)s minutes.", wait_minutes)
    else:
        message = gettext("The email address or password is not right.")
    response = page(request, "backoffice/login.html",
                    {"next": target, "values": {"email": email}, "errors": {"email": [message]}},
                    status_code=429 if wait_minutes else 400)
    if wait_minutes:
        response.headers["Retry-After"] = str(wait_minutes * 60)
    return response


async def logout(request: Request):
    await verify_csrf(request)
    log_out(request)
    return redirect_with(request, LOGIN_PATH, gettext("You have logged out."))


@login_required()
async def end_sessions(request: Request):
    """Log out everywhere: every session of this account ends, this one too."""
    await verify_csrf(request)
    log_out_everywhere(request, current_user(request))
    return redirect_with(request, LOGIN_PATH, gettext("You have logged out everywhere."))


@login_required()
async def password_form(request: Request):
    return page(request, "backoffice/password.html", {"errors": {}})


@login_required()
async def change_password(request: Request):
    form = await verify_csrf(request)
    user = current_user(request)
    try:
        user = await hashing(accounts(request).change_password, user.id, str(form.get("current_password") or ""),
                             str(form.get("new_password") or ""), str(form.get("confirm_password") or ""))
    except ValidationErrors as exc:
        return page(request, "backoffice/password.html", {"errors": error_texts(exc.errors)}, status_code=400)
    log_in(request, user)  # every session ended with the old password; this browser gets a new one
    return redirect_with(request, "/backoffice/", gettext("Your password has been changed."))


# -- a forgotten password ------------------------------------------------------------------------

async def reset_request_form(request: Request):
    return page(request, "backoffice/reset_request.html", {})


async def reset_request(request: Request):
    form = await verify_csrf(request)
    if not allowed(request, "password-reset"):
        return too_many(request, gettext(
            "There have been too many attempts from your connection. Wait 15 minutes and try again."))
    found = accounts(request).request_password_reset(str(form.get("email") or ""))
    response = redirect_with(request, LOGIN_PATH, gettext(
        "If there is an account with that email address, we have sent it a link to choose a new password. "
        "The link works once, within an hour."))
    if found is not None:
        user, token = found
        subject, body = messages.password_reset(f"{base_url(request)}{RESET_PATH}/{token}")
        # Sent after the answer has gone, so a known address is not answered more slowly than an unknown one.
        response.background = BackgroundTask(services(request).mailer.send, user.email, subject, body)
    return response


def link_not_working(request: Request):
    return page(request, "backoffice/reset_invalid.html", {}, status_code=404)


async def reset_form(request: Request):
    token = request.path_params["token"]
    if accounts(request).reset_link_user(token) is None:
        return link_not_working(request)
    return page(request, "backoffice/reset_password.html", {"token": token, "errors": {}})


async def reset(request: Request):
    form = await verify_csrf(request)
    if not allowed(request, "password-reset"):
        return too_many(request, gettext(
            "There have been too many attempts from your connection. Wait 15 minutes and try again."))
    token = request.path_params["token"]
    try:
        await hashing(accounts(request).reset_password, token, str(form.get("new_password") or ""),
                      str(form.get("confirm_password") or ""))
    except LookupError:
        return link_not_working(request)
    except ValidationErrors as exc:
        return page(request, "backoffice/reset_password.html", {"token": token, "errors": error_texts(exc.errors)},
                    status_code=400)
    log_out(request)  # every session of the account has ended; this browser logs in afresh
    return redirect_with(request, LOGIN_PATH, gettext("Your new password is set. Log in with it."))


routes = [
    Route("/backoffice/login", login_form, methods=["GET"]),
    Route("/backoffice/login", login, methods=["POST"]),
    Route("/backoffice/logout", logout, methods=["POST"]),
    Route("/backoffice/sessions/end", end_sessions, methods=["POST"]),
    Route("/backoffice/password", password_form, methods=["GET"]),
    Route("/backoffice/password", change_password, methods=["POST"]),
    # Outside /backoffice/: pages for people who cannot log in, like /check/{token} for partners.
    Route(RESET_PATH, reset_request_form, methods=["GET"]),
    Route(RESET_PATH, reset_request, methods=["POST"]),
    Route(RESET_PATH + "/{token}", reset_form, methods=["GET"]),
    Route(RESET_PATH + "/{token}", reset, methods=["POST"]),
]
