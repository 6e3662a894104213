"""A coordinator who forgot their password asks for a link by e-mail and sets a new one: the same
answer whoever asks, a one-time link valid for an hour and kept only as a digest, the usual
password rules, and every session of the account ended."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from finder.models import OutboxMessage, PasswordResetToken
from finder.operations.accounts import Accounts
from finder.web.app import create_app
from tests.accounts import PASSWORD, csrf, log_in, make_user, try_log_in

pytestmark = pytest.mark.postgres

NEW = "a brand new passphrase"


@pytest.fixture
def app(services):
    return create_app(services=services, prepare=False)


def ask_for_link(client, email="coordinator@example.org"):
    return client.post("/password-reset", data={"email": email, "csrf_token": csrf(client, "/password-reset")})


def outbox(services) -> list[OutboxMessage]:
    with services.sessions() as db:
        return list(db.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage) -> str:
    match = re.search(r"https?://\S+(/password-reset/[A-Za-z0-9_-]+)", message.body)
    assert match, message.body
    return match.group(1)


def set_password(client, path, new=NEW, confirm=NEW):
    return client.post(path, data={"csrf_token": csrf(client, "/password-reset"), "new_password": new,
                                   "confirm_password": confirm})


def test_the_login_page_links_to_the_reset_form(client):
    page = client.get("/backoffice/login")
    assert 'href="/password-reset"' in page.text and "Forgot your password?" in page.text
    form = client.get("/password-reset")
    assert form.status_code == 200
    assert 'action="/password-reset"' in form.text and 'name="csrf_token"' in form.text


def test_known_and_unknown_addresses_get_the_same_answer(app, services, coordinator):
    answers = []
    for email in ("coordinator@example.org", "nobody@example.org"):
        with TestClient(app) as client:
            response = ask_for_link(client, email)
            answers.append((response.status_code, response.url.path,
                            re.sub(r'name="csrf_token" value="[^"]+"', "", response.text)))
    assert answers[0] == answers[1]
    assert "If there is an account with that email address" in answers[0][2]
    [message] = outbox(services)
    assert message.to == "coordinator@example.org"
    assert "1 hour" in message.body or "an hour" in message.body


def test_a_partner_editor_is_sent_nothing_but_gets_the_same_answer(client, fixture_catalogue):
    make_user(fixture_catalogue, email="editor@library.example.org", role="partner", organisation_key="library",
              name="Lee Library")
    response = ask_for_link(client, "editor@library.example.org")
    assert "If there is an account with that email address" in response.text
    assert outbox(fixture_catalogue) == []


def test_the_link_sets_a_new_password_once_and_ends_every_session(app, services, coordinator):
    with TestClient(app) as laptop, TestClient(app) as browser:
        log_in(laptop)
        ask_for_link(browser)
        path = link_in(outbox(services)[0])
        token = path.rsplit("/", 1)[1]
        with services.sessions() as db:  # kept as a digest only
            stored = list(db.scalars(sa.select(PasswordResetToken.token_hash)))
        assert stored == [hashlib.sha256(token.encode()).hexdigest()]
        page = browser.get(path)
        assert page.status_code == 200 and "Choose a new password" in page.text
        response = set_password(browser, path, "short", "other")
        assert response.status_code == 400 and "Use at least 10 characters." in response.text
        response = set_password(browser, path)
        assert response.url.path == "/backoffice/login"
        assert "Your new password is set. Log in with it." in response.text
        assert laptop.get("/backoffice/", follow_redirects=False).status_code == 303  # every session ended
        assert try_log_in(browser, password=PASSWORD).status_code == 400
        log_in(browser, password=NEW)
        # Used once: the link does nothing more.
        with TestClient(app) as other:
            assert other.get(path).status_code == 404
            response = set_password(other, path, "yet another passphrase", "yet another passphrase")
            assert response.status_code == 404
            assert "This link to choose a new password does not work" in response.text
        log_in(browser, password=NEW)


def test_the_link_expires_after_an_hour(app, services, coordinator):
    with TestClient(app) as browser:
        ask_for_link(browser)
        path = link_in(outbox(services)[0])
        assert browser.get(path).status_code == 200
        with services.sessions.begin() as db:  # an hour later
            for row in db.scalars(sa.select(PasswordResetToken)):
                assert row.expires_at - row.created_at == dt.timedelta(hours=1)
                row.created_at -= dt.timedelta(hours=1)
                row.expires_at -= dt.timedelta(hours=1)
        assert browser.get(path).status_code == 404
        assert set_password(browser, path).status_code == 404
    assert Accounts(services.sessions).authenticate("coordinator@example.org", PASSWORD).outcome == "ok"


def test_a_made_up_link_does_not_work(client, coordinator):
    page = client.get("/password-reset/made-up")
    assert page.status_code == 404
    assert 'href="/password-reset"' in page.text  # ask for a new one


def test_the_forms_are_rate_limited_like_login(services, coordinator):
    services.settings = services.settings.with_(rate_limit_logins=2)
    with TestClient(create_app(services=services, prepare=False)) as client:
        codes = [ask_for_link(client, f"n{n}@example.org").status_code for n in range(3)]
        assert codes == [200, 200, 429]
        assert set_password(client, "/password-reset/made-up").status_code == 429


def test_one_account_gets_only_a_few_links_an_hour(services, coordinator):
    services.settings = services.settings.with_(rate_limit_logins=50)
    with TestClient(create_app(services=services, prepare=False)) as client:
        for _ in range(6):
            assert "If there is an account" in ask_for_link(client).text
    assert len(outbox(services)) == 3


def test_disabled_accounts_get_no_link(client, services, coordinator):
    Accounts(services.sessions).set_disabled(coordinator.id, True, actor="test")
    assert "If there is an account" in ask_for_link(client).text
    assert outbox(services) == []


def test_coordinators_cannot_read_a_colleagues_sent_link_in_the_outbox(app, services, coordinator):
    make_user(services, email="colleague@example.org", name="Col League")
    with TestClient(app) as colleague, TestClient(app) as browser:
        ask_for_link(browser)
        path = link_in(outbox(services)[0])
        log_in(colleague, "colleague@example.org")
        assert path in colleague.get("/backoffice/outbox").text  # no SMTP: it waits here to be passed on
        with services.sessions.begin() as db:  # sent by SMTP
            for message in db.scalars(sa.select(OutboxMessage)):
                message.sent_at = message.created_at
        page = colleague.get("/backoffice/outbox").text
        assert path not in page and "/password-reset/…" in page
