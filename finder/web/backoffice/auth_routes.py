"""Log in, log out, change password."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.routing import Route

from finder.domain import ValidationErrors
from finder.i18n import gettext, ngettext
from finder.models import utcnow
from finder.web.kit.auth import accounts, current_user, log_in, log_out, login_required, safe_next
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import error_texts, page, redirect_with, services
from finder.web.kit.ratelimit import client_key, limiter

LOGIN_WINDOW_SECONDS = 15 * 60


async def login_form(request: Request):
    if current_user(request) is not None:
        return redirect_with(request, safe_next(request.query_params.get("next")))
    return page(request, "backoffice/login.html",
                {"next": safe_next(request.query_params.get("next")), "values": {}, "errors": {}})


async def login(request: Request):
    form = await verify_csrf(request)
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    values = {"email": email}
    limit = limiter(request, "login", services(request).settings.rate_limit_logins, LOGIN_WINDOW_SECONDS)
    if not limit.allow(client_key(request)):
        return page(request, "backoffice/too_many.html", {"message": gettext(
            "There have been too many attempts to log in from your connection. Wait 15 minutes and try again.")},
            status_code=429)
    result = accounts(request).authenticate(email, password)
    if result.outcome == "ok":
        log_in(request, result.user)
        return redirect_with(request, target, gettext("You are logged in."))
    if result.outcome == "locked":
        minutes = max(1, math.ceil((result.locked_until - utcnow()).total_seconds() / 60))
        message = ngettext("This account is locked after too many wrong passwords. Try again in %(num)s minute.",
                           "This account is locked after too many wrong passwords. Try again in %(num)s minutes.",
                           minutes, num=minutes)
    else:
        message = gettext("The email address or password is not right.")
    return page(request, "backoffice/login.html",
                {"next": target, "values": values, "errors": {"email": [message]}}, status_code=400)


async def logout(request: Request):
    await verify_csrf(request)
    log_out(request)
    return redirect_with(request, "/backoffice/login", gettext("You have logged out."))


@login_required()
async def password_form(request: Request):
    return page(request, "backoffice/password.html", {"errors": {}})


@login_required()
async def change_password(request: Request):
    form = await verify_csrf(request)
    user = current_user(request)
    try:
        user = accounts(request).change_password(user.id, str(form.get("current_password") or ""),
                                                 str(form.get("new_password") or ""),
                                                 str(form.get("confirm_password") or ""))
    except ValidationErrors as exc:
        return page(request, "backoffice/password.html", {"errors": error_texts(exc.errors)}, status_code=400)
    log_in(request, user)
    return redirect_with(request, "/backoffice/", gettext("Your password has been changed."))


routes = [
    Route("/backoffice/login", login_form, methods=["GET"]),
    Route("/backoffice/login", login, methods=["POST"]),
    Route("/backoffice/logout", logout, methods=["POST"]),
    Route("/backoffice/password", password_form, methods=["GET"]),
    Route("/backoffice/password", change_password, methods=["POST"]),
]
