"""Partners keep availability current in one click (issue 13, point 2): the check link and the reminder
e-mail offer "still running, places now / waiting list / full"; each answer updates the listing, its
last-checked and availability-checked dates through the one writer, with an audit entry. Opening a link
changes nothing. Coordinators see listings whose availability is older than a set number of weeks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from finder.cli import main
from finder.models import AuditEntry, Course, OutboxMessage
from tests.accounts import csrf

pytestmark = pytest.mark.postgres


def _course(services, course_id) -> Course:
    with services.sessions() as db:
        return db.get(Course, course_id)


def test_each_one_click_answer_updates_the_listing_with_an_audit_entry(client, fixture_catalogue, ids):
    services = fixture_catalogue
    course_id = ids()["entry-1-day"]
    services.catalogue.set_availability(course_id, "waiting-list", wait_weeks=6, actor="test",
                                        on=dt.date.today() - dt.timedelta(days=100))
    token = services.catalogue.check_token(course_id)
    page = client.get(f"/check/{token}").text
    assert [b.strip() for b in re.findall(r"<button[^>]*>([^<]*)</button>", page.split("<main")[1])][:3] == [
        "Still running, places now", "Still running, waiting list", "Still running, full"]
    assert "The listing says now: Waiting list." in page

    def answer(value):
        return client.post(f"/check/{token}", data={"answer": value, "csrf_token": csrf(client, f"/check/{token}")})

    done = answer("waiting-list")
    assert "The listing now says: Waiting list" in done.text
    course = _course(services, course_id)
    assert (course.availability, course.wait_weeks) == ("waiting-list", 6)  # the usual wait is kept
    assert course.availability_checked == course.last_checked == dt.date.today()

    answer("full")
    assert (_course(services, course_id).availability, _course(services, course_id).wait_weeks) == ("full", None)
    assert "Full" in client.get(f"/courses/{course_id}").text
    answer("places")
    assert _course(services, course_id).availability == "places"
    found = client.get("/search.json?places=1").json()
    assert course_id in [r["id"] for r in found["results"]]  # searchable at once
    with services.sessions() as db:
        entries = list(db.scalars(select(AuditEntry).where(AuditEntry.action == "availability",
                                                           AuditEntry.entity_id == course_id)
                                  .order_by(AuditEntry.id)))
    answers = [e for e in entries if e.actor.startswith("check-link:")]
    assert [e.after["availability"] for e in answers] == ["waiting-list", "full", "places"]
    assert answers[1].before["availability"] == "waiting-list"


def test_places_now_keeps_a_rolling_intake(client, fixture_catalogue, ids):
    services = fixture_catalogue
    course_id = ids()["conversation-club"]
    services.catalogue.set_availability(course_id, "rolling", actor="test")
    token = services.catalogue.check_token(course_id)
    client.post(f"/check/{token}", data={"answer": "places", "csrf_token": csrf(client, f"/check/{token}")})
    assert _course(services, course_id).availability == "rolling"


def test_an_answer_without_the_csrf_token_changes_nothing(client, fixture_catalogue, ids):
    services = fixture_catalogue
    course_id = ids()["entry-1-day"]
    before = _course(services, course_id).availability
    token = services.catalogue.check_token(course_id)
    client.get(f"/check/{token}")
    refused = client.post(f"/check/{token}", data={"answer": "full"})
    assert refused.status_code == 403 and _course(services, course_id).availability == before


def test_the_reminder_links_open_the_answer_ready_to_confirm_and_change_nothing(env, fixture_catalogue, ids, client):
    services = fixture_catalogue
    course_id = ids()["entry-1-day"]
    services.catalogue.mark_checked(course_id, on=dt.date.today() - dt.timedelta(days=400))
    result = CliRunner().invoke(main, ["remind"])
    assert result.exit_code == 0, result.output
    with services.sessions() as db:
        [message] = db.scalars(select(OutboxMessage)).all()
    links = dict(re.findall(r"(Still running, [a-z ]+):\n(\S+)", message.body))
    assert set(links) == {"Still running, places now", "Still running, waiting list", "Still running, full"}
    path = "/" + links["Still running, full"].split("/", 3)[3]
    assert path.endswith("?answer=full")
    before = _course(services, course_id)
    page = client.get(path).text  # a link scanner opening it changes nothing
    after = _course(services, course_id)
    assert (after.availability, after.last_checked) == (before.availability, before.last_checked)
    assert "Confirm your answer" in page
    confirm = re.search(r'<form method="post" action="(/check/[^"]+)" class="one-click">.*?name="answer" value="([a-z-]+)"',
                        page, re.S)
    assert confirm.group(2) == "full"
    client.post(confirm.group(1), data={"answer": "full", "csrf_token": csrf(client, path)})
    assert _course(services, course_id).availability == "full"


def test_coordinators_see_listings_whose_availability_is_old(coordinator_client, services, fixture_catalogue, ids):
    with services.sessions.begin() as db:
        db.execute(update(Course).values(availability_checked=dt.date.today()))
    old = ids()["conversation-club"]
    services.catalogue.set_availability(old, "waiting-list", actor="test", on=dt.date.today() - dt.timedelta(weeks=9))
    listing = coordinator_client.get("/backoffice/courses?needs=availability").text
    assert "Conversation Club" in listing and "ESOL Entry 1" not in listing and "To confirm" in listing
    dashboard = coordinator_client.get("/backoffice/").text
    assert "1 published listing has not confirmed its places for more than 8 weeks." in dashboard
