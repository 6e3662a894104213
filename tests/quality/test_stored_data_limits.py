"""What one anonymous visitor can make the site store or send: short links within a limit, no
coordinates kept to the metre, e-mail headers that cannot be split, no access log by default."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import func, select

from finder.models import OutboxMessage, ShortLink
from finder.operations.outbox import Mailer
from finder.web.sharing import share

pytestmark = pytest.mark.postgres


def _rows(services):
    with services.sessions() as db:
        return list(db.scalars(select(ShortLink)))


def test_use_my_location_is_kept_as_its_district_never_as_coordinates(fixture_catalogue, client):
    for path in ("/share", "/signpost"):
        page = client.get(path, params={"lat": "53.39012", "lon": "-2.96977", "radius": "2", "creche": "1"})
        assert page.status_code == 200
    stored = " ".join(f"{row.path}?{row.query}" for row in _rows(fixture_catalogue))
    assert "postcode=L8" in stored
    assert "53.39" not in stored and "2.96" not in stored and "lat=" not in stored and "lon=" not in stored


def test_a_shared_district_link_opens_the_same_search_near_the_district(fixture_catalogue, client):
    page = client.get("/share", params={"lat": "53.39012", "lon": "-2.96977", "radius": "2"}).text
    code = page.split("/s/")[1][:16].split("<")[0].split('"')[0].split("\n")[0].strip()
    target = client.get(f"/s/{code}", follow_redirects=False).headers["location"]
    assert target.startswith("/search?") and "postcode=L8" in target and "radius=2" in target


def test_one_address_cannot_make_the_site_store_a_row_for_every_search(fixture_catalogue, client, monkeypatch):
    monkeypatch.setattr(share, "NEW_LINKS_PER_HOUR", 5)
    for n in range(12):
        page = client.get("/share", params={"q": f"word{n}"})
        assert page.status_code == 200
    assert len(_rows(fixture_catalogue)) == 5
    # Past the limit the page still gives a working link: the full one.
    base = "http://testserver"  # ESOL_FINDER_BASE_URL unset: links come from the request
    assert f"{base}/search?q=word11" in page.text and f"{base}/s/" not in page.text
    # A link made before is still given as its short code.
    again = client.get("/share", params={"q": "word0"}).text
    assert f"{base}/s/" in again and f"{base}/search?q=word0" not in again


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_title_with_line_breaks_cannot_add_mail_headers(services):
    settings = services.settings.with_(smtp_host="127.0.0.1", smtp_port=_closed_port())
    mailer = Mailer(settings, services.sessions)
    message = mailer.send("partner@example.org", "English class\r\nBcc: everyone@example.org", "Body")
    assert message is not None
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject == "English class Bcc: everyone@example.org"
    assert message.error.startswith("ConnectionRefusedError")  # kept in the outbox, not lost, not a 500


@pytest.mark.parametrize("to", ["a@example.org\r\nBcc: b@example.org", "a@example.org, b@example.org",
                                "not an address", "<a@example.org>"])
def test_only_one_real_address_is_ever_written_to(services, to):
    assert Mailer(services.settings, services.sessions).send(to, "Hello", "Body") is None
    with services.sessions() as db:
        assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_no_access_log_unless_the_operator_asks(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import finder.cli.catalogue as catalogue_commands
    from finder.cli import main

    seen = {}
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(catalogue_commands, "ensure_postcodes", lambda services: None)
    monkeypatch.setenv("ESOL_FINDER_DATA_DIR", str(tmp_path))
    assert CliRunner().invoke(main, ["serve"]).exit_code == 0
    assert seen["access_log"] is False
    monkeypatch.setenv("ESOL_FINDER_ACCESS_LOG", "1")
    assert CliRunner().invoke(main, ["serve"]).exit_code == 0
    assert seen["access_log"] is True
