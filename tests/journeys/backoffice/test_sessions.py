"""Logins live on the server: the cookie carries only a random session id, logging out ends the
session (a copied cookie is then useless), and a password change, "log out everywhere" or a
disabled account end the sessions they should."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from finder.models import LoginSession, User
from finder.web.app import create_app
from tests.accounts import PASSWORD, csrf, log_in, make_user, session_contents, session_cookie

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(services):
    return create_app(services=services, prepare=False)


def with_cookie(app, cookie: str) -> TestClient:
    """Another browser, holding a copy of someone's session cookie."""
    client = TestClient(app)
    client.cookies.set("esol_session", cookie)
    return client


def is_logged_in(client) -> bool:
    return client.get("/backoffice/", follow_redirects=False).status_code == 200


def test_logout_makes_a_copied_cookie_useless(app, coordinator):
    with TestClient(app) as browser:
        log_in(browser)
        copied = session_cookie(browser)
        with with_cookie(app, copied) as thief:
            assert is_logged_in(thief)  # the copy works while the session lasts...
            browser.post("/backoffice/logout", data={"csrf_token": csrf(browser, "/backoffice/")})
            assert not is_logged_in(browser)
            assert not is_logged_in(thief)  # ...and not once its owner has logged out
        with with_cookie(app, copied) as thief:
            assert not is_logged_in(thief)


def test_the_cookie_carries_only_a_random_session_id(app, services, coordinator):
    with TestClient(app) as first, TestClient(app) as second:
        log_in(first)
        log_in(second)
        contents = [session_contents(session_cookie(c)) for c in (first, second)]
    with services.sessions() as db:
        password_hash = db.scalar(sa.select(User.password_hash).where(User.id == coordinator.id))
    for content in contents:
        assert set(content) <= {"sid", "csrf", "flash"}
        assert len(content["sid"]) >= 40
        text = repr(content)
        assert not any(password_hash[i:i + 8] in text for i in range(len(password_hash) - 7))
        assert "user_id" not in content and str(coordinator.id) != content["sid"]
    assert contents[0]["sid"] != contents[1]["sid"]
    with services.sessions() as db:  # the database keeps only a digest of the id
        stored = set(db.scalars(sa.select(LoginSession.token_hash)))
    assert len(stored) == 2 and not {c["sid"] for c in contents} & stored


def test_logging_in_starts_a_new_session(app, coordinator):
    with TestClient(app) as browser:
        csrf(browser)
        before = session_contents(session_cookie(browser))
        log_in(browser)
        after = session_contents(session_cookie(browser))
    assert "sid" not in before and after["sid"]
    assert before["csrf"] != after.get("csrf")  # the CSRF token of the anonymous session is not reused


def test_the_sessions_table_keeps_no_address_or_browser(services):
    columns = {c["name"] for c in sa.inspect(services.engine).get_columns("login_sessions")}
    assert columns == {"id", "token_hash", "user_id", "created_at", "expires_at"}


def shift_sessions(services, hours: float) -> None:
    """Move every session's times back, as if logged in `hours` earlier."""
    with services.sessions.begin() as db:
        for row in db.scalars(sa.select(LoginSession)):
            row.created_at -= dt.timedelta(hours=hours)
            row.expires_at -= dt.timedelta(hours=hours)


def test_a_session_ends_twelve_hours_after_logging_in_however_much_it_is_used(app, services, coordinator):
    with TestClient(app) as browser:
        log_in(browser)
        assert is_logged_in(browser)
        with services.sessions() as db:
            row = db.scalar(sa.select(LoginSession))
        assert row.expires_at - row.created_at == dt.timedelta(hours=12)
        shift_sessions(services, 11.5)  # eleven hours and a half later
        for _ in range(3):
            assert is_logged_in(browser)  # using it does not push its end back
        with services.sessions() as db:
            assert db.scalar(sa.select(LoginSession.expires_at)) == row.expires_at - dt.timedelta(hours=11.5)
        shift_sessions(services, 0.5)
        assert not is_logged_in(browser)


def test_changing_the_password_ends_every_other_session(app, coordinator):
    with TestClient(app) as first, TestClient(app) as second:
        log_in(first)
        log_in(second)
        copied = session_cookie(first)
        first.post("/backoffice/password", data={"csrf_token": csrf(first, "/backoffice/password"),
                                                 "current_password": PASSWORD,
                                                 "new_password": "a much better passphrase",
                                                 "confirm_password": "a much better passphrase"})
        assert is_logged_in(first)
        assert not is_logged_in(second)
        with with_cookie(app, copied) as thief:  # even the session that changed it starts afresh
            assert not is_logged_in(thief)


def test_log_out_everywhere_ends_every_session_of_the_account_only(app, services, coordinator):
    make_user(services, email="other@example.org", name="Other Coordinator")
    with TestClient(app) as laptop, TestClient(app) as phone, TestClient(app) as colleague:
        log_in(laptop)
        log_in(phone)
        log_in(colleague, "other@example.org")
        page = laptop.get("/backoffice/password")
        assert 'action="/backoffice/sessions/end"' in page.text
        assert laptop.post("/backoffice/sessions/end", data={}).status_code == 403  # CSRF checked
        assert is_logged_in(laptop)
        response = laptop.post("/backoffice/sessions/end", data={"csrf_token": csrf(laptop, "/backoffice/password")})
        assert "You have logged out everywhere." in response.text
        assert not is_logged_in(laptop)
        assert not is_logged_in(phone)
        assert is_logged_in(colleague)


def test_a_coordinator_disables_an_account_and_its_sessions_end(app, services, coordinator):
    editor_account = make_user(services, email="editor@example.org", name="Ed Editor", role="coordinator")
    with TestClient(app) as boss, TestClient(app) as editor:
        log_in(boss)
        log_in(editor, "editor@example.org")
        page = boss.get("/backoffice/users")
        assert f'action="/backoffice/users/{editor_account.id}/disabled"' in page.text
        assert f'action="/backoffice/users/{coordinator.id}/disabled"' not in page.text  # not oneself
        response = boss.post(f"/backoffice/users/{editor_account.id}/disabled",
                             data={"csrf_token": csrf(boss, "/backoffice/users"), "disabled": "1"})
        assert "Ed Editor can no longer log in." in response.text
        assert not is_logged_in(editor)
        assert editor.post("/backoffice/login", data={"email": "editor@example.org", "password": PASSWORD,
                                                      "csrf_token": csrf(editor)}).status_code == 400
        response = boss.post(f"/backoffice/users/{editor_account.id}/disabled",
                             data={"csrf_token": csrf(boss, "/backoffice/users"), "disabled": "0"})
        assert "Ed Editor can log in again." in response.text
        log_in(editor, "editor@example.org")


def test_nobody_disables_their_own_account_and_partners_disable_nobody(app, fixture_catalogue, coordinator):
    make_user(fixture_catalogue, email="editor@library.example.org", role="partner", organisation_key="library",
              name="Lee Library")
    with TestClient(app) as boss, TestClient(app) as partner:
        log_in(boss)
        response = boss.post(f"/backoffice/users/{coordinator.id}/disabled",
                             data={"csrf_token": csrf(boss, "/backoffice/users"), "disabled": "1"})
        assert "You cannot disable your own account." in response.text
        assert is_logged_in(boss)
        assert boss.post("/backoffice/users/999999/disabled",
                         data={"csrf_token": csrf(boss, "/backoffice/users"), "disabled": "1"}).status_code == 404
        log_in(partner, "editor@library.example.org")
        response = partner.post(f"/backoffice/users/{coordinator.id}/disabled",
                                data={"csrf_token": csrf(partner, "/backoffice/password"), "disabled": "1"})
        assert response.status_code == 403
        assert is_logged_in(boss)
