"""Ask for a place (issue 13, point 4): a newcomer sends a short request from a course page; it reaches
the organisation (an e-mail with only a private link, and the private page), never the public or the
search index; consent is required; it is deleted by its sender, by the organisation, or by
`esol-finder purge` after ESOL_FINDER_REQUEST_RETENTION_DAYS; anonymous weekly counts stay."""

from __future__ import annotations

import datetime as dt
import re
import socket

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from finder.cli import main
from finder.models import AuditEntry, OutboxMessage, PlaceRequest, PlaceRequestCount
from finder.operations.outbox import Mailer
from tests.accounts import csrf, log_in

pytestmark = pytest.mark.postgres

NAME, PHONE = "Amal Haddad", "07700 900123"


def _ask_path(ids) -> str:
    return f"/courses/{ids()['entry-1-day']}/ask"


def _send(client, path, **changes):
    data = {"name": NAME, "contact_by": "phone", "phone": PHONE, "email": "", "language": "ar", "level": "entry-1",
            "creche": "1", "note": "I can come on Mondays.", "consent": "1", "csrf_token": csrf(client, path)}
    data.update(changes)
    return client.post(path, data={k: v for k, v in data.items() if v is not None}, follow_redirects=False)


def _count(services, model) -> int:
    with services.sessions() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_without_consent_nothing_is_sent_and_nothing_typed_is_lost(client, fixture_catalogue, ids):
    path = _ask_path(ids)
    refused = _send(client, path, consent=None)
    assert refused.status_code == 400
    assert "Tick the box to agree that we send your details to the organisation" in refused.text
    assert f'value="{NAME}"' in refused.text and "I can come on Mondays." in refused.text
    assert _count(fixture_catalogue, PlaceRequest) == 0 and _count(fixture_catalogue, OutboxMessage) == 0


def test_bad_contact_details_get_a_clear_error(client, fixture_catalogue, ids):
    path = _ask_path(ids)
    assert "Write a phone number" in _send(client, path, phone="call me").text
    assert "Write an e-mail address" in _send(client, path, contact_by="email", email="not-an-address").text
    assert "Write your name" in _send(client, path, name=" ").text
    assert _count(fixture_catalogue, PlaceRequest) == 0


def test_a_request_reaches_the_organisation_and_never_the_public(client, fixture_catalogue, ids):
    services = fixture_catalogue
    course_id = ids()["entry-1-day"]
    course_page = client.get(f"/courses/{course_id}").text
    assert f'href="/courses/{course_id}/ask"' in course_page
    sent = _send(client, _ask_path(ids))
    assert sent.status_code == 303 and sent.headers["location"].startswith("/requests/")
    own = client.get(sent.headers["location"]).text
    assert "Your request has been sent" in own and NAME in own

    with services.sessions() as db:
        [request] = db.scalars(select(PlaceRequest)).all()
        [message] = db.scalars(select(OutboxMessage)).all()
        audit_rows = [(e.action, e.before, e.after) for e in db.scalars(select(AuditEntry).where(
            AuditEntry.action == "place-request"))]
        [count] = db.scalars(select(PlaceRequestCount)).all()
    assert (request.name, request.contact, request.language, request.level, request.needs_creche) == (
        NAME, PHONE, "ar", "entry-1", True)
    assert request.delete_after.date() == request.created_at.date() + dt.timedelta(days=90)
    # The e-mail carries the private link, not the person's details.
    assert message.to == "esol@college.example.org"
    assert NAME not in message.body and PHONE not in message.body and "/requests" in message.body
    assert audit_rows == [("place-request", None, None)]
    assert (count.n, count.needs_creche, count.district) == (1, 1, "L3")

    # Never public, never in the search index.
    assert client.get("/search.json?q=Haddad").json()["total"] == 0
    assert NAME not in client.get(f"/courses/{course_id}").text

    # The organisation's private page (the check link) shows it and can delete it.
    link = re.search(r"(/check/[^/\s]+/requests)", message.body).group(1)
    private = client.get(link).text
    assert NAME in private and PHONE in private and "I can come on Mondays." in private and "Arabic" in private
    delete = re.search(r'action="(/check/[^"]+/requests/\d+/delete)"', private).group(1)
    client.post(delete, data={"csrf_token": csrf(client, link)})
    assert _count(services, PlaceRequest) == 0 and _count(services, PlaceRequestCount) == 1
    assert "There are no requests for a place" in client.get(link).text


def test_the_sender_deletes_their_own_request(client, fixture_catalogue, ids):
    own = _send(client, _ask_path(ids)).headers["location"]
    page = client.get(own).text
    gone = client.post(f"{own}/delete", data={"csrf_token": csrf(client, own)})
    assert "Your request is deleted" in gone.text and _count(fixture_catalogue, PlaceRequest) == 0
    assert client.get(own).status_code == 404
    assert "Delete my request now" in page


def test_a_robot_filling_the_hidden_field_sends_nothing(client, fixture_catalogue, ids):
    answer = _send(client, _ask_path(ids), website_url="http://spam.example")
    assert answer.status_code == 200 and _count(fixture_catalogue, PlaceRequest) == 0


def test_the_hourly_form_limit_keeps_what_was_typed(client, services, fixture_catalogue, ids):
    services.settings = services.settings.with_(rate_limit_forms=1)
    path = _ask_path(ids)
    assert _send(client, path).status_code == 303
    refused = _send(client, path, note="Second try")
    assert refused.status_code == 429 and "Second try" in refused.text and _count(services, PlaceRequest) == 1


def test_no_request_is_lost_when_email_fails(client, fixture_catalogue, ids):
    services = fixture_catalogue
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    services.place_requests.mailer = Mailer(services.settings.with_(smtp_host="127.0.0.1", smtp_port=port),
                                            services.sessions)
    assert _send(client, _ask_path(ids)).status_code == 303
    with services.sessions() as db:
        assert db.scalar(select(func.count()).select_from(PlaceRequest)) == 1
        [message] = db.scalars(select(OutboxMessage)).all()
    assert message.to == "esol@college.example.org"


def test_purge_deletes_requests_past_their_retention_and_keeps_the_counts(client, fixture_catalogue, ids, monkeypatch,
                                                                         coordinator):
    services = fixture_catalogue
    _send(client, _ask_path(ids))
    _send(client, _ask_path(ids), name="Second Person", creche=None)
    with services.sessions.begin() as db:
        first = db.scalar(select(PlaceRequest).where(PlaceRequest.name == NAME))
        db.execute(update(PlaceRequest).where(PlaceRequest.id == first.id).values(
            created_at=first.created_at - dt.timedelta(days=91), delete_after=first.created_at - dt.timedelta(days=1)))
    for name, value in (("DATA_DIR", str(services.settings.data_dir)), ("DATABASE_URL", services.settings.database_url),
                        ("SECRET_KEY", "test-secret")):
        monkeypatch.setenv(f"ESOL_FINDER_{name}", value)
    result = CliRunner().invoke(main, ["purge"])
    assert result.exit_code == 0, result.output
    assert "1 requests for a place past their deletion date (at most 90 days) were deleted" in result.output
    with services.sessions() as db:
        assert [r.name for r in db.scalars(select(PlaceRequest))] == ["Second Person"]
        assert db.scalar(select(func.sum(PlaceRequestCount.n))) == 2

    # A lowered retention deletes older requests too.
    monkeypatch.setenv("ESOL_FINDER_REQUEST_RETENTION_DAYS", "1")
    with services.sessions.begin() as db:
        db.execute(update(PlaceRequest).values(created_at=PlaceRequest.created_at - dt.timedelta(days=2)))
    assert CliRunner().invoke(main, ["purge"]).exit_code == 0
    assert _count(services, PlaceRequest) == 0

    # The coordinators' evidence counts them, with no one's details.
    log_in(client)
    evidence = client.get("/backoffice/evidence").text
    assert "Requests for a place, by week and district" in evidence and "Fewer than 5 requests" in evidence
    assert NAME not in evidence and PHONE not in evidence


def test_the_retention_setting_is_range_checked(monkeypatch, tmp_path):
    from finder.settings import load_settings

    monkeypatch.setenv("ESOL_FINDER_REQUEST_RETENTION_DAYS", "400")
    with pytest.raises(ValueError, match="ESOL_FINDER_REQUEST_RETENTION_DAYS"):
        load_settings(data_dir=tmp_path)


def test_a_partner_editor_sees_and_deletes_requests_in_their_account(client, services, fixture_catalogue, ids):
    from tests.accounts import make_user

    _send(client, _ask_path(ids))
    make_user(services, email="editor@college.example.org", role="partner", organisation_key="college",
              name="Cal College")
    log_in(client, "editor@college.example.org")
    course_id = ids()["entry-1-day"]
    listing = client.get("/partners/courses").text
    assert f'href="/partners/courses/{course_id}/requests">1 request for a place' in listing
    mine = client.get(f"/partners/courses/{course_id}/requests").text
    assert NAME in mine and PHONE in mine
    other = ids()["conversation-club"]  # the library's, not the college's
    assert client.get(f"/partners/courses/{other}/requests").status_code == 403
    delete = re.search(r'action="(/partners/courses/\d+/requests/\d+/delete)"', mine).group(1)
    client.post(delete, data={"csrf_token": csrf(client, "/partners/courses")})
    assert _count(services, PlaceRequest) == 0
