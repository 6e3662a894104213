"""What every back-office handler shares: rendering with the user and a one-time message."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse

from finder.domain import submissions
from finder.services import Services
from finder.web.kit.auth import current_user
from finder.web.kit.rendering import render

FLASH = "flash"


def services(request: Request) -> Services:
    """The app's services (built once by `finder.services.build_services`)."""
    return request.app.state.services


def page(request: Request, template: str, context: dict | None = None, status_code: int = 200):
    flash = request.session.pop(FLASH, None) if "session" in request.scope else None
    response = render(request, template, {"user": current_user(request), "flash": flash,
                                          "submission_kind": submissions.kind_label,
                                          "submission_status": submissions.status_label,
                                          "problem_label": submissions.problem_label, **(context or {})},
                      status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def redirect_with(request: Request, url: str, message: str | None = None) -> RedirectResponse:
    """Post/redirect/get, with a message shown once on the next page."""
    if message:
        request.session[FLASH] = str(message)
    return RedirectResponse(url, status_code=303)


def error_texts(errors: dict) -> dict[str, list[str]]:
    """Lazy messages rendered now, in the reader's language."""
    return {name: [str(m) for m in messages] for name, messages in errors.items()}
