"""Who is logged in, and what they may do.

A login is a server-side session (`finder.operations.accounts`, table login_sessions): the signed
session cookie carries only its random id, under SESSION_ID, next to the CSRF token and the one-time
message; each request looks the id up, so logging out, a new password, "log out everywhere" or a
disabled account end it at once, and it ends 12 hours after logging in however much it is used.

`login_required(role)` guards back-office handlers: anonymous people are sent to the login
page (and back again afterwards); a logged-in person without the role gets a 403 page.
"""

from __future__ import annotations

import functools
import os
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from finder.i18n import gettext
from finder.models import Course, Organisation, Submission, User
from finder.operations.accounts import Accounts
from finder.web.kit.offloop import AtMost

SESSION_ID = "sid"
LOGIN_PATH = "/backoffice/login"


def accounts(request: Request) -> Accounts:
    return request.app.state.services.accounts


# argon2 takes a good part of a second of CPU, on several cores: at most this many at once, so a burst
# of logins cannot starve everyone else's pages of CPU. The others wait their turn without a thread.
HASHING_AT_ONCE = max(1, (os.cpu_count() or 1) // 2)
_hashing = AtMost(HASHING_AT_ONCE)


async def hashing(func, *args, **kwargs):
    """Run `func` (which checks or hashes a password) on a worker thread, never on the event loop,
    HASHING_AT_ONCE at a time."""
    return await _hashing.run(func, *args, **kwargs)


def session_id(request: Request) -> str | None:
    if "session" not in request.scope:
        return None
    value = request.session.get(SESSION_ID)
    return value if isinstance(value, str) else None


def current_user(request: Request) -> User | None:
    if hasattr(request.state, "user"):
        return request.state.user
    user = None
    token = session_id(request)
    if token is not None:
        user = accounts(request).session_user(token)
        if user is None:  # ended, expired or made up: forget it
            request.session.pop(SESSION_ID, None)
    request.state.user = user
    return user


def log_in(request: Request, user: User) -> None:
    """A new session for `user` in a fresh cookie session (new CSRF token too: no fixation)."""
    old = session_id(request)
    if old is not None:
        accounts(request).end_session(old)
    token = accounts(request).start_session(user.id)
    request.session.clear()
    request.session[SESSION_ID] = token
    request.state.user = user


def log_out(request: Request) -> None:
    token = session_id(request)
    if token is not None:
        accounts(request).end_session(token)
    request.session.clear()
    request.state.user = None


def log_out_everywhere(request: Request, user: User) -> None:
    """End every session of `user`'s, this browser's included."""
    accounts(request).end_sessions(user.id)
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
