"""Accounts, login, back-off, rate limit, logout, password change, CSRF and role checks over HTTP."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from finder.operations.accounts import Accounts
from finder.web.app import create_app
from tests.accounts import PASSWORD, csrf, log_in

pytestmark = pytest.mark.postgres

BACKOFFICE_PAGES = ["/backoffice/", "/backoffice/password"]


@pytest.mark.parametrize("path", BACKOFFICE_PAGES)
def test_anonymous_people_are_sent_to_the_login_page(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/backoffice/login?next={path}"


def test_login_returns_to_the_page_asked_for(client, coordinator):
    response = client.get("/backoffice/password", follow_redirects=True)
    assert "Log in to the back office" in response.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
    response = client.post("/backoffice/login", data={"email": "Coordinator@Example.org ", "password": PASSWORD,
                                                      "csrf_token": token, "next": "/backoffice/password"})
    assert response.url.path == "/backoffice/password"
    assert "Change your password" in response.text


def test_session_cookie_is_httponly_and_lax(client, coordinator):
    response = log_in(client)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("esol_session=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()


def test_session_cookie_is_secure_when_configured(services, coordinator):
    services.settings = services.settings.with_(secure_cookies=True)
    app = create_app(services=services, prepare=False)
    with TestClient(app, base_url="https://testserver") as client:
        response = log_in(client)
    assert "; secure" in response.headers["set-cookie"].lower()


def test_wrong_password_is_a_clear_error_and_keeps_the_email(client, coordinator):
    response = client.post("/backoffice/login", data={"email": "coordinator@example.org", "password": "nope",
                                                      "csrf_token": csrf(client)})
    assert response.status_code == 400
    assert "The email address or password is not right." in response.text
    assert 'value="coordinator@example.org"' in response.text
    assert 'href="#email"' in response.text  # the error summary links to the field


def test_five_wrong_passwords_hold_back_that_address_from_that_connection(client, coordinator):
    token = csrf(client)
    for _ in range(5):
        client.post("/backoffice/login", data={"email": "coordinator@example.org", "password": "wrong",
                                               "csrf_token": token})
    response = client.post("/backoffice/login", data={"email": "coordinator@example.org", "password": PASSWORD,
                                                      "csrf_token": token})
    assert response.status_code == 429
    assert "There have been too many wrong passwords from your connection" in response.text
    assert "15 minutes" in response.text
    assert "locked" not in response.text.lower()  # nothing that only a real account would say
    assert client.get("/backoffice/", follow_redirects=False).status_code == 303


def test_login_attempts_are_rate_limited_per_address(services, coordinator):
    services.settings = services.settings.with_(rate_limit_logins=3)
    app = create_app(services=services, prepare=False)
    with TestClient(app) as client:
        token = csrf(client)
        for n in range(3):
            email = f"nobody{n}@example.org"
            assert client.post("/backoffice/login", data={"email": email, "password": "x",
                                                          "csrf_token": token}).status_code == 400
        response = client.post("/backoffice/login", data={"email": "coordinator@example.org", "password": PASSWORD,
                                                          "csrf_token": token})
    assert response.status_code == 429
    assert "too many attempts" in response.text


def test_login_without_csrf_token_is_refused(client, coordinator):
    client.get("/backoffice/login")
    response = client.post("/backoffice/login", data={"email": "coordinator@example.org", "password": PASSWORD})
    assert response.status_code == 403
    assert "reload the page and try again" in response.text
    response = client.post("/backoffice/login", data={"email": "coordinator@example.org", "password": PASSWORD,
                                                      "csrf_token": "forged"})
    assert response.status_code == 403


def test_logout_needs_post_with_csrf(coordinator_client):
    assert coordinator_client.post("/backoffice/logout", data={}).status_code == 403
    assert coordinator_client.get("/backoffice/", follow_redirects=False).status_code == 200
    token = csrf(coordinator_client, "/backoffice/")
    response = coordinator_client.post("/backoffice/logout", data={"csrf_token": token})
    assert "You have logged out." in response.text
    assert coordinator_client.get("/backoffice/", follow_redirects=False).status_code == 303


def test_password_change(coordinator_client, services):
    token = csrf(coordinator_client, "/backoffice/password")
    response = coordinator_client.post("/backoffice/password", data={
        "csrf_token": token, "current_password": "wrong", "new_password": "short", "confirm_password": "other"})
    assert response.status_code == 400
    assert "Your current password is not right." in response.text
    assert "Use at least 10 characters." in response.text
    response = coordinator_client.post("/backoffice/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": "a much better passphrase",
        "confirm_password": "a much better passphrase"})
    assert "Your password has been changed." in response.text
    assert Accounts(services.sessions).authenticate("coordinator@example.org", "a much better passphrase").outcome == "ok"
    assert Accounts(services.sessions).authenticate("coordinator@example.org", PASSWORD).outcome == "wrong"


def test_changing_the_password_logs_out_other_sessions(services, coordinator):
    app = create_app(services=services, prepare=False)
    with TestClient(app) as first, TestClient(app) as second:
        log_in(first)
        log_in(second)
        token = csrf(first, "/backoffice/password")
        first.post("/backoffice/password", data={"csrf_token": token, "current_password": PASSWORD,
                                                 "new_password": "a much better passphrase",
                                                 "confirm_password": "a much better passphrase"})
        assert first.get("/backoffice/", follow_redirects=False).status_code == 200
        assert second.get("/backoffice/", follow_redirects=False).status_code == 303


def test_open_redirects_are_refused(client, coordinator):
    response = client.post("/backoffice/login", data={"email": "coordinator@example.org", "password": PASSWORD,
                                                      "csrf_token": csrf(client), "next": "//evil.example/"},
                           follow_redirects=False)
    assert response.headers["location"] == "/backoffice/"
