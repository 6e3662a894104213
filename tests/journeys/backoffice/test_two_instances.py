"""Two instances on one database (each its own app, services and data directory, as on two machines
behind a proxy): what one knows of logins, wrong passwords and rate limits, the other knows too, and
nothing of it is kept in a process's memory or as an address."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from finder.models import LoginFailure, RateHit
from finder.services import build_services
from finder.web.app import create_app
from tests.accounts import PASSWORD, csrf, log_in, try_log_in

pytestmark = pytest.mark.postgres

CLIENT = ("198.51.100.7", 40000)


@pytest.fixture
def two(services, settings, shared_postcodes, tmp_path):
    """Apps for instance A (the `services` fixture) and instance B (its own services and data directory)."""
    other = build_services(settings.with_(data_dir=tmp_path / "b"), postcodes=shared_postcodes)
    other.prepare()
    yield create_app(services=services, prepare=False), create_app(services=other, prepare=False)
    other.close()


def is_logged_in(client) -> bool:
    return client.get("/backoffice/", follow_redirects=False).status_code == 200


def test_a_session_begun_on_one_instance_is_known_and_ended_on_every_instance(two, coordinator):
    a, b = two
    with TestClient(a) as on_a:
        log_in(on_a)
        cookie = on_a.cookies.get("esol_session")
        with TestClient(b) as on_b:
            on_b.cookies.set("esol_session", cookie)
            assert is_logged_in(on_b)  # the proxy may send the next request to either instance
            on_b.post("/backoffice/logout", data={"csrf_token": csrf(on_b, "/backoffice/")})
        assert not is_logged_in(on_a)  # logged out on B: ended on A too


def test_log_out_everywhere_on_one_instance_ends_sessions_held_on_the_other(two, coordinator):
    a, b = two
    with TestClient(a) as laptop, TestClient(b) as phone:
        log_in(laptop)
        log_in(phone)
        assert is_logged_in(phone)
        laptop.post("/backoffice/sessions/end", data={"csrf_token": csrf(laptop, "/backoffice/password")})
        assert not is_logged_in(phone)


def test_wrong_passwords_count_across_instances(two, services, coordinator):
    a, b = two
    with TestClient(a, client=CLIENT) as on_a, TestClient(b, client=CLIENT) as on_b:
        token_a, token_b = csrf(on_a), csrf(on_b)
        for n in range(3):
            assert try_log_in(on_a, password=f"guess {n}", token=token_a).status_code == 400
        assert try_log_in(on_b, password="guess 3", token=token_b).status_code == 400
        assert try_log_in(on_a, password="guess 4", token=token_a).status_code in (400, 429)
        # Five wrong from this connection, split over both: each instance now holds it back.
        assert try_log_in(on_b, password=PASSWORD, token=token_b).status_code == 429
        assert try_log_in(on_a, password=PASSWORD, token=token_a).status_code == 429
    with services.sessions() as db:
        keys = list(db.scalars(sa.select(LoginFailure.key_hash)))
    assert keys and all(CLIENT[0] not in key and "coordinator" not in key for key in keys)


def test_the_login_rate_limit_is_one_count_for_every_instance(services, settings, shared_postcodes, tmp_path,
                                                             coordinator):
    services.settings = services.settings.with_(rate_limit_logins=3)
    other = build_services(services.settings.with_(data_dir=tmp_path / "b"), postcodes=shared_postcodes)
    try:
        a, b = create_app(services=services, prepare=False), create_app(services=other, prepare=False)
        with TestClient(a, client=CLIENT) as on_a, TestClient(b, client=CLIENT) as on_b:
            token_a, token_b = csrf(on_a), csrf(on_b)
            assert try_log_in(on_a, "nobody0@example.org", "x", token_a).status_code == 400
            assert try_log_in(on_b, "nobody1@example.org", "x", token_b).status_code == 400
            assert try_log_in(on_a, "nobody2@example.org", "x", token_a).status_code == 400
            response = try_log_in(on_b, password=PASSWORD, token=token_b)
        assert response.status_code == 429 and "too many attempts" in response.text
        with services.sessions() as db:
            hits = list(db.scalars(sa.select(RateHit.key_hash)))
        assert len(hits) == 3 and all(CLIENT[0] not in h for h in hits)  # a keyed hash, never the address
    finally:
        other.close()
