"""Numbers, ids, hosts and URLs an attacker or an accident can send: a plain answer, never a 500,
and the security headers on every answer, errors included."""

from __future__ import annotations

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from finder.domain.numbers import MAX_ID, NumberError, parse_decimal, parse_id, parse_integer
from finder.web.app import create_app

pytestmark = pytest.mark.postgres

SEARCH_PAGES = ["/search", "/search.json", "/map", "/embed", "/signpost", "/share"]
NOT_FINITE = ["inf", "-inf", "Infinity", "1e400", "-1e400", "nan", "NaN", "1e-400x", "0x10", "５"]


@pytest.mark.parametrize("raw", NOT_FINITE + ["", " ", "1,5", "--1", "1e", "."])
def test_the_number_parser_refuses_what_is_not_a_finite_number(raw):
    with pytest.raises(NumberError) as refused:
        parse_decimal(raw)
    assert refused.value.reason == "not-a-number"


def test_the_number_parser_checks_ranges_and_whole_numbers():
    assert parse_decimal(" -2.97 ", -180, 180) == -2.97
    assert parse_decimal("5e-1") == 0.5
    assert parse_integer("+12", 1, 100) == 12
    for raw, reason in (("0", "too-small"), (str(MAX_ID + 1), "too-big"), ("2.0", "not-a-number"),
                        ("1e3", "not-a-number"), ("99999999999999999999999", "not-a-number")):
        with pytest.raises(NumberError) as refused:
            parse_id(raw)
        assert refused.value.reason == reason, raw
    assert parse_id(str(MAX_ID)) == MAX_ID
    with pytest.raises(NumberError):
        parse_decimal(float("inf"))
    with pytest.raises(NumberError):
        parse_integer(True)


@pytest.mark.parametrize("path", SEARCH_PAGES)
@pytest.mark.parametrize("radius", ["inf", "-inf", "1e400", "nan", "5e0"])
def test_a_radius_that_is_not_a_distance_keeps_the_search_and_says_so(fixture_catalogue, client, path, radius):
    response = client.get(path, params={"postcode": "L8 1ST", "radius": radius})
    assert response.status_code == 200, response.text[:300]
    if path == "/search.json":
        body = response.json()
        if radius == "5e0":
            assert not [p for p in body["problems"] if p["param"] == "radius"]
        else:
            assert [p for p in body["problems"] if p["param"] == "radius"]
        assert body["total"] > 0


@pytest.mark.parametrize("name", ["lat", "lon", "page", "per_page"])
@pytest.mark.parametrize("value", ["inf", "-1e400", "nan", "99999999999999999999999"])
def test_coordinates_and_paging_that_are_not_finite_are_left_out(fixture_catalogue, client, name, value):
    response = client.get("/search.json", params={name: value, "lat" if name != "lat" else "lon": "53.4"})
    assert response.status_code == 200
    assert any(p["param"] == name for p in response.json()["problems"])


@pytest.mark.parametrize("path", ["/courses/{n}", "/organisations/{n}", "/courses/{n}/report",
                                  "/courses/{n}/calendar.ics", "/c/{n}"])
@pytest.mark.parametrize("n", ["99999999999999999999999", str(MAX_ID + 1), "9223372036854775807", "0"])
def test_ids_too_big_for_a_row_are_simply_not_found(client, path, n):
    response = client.get(path.format(n=n))  # /c/{id} redirects to the course page, which is not found
    assert response.status_code == 404
    assert "content-security-policy" in response.headers


def test_a_server_error_still_carries_the_security_headers(services):
    app = create_app(services=services, prepare=False)

    async def broken(request):
        raise RuntimeError("a bug")

    app.router.routes.append(Route("/broken", broken))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert response.status_code == 500
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "esol-finder.invalid"])
def test_a_host_that_is_not_ours_gets_400_and_builds_no_link(client, host):
    response = client.get("/search.json?q=english", headers={"host": host})
    assert response.status_code == 400
    assert host not in response.text
    assert "content-security-policy" in response.headers


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost", "testserver"])
def test_our_own_hosts_are_served(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200


def test_another_host_can_be_allowed_by_setting(services):
    app = create_app(services=services.__class__(**{**services.__dict__, "settings": services.settings.with_(
        allowed_hosts=("finder.example.org",))}), prepare=False)
    with TestClient(app, base_url="http://finder.example.org") as client:
        assert client.get("/").status_code == 200
        assert client.get("/", headers={"host": "other.example.org"}).status_code == 400


def test_a_huge_url_is_refused_before_any_page_is_built(client):
    response = client.get("/search", params={"q": "x" * 20_000})  # the client itself stops at 64 KB
    assert response.status_code == 414
    assert len(response.content) < 100
    assert "content-security-policy" in response.headers
    assert client.get("/search", params={"q": "english " * 100}).status_code == 200


def test_ids_in_back_office_forms_go_through_the_same_parser(fixture_catalogue, client, coordinator, ids):
    from tests.accounts import csrf, log_in

    log_in(client)
    course_id = ids()["entry-1-day"]
    for audit_id in ("99999999999999999999999", "9223372036854775807", "-1", "1e3", ""):
        response = client.post(f"/backoffice/courses/{course_id}/restore",
                               data={"audit_id": audit_id, "csrf_token": csrf(client, "/backoffice/")},
                               follow_redirects=False)
        assert response.status_code == 404, audit_id
    response = client.post("/backoffice/users", data={
        "email": "new@example.org", "name": "New", "role": "partner", "organisation_id": "9223372036854775807",
        "password": "a long enough secret", "confirm_password": "a long enough secret",
        "csrf_token": csrf(client, "/backoffice/users")})
    assert response.status_code == 400 and "Choose the organisation" in response.text
