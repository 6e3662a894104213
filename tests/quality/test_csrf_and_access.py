"""Every POST needs a CSRF token; the back office needs a login; session cookies are locked down."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from finder.web.app import create_app


def routes_of(app, method: str) -> list[str]:
    found = []

    def walk(routes, prefix=""):
        for route in routes:
            if isinstance(route, Mount):
                walk(route.routes or [], prefix + route.path)
            elif isinstance(route, Route) and method in (route.methods or ()):
                path = re.sub(r"\{[a-z_]+:(?:int|id)\}", "1", prefix + route.path)
                found.append(re.sub(r"\{[a-z_]+(:str)?\}", "x", path))

    walk(app.routes)
    return found


def post_answers(client, paths) -> dict[str, int]:
    return {path: client.post(path, data={"title": "x", "email": "a@example.org", "password": "b"},
                              follow_redirects=False).status_code for path in paths}


def test_every_post_without_a_csrf_token_is_refused(fixture_catalogue, client):
    posts = routes_of(client.app, "POST")
    if not posts:
        pytest.skip("no forms in this build")
    # Anonymous: public forms refuse it outright; back-office forms send the visitor to log in first.
    anonymous = post_answers(client, posts)
    refused = {path: code for path, code in anonymous.items()
               if code != 403 and not (path.startswith(("/backoffice/", "/partners/")) and code in (302, 303))
               and not (path.startswith("/check/") and code == 404)}  # an unknown private link is just not found
    assert refused == {}
    if "/backoffice/login" not in posts:
        return
    from tests.accounts import log_in, make_user

    make_user(fixture_catalogue)
    log_in(client)
    logged_in = post_answers(client, [p for p in posts if p not in ("/backoffice/login",)])
    assert {path: code for path, code in logged_in.items()
            if code != 403 and not (path.startswith("/check/") and code == 404)} == {}


def test_the_back_office_is_unreachable_without_login(fixture_catalogue, client):
    pages = [p for p in routes_of(client.app, "GET") if p.startswith("/backoffice/") and p != "/backoffice/login"]
    if not pages:
        pytest.skip("no back office in this build")
    leaks = {}
    for path in pages:
        response = client.get(path)  # wherever redirects lead, it must end at the login form
        allowed = response.status_code in (401, 403, 404) or response.url.path == "/backoffice/login"
        if not allowed:
            leaks[path] = (response.status_code, response.url.path)
    assert leaks == {}


def login_cookie_headers(client) -> list[str]:
    page = client.get("/backoffice/login")
    if page.status_code == 404:
        pytest.skip("no back office in this build")
    return [value for key, value in page.headers.multi_items() if key == "set-cookie"]


def test_session_cookies_are_httponly_and_samesite(fixture_catalogue, client):
    cookies = [c for c in login_cookie_headers(client) if not c.startswith("lang=")]
    assert cookies, "the login form sets its session (for the CSRF token)"
    for cookie in cookies:
        flags = cookie.lower()
        assert "httponly" in flags and "samesite=" in flags, cookie


def test_session_cookies_are_secure_when_configured(fixture_catalogue, settings):
    services = fixture_catalogue
    services.settings = settings.with_(secure_cookies=True, base_url="https://esol.example.org")
    with TestClient(create_app(services=services, prepare=False), base_url="https://testserver") as client:
        cookies = [c for c in login_cookie_headers(client) if not c.startswith("lang=")]
        assert cookies
        for cookie in cookies:
            assert "secure" in [part.strip() for part in cookie.lower().split(";")], cookie


def test_login_is_rate_limited(fixture_catalogue, client):
    page = client.get("/backoffice/login")
    if page.status_code == 404:
        pytest.skip("no back office in this build")
    codes = []
    for attempt in range(30):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/backoffice/login").text)
        data = {"email": f"nobody{attempt}@example.org", "username": f"nobody{attempt}", "password": "wrong"}
        if token:
            data["csrf_token"] = token.group(1)
        codes.append(client.post("/backoffice/login", data=data, follow_redirects=False).status_code)
    assert 429 in codes, codes
