"""Private check links do not live for ever: one older than ESOL_FINDER_CHECK_LINK_DAYS opens nothing
and is made anew when next sent, and an archived listing's link opens nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from finder.models import AuditEntry, CheckToken

pytestmark = pytest.mark.postgres


def _age(services, days: int) -> None:
    with services.sessions.begin() as db:
        db.execute(update(CheckToken).values(created_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
                                             - dt.timedelta(days=days)))


def test_a_link_older_than_its_lifetime_opens_nothing_and_is_renewed(client, fixture_catalogue, ids):
    services = fixture_catalogue
    course_id = ids()["entry-1-day"]
    token = services.catalogue.check_token(course_id)
    assert client.get(f"/check/{token}").status_code == 200
    _age(services, services.settings.check_link_days - 1)
    assert client.get(f"/check/{token}").status_code == 200
    assert services.catalogue.check_token(course_id) == token  # still young enough: the same link
    _age(services, services.settings.check_link_days + 1)
    assert client.get(f"/check/{token}").status_code == 404
    renewed = services.catalogue.check_token(course_id)
    assert renewed != token
    assert client.get(f"/check/{renewed}").status_code == 200 and client.get(f"/check/{token}").status_code == 404
    with services.sessions() as db:
        actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.entity == "course",
                                                                  AuditEntry.entity_id == course_id)))
    assert "check-link-renewed" in actions


def test_an_archived_listings_link_opens_nothing(client, fixture_catalogue, ids):
    services = fixture_catalogue
    course_id = ids()["entry-1-day"]
    token = services.catalogue.check_token(course_id)
    services.catalogue.set_status(course_id, "archived")
    assert client.get(f"/check/{token}").status_code == 404
    response = client.post(f"/check/{token}", data={"answer": "running"})
    assert response.status_code in (403, 404)  # no page to answer on (and no CSRF token to send)
