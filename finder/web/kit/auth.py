"""Who is logged in, and what they may do.

`login_required(role)` guards back-office handlers: anonymous people are sent to the login
page (and back again afterwards); a logged-in person without the role gets a 403 page.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from finder.i18n import gettext
from finder.models import Course, Organisation, Submission, User
from finder.operations.accounts import Accounts

SESSION_USER = "user_id"
SESSION_STAMP = "user_stamp"
LOGIN_PATH = "/backoffice/login"


def _stamp(user: User) -> str:
    """Changes when the password does, so changing it logs out every other session."""
    return user.password_hash[-16:]


def accounts(request: Request) -> Accounts:
    return request.app.state.services.accounts


def current_user(request: Request) -> User | None:
    if hasattr(request.state, "user"):
        return request.state.user
    user = None
    if "session" in request.scope:
        user_id = request.session.get(SESSION_USER)
        if isinstance(user_id, int):
            user = accounts(request).get(user_id)
            if user is not None and request.session.get(SESSION_STAMP) != _stamp(user):
                user = None
    request.state.user = user
    return user


def log_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_STAMP] = _stamp(user)
    request.state.user = user


def log_out(request: Request) -> None:
    request.session.clear()
    request.state.user = None


def safe_next(target: str | None, default: str = "/backoffice/") -> str:
    """Only paths on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def login_required(role: str | None = None):
    """Decorator for async handlers. role="coordinator": coordinators only; None: anyone logged in."""

    def decorate(handler):
        @functools.wraps(handler)
        async def guarded(request: Request):
            user = current_user(request)
            if user is None:
                here = request.url.path + (("?" + request.url.query) if request.url.query else "")
                return RedirectResponse(f"{LOGIN_PATH}?next={quote(here, safe='/')}", status_code=303)
            if role is not None and user.role != role:
                raise HTTPException(403, detail=gettext("Only coordinators can use this page."))
            return await handler(request)

        return guarded

    return decorate


def can_edit(user: User | None, item) -> bool:
    """Coordinators may edit everything; partner editors only their own organisation's listings."""
    if user is None:
        return False
    if user.role == "coordinator":
        return True
    if user.organisation_id is None:
        return False
    if isinstance(item, Organisation):
        return item.id == user.organisation_id
    if isinstance(item, (Course, Submission)):
        return item.organisation_id == user.organisation_id
    return False
