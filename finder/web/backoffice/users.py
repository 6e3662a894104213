"""Coordinators manage accounts (partner editors, other coordinators; disabling one ends its sessions),
trusted organisations and read the outbox."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from finder.domain import ValidationErrors
from finder.domain.accounts import ROLES
from finder.domain.numbers import NumberError, parse_id
from finder.i18n import gettext
from finder.queries import review
from finder.web.kit.auth import accounts, current_user, hashing, login_required
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import error_texts, page, redirect_with, services


def _users_page(request, values=None, errors=None, status_code=200):
    with services(request).sessions() as db:
        organisations = review.organisations(db)
    return page(request, "backoffice/users.html", {
        "users": accounts(request).all(), "organisations": organisations,
        "organisation_options": [(str(o.id), o.name) for o in organisations], "roles": ROLES,
        "values": values or {"role": "partner"}, "errors": errors or {}}, status_code=status_code)



def _id_or_none(raw: str) -> int | None:
    try:
        return parse_id(raw)
    except NumberError:
        return None

@login_required("coordinator")
async def users(request: Request):
    return _users_page(request)


@login_required("coordinator")
async def create_user(request: Request):
    form = await verify_csrf(request)
    values = {name: str(form.get(name) or "") for name in ("email", "name", "role", "organisation_id")}
    try:
        await hashing(  # argon2: off the event loop
            accounts(request).create_user,
            email=values["email"], name=values["name"], role=values["role"],
            password=str(form.get("password") or ""), confirm=str(form.get("confirm_password") or ""),
            organisation_id=_id_or_none(values["organisation_id"]),
            actor=current_user(request).email)
    except ValidationErrors as exc:
        return _users_page(request, values, error_texts(exc.errors), status_code=400)
    return redirect_with(request, "/backoffice/users",
                         gettext("Account made for %(email)s. Give them their password in person or by phone.",
                                 email=values["email"].strip().lower()))


@login_required("coordinator")
async def set_disabled(request: Request):
    """Disable an account (it cannot log in, its sessions end at once) or enable it again."""
    form = await verify_csrf(request)
    me = current_user(request)
    if request.path_params["user_id"] == me.id:
        return redirect_with(request, "/backoffice/users", gettext("You cannot disable your own account."))
    disabled = form.get("disabled") == "1"
    try:
        user = accounts(request).set_disabled(request.path_params["user_id"], disabled, actor=me.email)
    except LookupError:
        raise HTTPException(404) from None
    return redirect_with(request, "/backoffice/users",
                         gettext("%(name)s can no longer log in.", name=user.name) if disabled else
                         gettext("%(name)s can log in again.", name=user.name))


@login_required("coordinator")
async def trust(request: Request):
    form = await verify_csrf(request)
    try:
        organisation = services(request).catalogue.set_trusted(
            request.path_params["organisation_id"], form.get("trusted") == "1", actor=current_user(request).email)
    except LookupError:
        raise HTTPException(404) from None
    message = (gettext("%(name)s is trusted: its editors' changes go live at once.", name=organisation.name)
               if organisation.trusted else
               gettext("%(name)s is no longer trusted: a coordinator checks its changes.", name=organisation.name))
    return redirect_with(request, "/backoffice/users", message)


RESET_LINK = re.compile(r"/password-reset/[A-Za-z0-9_-]+")


def shown_body(message) -> str:
    """A message as coordinators read it in the outbox. A password reset link that went out by e-mail
    is hidden, so no coordinator can use a colleague's link; unsent, it stays, for someone to pass on."""
    return RESET_LINK.sub("/password-reset/…", message.body) if message.sent_at else message.body


@login_required("coordinator")
async def outbox(request: Request):
    mailer = services(request).mailer
    messages = mailer.outbox()
    return page(request, "backoffice/outbox.html", {"messages": messages, "smtp": mailer.configured,
                                                    "bodies": {m.id: shown_body(m) for m in messages}})


routes = [
    Route("/backoffice/users", users, methods=["GET"]),
    Route("/backoffice/users", create_user, methods=["POST"]),
    Route("/backoffice/users/{user_id:id}/disabled", set_disabled, methods=["POST"]),
    Route("/backoffice/organisations/{organisation_id:id}/trust", trust, methods=["POST"]),
    Route("/backoffice/outbox", outbox, methods=["GET"]),
]
