"""Coordinators manage accounts (partner editors, other coordinators), trusted organisations and
read the outbox."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from finder.domain import ValidationErrors
from finder.domain.accounts import ROLES
from finder.i18n import gettext
from finder.queries import review
from finder.web.kit.auth import accounts, current_user, login_required
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import error_texts, page, redirect_with, services


def _users_page(request, values=None, errors=None, status_code=200):
    with services(request).sessions() as db:
        organisations = review.organisations(db)
    return page(request, "backoffice/users.html", {
        "users": accounts(request).all(), "organisations": organisations,
        "organisation_options": [(str(o.id), o.name) for o in organisations], "roles": ROLES,
        "values": values or {"role": "partner"}, "errors": errors or {}}, status_code=status_code)


@login_required("coordinator")
async def users(request: Request):
    return _users_page(request)


@login_required("coordinator")
async def create_user(request: Request):
    form = await verify_csrf(request)
    values = {name: str(form.get(name) or "") for name in ("email", "name", "role", "organisation_id")}
    try:
        accounts(request).create_user(
            email=values["email"], name=values["name"], role=values["role"],
            password=str(form.get("password") or ""), confirm=str(form.get("confirm_password") or ""),
            organisation_id=int(values["organisation_id"]) if values["organisation_id"].isdigit() else None,
            actor=current_user(request).email)
    except ValidationErrors as exc:
        return _users_page(request, values, error_texts(exc.errors), status_code=400)
    return redirect_with(request, "/backoffice/users",
                         gettext("Account made for %(email)s. Give them their password in person or by phone.",
                                 email=values["email"].strip().lower()))


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


@login_required("coordinator")
async def outbox(request: Request):
    mailer = services(request).mailer
    return page(request, "backoffice/outbox.html", {"messages": mailer.outbox(), "smtp": mailer.configured})


routes = [
    Route("/backoffice/users", users, methods=["GET"]),
    Route("/backoffice/users", create_user, methods=["POST"]),
    Route("/backoffice/organisations/{organisation_id:int}/trust", trust, methods=["POST"]),
    Route("/backoffice/outbox", outbox, methods=["GET"]),
]
