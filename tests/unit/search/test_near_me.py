"""Near-me search: postcodes (full, sector, district), exact radius, distance order, bad postcodes."""

from __future__ import annotations

import re

import pytest
from geopy.distance import distance as geo_distance

from tests import factories

pytestmark = pytest.mark.postgres


def venue_at(key: str, origin, miles: float, bearing: float) -> dict:
    point = geo_distance(miles=miles).destination((origin.latitude, origin.longitude), bearing=bearing)
    return {"key": key, "name": f"Hall {key}", "address": "Somewhere", "postcode": "",
            "latitude": point.latitude, "longitude": point.longitude}


@pytest.fixture
def ring(services):
    """Courses at known distances from L8 1ST: 0.5, 1.5, 4.9 and 5.1 miles, and one online."""
    origin = services.postcodes.lookup("L8 1ST")
    venues = [venue_at("v05", origin, 0.5, 10), venue_at("v15", origin, 1.5, 100),
              venue_at("v49", origin, 4.9, 200), venue_at("v51", origin, 5.1, 300)]
    courses = [factories.course(f"c{v['key'][1:]}", f"Class {v['key']}", "library",
                                [factories.session("mon", "10:00", "12:00", v["key"])],
                                creche="on-site" if v["key"] in ("v15", "v51") else "none")
               for v in venues]
    courses.append(factories.course("online", "Online class", "library", [factories.session("tue", "19:00", "20:00", None)],
                                    mode="online"))
    services.catalogue.load_catalogue(factories.catalogue(courses, venues=factories.VENUES + venues))
    return services


def result_keys(client, query):
    body = client.get("/search.json?" + query).json()
    return [re.sub(r"^Class v", "c", r["title"]) for r in body["results"]], body


def test_radius_is_exact_and_nearest_come_first(ring, client):
    keys, body = result_keys(client, "postcode=L8+1ST&radius=5")
    assert keys == ["c05", "c15", "c49"]
    assert body["sort"] == "distance"
    distances = [r["distance_miles"] for r in body["results"]]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(0.5, abs=0.02) and distances[2] == pytest.approx(4.9, abs=0.02)


def test_radius_choices(ring, client):
    assert result_keys(client, "postcode=L8+1ST&radius=1")[0] == ["c05"]
    assert result_keys(client, "postcode=L8+1ST&radius=2")[0] == ["c05", "c15"]
    assert result_keys(client, "postcode=L8+1ST&radius=10")[0] == ["c05", "c15", "c49", "c51"]


def test_near_me_combines_with_filters_and_words(ring, client):
    assert result_keys(client, "postcode=L8+1ST&radius=10&creche=1")[0] == ["c15", "c51"]
    assert result_keys(client, "postcode=l81st&radius=10&q=v49")[0] == ["c49"]


@pytest.mark.parametrize("typed", ["l81st", "L8 1ST", " l8   1st ", "L81ST"])
def test_any_case_and_spacing(ring, client, typed):
    assert result_keys(client, "radius=5&postcode=" + typed)[0] == ["c05", "c15", "c49"]


def test_partial_postcodes_resolve_to_their_centre(ring, client):
    for partial in ("L8", "L8 1"):
        keys, body = result_keys(client, "radius=10&postcode=" + partial.replace(" ", "+"))
        assert body["problems"] == [] and set(keys) >= {"c05", "c15"}


def test_bad_postcode_keeps_the_rest_of_the_search(ring, client):
    page = client.get("/search?postcode=LO8+1ST&creche=1")
    assert page.status_code == 200
    assert "O" in page.text and "class" in page.text
    body = client.get("/search.json?postcode=LO8+1ST&creche=1").json()
    assert body["problems"][0]["param"] == "postcode"
    assert body["problems"][0]["hint"]
    # The crèche filter still applies; the place is dropped.
    assert {r["title"] for r in body["results"]} == {"Class v15", "Class v51"}


@pytest.mark.parametrize("postcode", ["ZZ99 9ZZ", "L8 1A2", "x" * 30, 'AND ( "*', "12345"])
def test_bad_postcodes_never_500(ring, client, postcode):
    assert client.get("/search", params={"postcode": postcode}).status_code == 200
    assert client.get("/search.json", params={"postcode": postcode}).json()["problems"]


def test_browser_coordinates_work_without_a_postcode(ring, client):
    origin = ring.postcodes.lookup("L8 1ST")
    keys, body = result_keys(client, f"lat={origin.latitude:.5f}&lon={origin.longitude:.5f}&radius=2")
    assert keys == ["c05", "c15"]


def test_distance_shown_on_results_page(ring, client):
    page = client.get("/search?postcode=L8+1ST&radius=5")
    assert '<span class="num">0.5 miles</span>' in page.text and "within 5 miles of <bdi>L8 1ST</bdi>" in page.text


def test_venues_get_coordinates_from_their_postcode(services):
    data = factories.catalogue([factories.course("pc", "Postcode only", "library",
                                                 [factories.session("mon", "10:00", "11:00", "pc-venue")])],
                               venues=[{"key": "pc-venue", "name": "Hall", "address": "x", "postcode": "L3 8EW"}])
    services.catalogue.load_catalogue(data)
    from sqlalchemy import select

    from finder.models import Venue

    with services.sessions() as db:
        venue = db.scalar(select(Venue).where(Venue.key == "pc-venue"))
    expected = services.postcodes.lookup("L3 8EW")
    assert (venue.latitude, venue.longitude) == (expected.latitude, expected.longitude)
