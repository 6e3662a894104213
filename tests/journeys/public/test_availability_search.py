"""Searching by availability (issue 13, point 3): `places=1`, `starts=4w`, `creche_places=…` and
`sort=start` give exactly the classes a newcomer expects, and the results say when they can start."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from finder.domain.availability import start_key, starts_within
from finder.search.engine import start_keys
from finder.search.index import start_fields
from tests import factories

pytestmark = pytest.mark.postgres

TODAY = dt.date.today()


def _in(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


COURSES = [
    factories.course("places", "Places class", availability="places", creche="on-site", creche_places="available"),
    factories.course("rolling", "Rolling class", availability="rolling", creche="on-site", creche_places="waiting-list"),
    factories.course("soon", "Soon intake class", availability="next-intake", next_intake=_in(10)),
    factories.course("edge", "Edge intake class", availability="next-intake", next_intake=_in(28)),
    factories.course("later", "Later intake class", availability="next-intake", next_intake=_in(60),
                     creche="on-site", creche_places="full"),
    factories.course("short", "Short wait class", availability="waiting-list", wait_weeks="2"),
    factories.course("long", "Long wait class", availability="waiting-list", wait_weeks="20"),
    factories.course("unknown", "Unknown wait class", availability="waiting-list"),
    factories.course("full", "Full class", availability="full", creche="on-site", creche_places="available"),
]


@pytest.fixture
def loaded(services):
    services.catalogue.load_catalogue(factories.catalogue(copy.deepcopy(COURSES)))


def titles(client, query: str) -> list[str]:
    body = client.get(f"/search.json?{query}").json()
    assert body["problems"] == [], body["problems"]
    return [r["title"] for r in body["results"]]


def test_places_now_means_places_or_a_rolling_intake(client, loaded):
    assert sorted(titles(client, "places=1")) == ["Places class", "Rolling class"]


def test_starts_within_four_weeks_counts_rolling_intakes_and_intakes_up_to_28_days_ahead(client, loaded):
    assert sorted(titles(client, "starts=4w")) == ["Edge intake class", "Places class", "Rolling class",
                                                   "Soon intake class"]
    # The engine's filter is the domain rule, course by course.
    expected = sorted(c["title"] for c in COURSES if starts_within(
        c.get("availability", "places"), dt.date.fromisoformat(c["next_intake"]) if c.get("next_intake") else None,
        TODAY, 28))
    assert sorted(titles(client, "starts=4w")) == expected
    assert sorted(titles(client, "starts=12w")) == ["Edge intake class", "Later intake class", "Places class",
                                                    "Rolling class", "Soon intake class"]


def test_creche_places_filter(client, loaded):
    assert sorted(titles(client, "creche_places=available")) == ["Full class", "Places class"]
    assert sorted(titles(client, "creche_places=available&creche_places=waiting-list")) == [
        "Full class", "Places class", "Rolling class"]
    assert sorted(titles(client, "creche_places=available&places=1")) == ["Places class"]


def test_soonest_start_first(client, loaded):
    order = titles(client, "sort=start&per_page=20")
    # Places now and rolling intakes (ties by title order), then known starts by days, then unknown, then full.
    assert order[:2] == sorted(order[:2]) and set(order[:2]) == {"Places class", "Rolling class"}
    assert order[2:] == ["Soon intake class", "Short wait class", "Edge intake class", "Later intake class",
                         "Long wait class", "Unknown wait class", "Full class"]
    # The same order with words and paged.
    assert titles(client, "q=class&sort=start&per_page=3&page=2") == order[3:6]


def test_the_index_order_is_the_domain_rule():
    import numpy as np
    cases = [("places", None, None), ("rolling", None, None), ("waiting-list", 3, None), ("waiting-list", None, None),
             ("full", None, None), ("next-intake", None, TODAY + dt.timedelta(days=5)),
             ("next-intake", None, TODAY - dt.timedelta(days=5)), ("next-intake", None, None)]
    keys = start_keys(np.asarray([start_fields(*case) for case in cases], dtype=np.int32), TODAY.toordinal())
    by_rule = sorted(range(len(cases)), key=lambda i: (start_key(cases[i][0], cases[i][1], cases[i][2], TODAY), i))
    by_index = sorted(range(len(cases)), key=lambda i: (int(keys[i]), i))
    assert by_rule == by_index


def test_bad_values_are_explained_and_the_rest_kept(client, loaded):
    body = client.get("/search.json?starts=soon&creche_places=maybe&places=1").json()
    assert {p["param"] for p in body["problems"]} == {"starts", "creche_places"}
    assert sorted(r["title"] for r in body["results"]) == ["Places class", "Rolling class"]
    assert client.get("/search.json?starts=99w").json()["problems"][0]["param"] == "starts"


def test_results_say_when_people_can_start_and_links_keep_the_filters(client, loaded):
    page = client.get("/search?starts=4w&sort=start&creche_places=available&places=1").text
    assert 'name="starts" value="4w" checked' in page and 'value="start" selected' in page
    lines = [" ".join(re.sub(r"<[^>]+>", "", m).split()) for m in
             re.findall(r'<li class="availability[^"]*">(.*?)</li>', client.get("/search?sort=start&per_page=20").text, re.S)]
    assert "Places now" in lines
    assert "Waiting list · The usual wait is about 2 weeks." in lines
    assert any(line.startswith("Next intake on a date · Next intake: ") for line in lines)


def test_an_empty_result_offers_to_drop_the_availability_filter(client, loaded):
    page = client.get("/search?q=full&places=1").text
    assert "Show classes with a waiting list or a later start too" in page
