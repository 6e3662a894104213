"""Accounts for tests in any room: make them, and log in through the real form."""

from __future__ import annotations

import re

from finder.operations.accounts import Accounts

PASSWORD = "correct horse battery staple"


def make_user(services, email="coordinator@example.org", role="coordinator", organisation_key=None,
              name="Cora Coordinator", password=PASSWORD):
    return Accounts(services.sessions).create_user(email=email, name=name, role=role, password=password,
                                                   organisation_key=organisation_key)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def csrf(client, path="/backoffice/login") -> str:
    """A CSRF token for this client's session (from any page with a form)."""
    return csrf_from(client.get(path).text)


def log_in(client, email="coordinator@example.org", password=PASSWORD):
    response = client.post("/backoffice/login", data={"email": email, "password": password,
                                                      "csrf_token": csrf(client), "next": "/backoffice/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


def try_log_in(client, email="coordinator@example.org", password=PASSWORD, token=None):
    """One attempt at the login form, whatever its answer (the response, not followed)."""
    return client.post("/backoffice/login", data={"email": email, "password": password,
                                                  "csrf_token": token or csrf(client), "next": "/backoffice/"},
                       follow_redirects=False)


def session_cookie(client) -> str:
    """The raw value of this client's session cookie (what someone copying it would have)."""
    value = client.cookies.get("esol_session")
    assert value, "no session cookie"
    return value


def session_contents(cookie: str, secret: str = "test-secret") -> dict:
    """What a session cookie carries, signature checked (Starlette's SessionMiddleware format)."""
    import json
    from base64 import b64decode

    import itsdangerous

    return json.loads(b64decode(itsdangerous.TimestampSigner(secret).unsign(cookie.encode())))
