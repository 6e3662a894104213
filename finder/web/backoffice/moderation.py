"""The moderation queue: pending submissions and problem reports, and the decisions on them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from finder import review
from finder.web.auth import current_user, login_required
from finder.web.backoffice.common import page, services


@login_required()
async def dashboard(request: Request):
    user = current_user(request)
    settings = services(request).settings
    organisation_id = None if user.role == "coordinator" else user.organisation_id
    with services(request).sessions() as db:
        pending = review.pending_submissions(db, organisation_id)
        decided = review.recent_decisions(db, organisation_id=organisation_id)
        stale = review.courses(db, organisation_id=organisation_id, stale_after_days=settings.stale_after_days)
    return page(request, "backoffice/dashboard.html", {"pending": pending, "decided": decided, "stale": stale})


routes = [
    Route("/backoffice/", dashboard, methods=["GET"]),
]
