"""How to report a vulnerability: /.well-known/security.txt (RFC 9116) and the page it points to."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from finder.web.app import create_app


def _fields(text: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_security_txt_says_where_to_write_until_when_and_links_the_policy(client, services):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    fields = _fields(response.text)
    assert fields["Contact"] == "mailto:no-reply@esol-finder.invalid"  # the mail sender, when nothing is set
    expires = dt.datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    assert dt.timedelta(days=30) < expires - dt.datetime.now(dt.timezone.utc) < dt.timedelta(days=366)
    assert fields["Policy"] == "http://testserver/security"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    page = client.get("/security")
    assert page.status_code == 200 and "no-reply@esol-finder.invalid" in page.text
    assert 'href="/security"' in client.get("/about").text


@pytest.mark.parametrize("contact, uri", [("security@council.example.org", "mailto:security@council.example.org"),
                                          ("https://council.example.org/report", "https://council.example.org/report")])
def test_the_contact_is_a_setting(services, contact, uri):
    settings = services.settings.with_(security_contact=contact)
    app = create_app(services=services.__class__(**{**services.__dict__, "settings": settings}), prepare=False)
    with TestClient(app) as client:
        assert _fields(client.get("/.well-known/security.txt").text)["Contact"] == uri
        assert f'href="{uri}"' in client.get("/security?lang=ar").text
