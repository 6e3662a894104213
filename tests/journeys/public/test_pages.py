"""Public pages through real HTTP: what a newcomer sees."""

from __future__ import annotations

import html as html_module
import re

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_home_has_search_box_and_main_filters(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'name="q"' in page.text and 'name="creche"' in page.text and 'name="postcode"' in page.text
    assert "7 classes from 4 organisations" in text_of(page.text)
    assert "Demonstration site" in page.text


def test_demo_banner_can_be_turned_off(services, settings):
    from starlette.testclient import TestClient

    from finder.web.app import create_app

    app = create_app(services=services, prepare=False)
    services.settings = settings.with_(demo_banner=False)
    with TestClient(app) as client:
        assert "Demonstration site" not in client.get("/").text


def test_results_show_what_a_newcomer_needs(client):
    page = client.get("/search?creche=1")
    body = text_of(page.text)
    assert "1 class found" in body
    assert "English for Mums" in body and "Dingle Children's Centre" in body
    assert "Entry 1, Entry 2" in body and "Wednesday 10:00 to 11:30" in body
    assert "Crèche" in body and "Free" in body and "L8" in body


def test_course_page_has_everything_to_turn_up(client, ids):
    page = client.get(f"/courses/{ids()['entry-1-day']}")
    body = text_of(page.text)
    assert page.status_code == 200
    assert "ESOL Entry 1" in body and "Riverside College" in body
    assert "Monday 09:30 to 12:00" in body and "1 Clarence Street" in body and "L3 5TR" in body
    assert "Come to an assessment first" in body and "Free on benefits" in body
    assert 'href="tel:01510001000"' in page.text and 'href="mailto:esol@college.example.org"' in page.text
    assert "Last checked: 1 October 2026" in body


def test_organisation_page_lists_its_courses(client, ids):
    course = client.get(f"/courses/{ids()['conversation-club']}")
    org_link = re.search(r'href="(/organisations/\d+)"', course.text).group(1)
    page = client.get(org_link)
    assert "Central Library" in page.text and "Conversation Club" in page.text and "Online speaking practice" in page.text
    assert "2 classes" in text_of(page.text)


def test_empty_result_says_which_filter_emptied_it_and_links_to_relax(client):
    page = client.get("/search?creche=1&day=sat")
    body = text_of(page.text)
    assert "0 classes found" in body
    assert "Show classes without a crèche too" in body and "Show every day" in body
    relax = re.findall(r'href="(/search\?[^"]*)"', page.text)
    assert "/search?day=sat" in [r.replace("&amp;", "&") for r in relax]


@pytest.mark.parametrize("query", [
    "level=entry-9", "day=someday", "q=" + "x" * 5000, 'q=AND+(+"*', "page=-3", "per_page=9999", "time=noon",
    "creche=maybe", "sort=price", "kind=secret", "radius=7", "speaks=!!", "lat=abc&lon=1", "page=99999",
])
def test_bad_input_gets_a_clear_message_never_a_500(client, query):
    page = client.get("/search?" + query)
    assert page.status_code == 200
    assert "classes found" in page.text or "class found" in page.text


def test_bad_level_is_explained_and_the_rest_kept(client):
    page = client.get("/search?level=entry-9&creche=1")
    body = text_of(page.text)
    assert "We don't know the level “entry-9”, so we left it out." in body
    assert "1 class found" in body


def test_untrusted_query_is_escaped(client):
    page = client.get("/search?q=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_404_is_helpful(client):
    page = client.get("/courses/99999")
    assert page.status_code == 404
    assert "Page not found" in page.text and 'href="/search"' in page.text


def test_500_page(services):
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from finder.web.app import create_app

    app = create_app(services=services, prepare=False)

    async def boom(request):
        raise RuntimeError("boom")

    app.router.routes.append(Route("/boom", boom))
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
    assert page.status_code == 500 and "Something went wrong" in page.text


def test_search_json_contract(client, ids):
    body = client.get("/search.json?level=entry-1&sort=relevance&per_page=2").json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 2 and len(body["results"]) == 2
    result = body["results"][0]
    for name in ("id", "title", "organisation", "levels", "kind", "creche", "free", "women_only", "mode", "days", "url"):
        assert name in result
    mums = client.get("/search.json?creche=1").json()["results"][0]
    assert mums["creche"] is True and mums["women_only"] is True and mums["free"] is True and mums["days"] == ["wed"]
    assert mums["url"].endswith(f"/courses/{ids()['mums-creche']}")


def test_search_json_reports_problems(client):
    body = client.get("/search.json?level=entry-9").json()
    assert body["problems"][0]["param"] == "level"
    assert body["total"] == 7


def test_scripts_only_enhance(client):
    """Pages carry no inline script; the only scripts are deferred files, and the search is a plain GET form."""
    for path in ("/", "/search?q=club", "/map?creche=1"):
        page = client.get(path).text
        assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
        assert all("defer" in tag for tag in re.findall(r"<script[^>]*>", page))
        assert '<form class="search" method="get" action="/search"' in page or path.startswith("/map")


def test_map_view_lists_the_same_results_and_loads_leaflet_from_our_own_files(client):
    page = client.get("/map?creche=1")
    assert page.status_code == 200
    assert "English for Mums" in page.text
    assert 'src="/static/vendor/leaflet/leaflet.js?v=' in page.text
    assert 'data-results="/search.json?creche=1&amp;per_page=100"' in page.text
    assert "tile.openstreetmap.org" in page.text
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    # The list pages do not load the map library.
    assert "leaflet" not in client.get("/search?creche=1").text


def test_search_json_gives_venue_coordinates_for_the_map(client):
    result = client.get("/search.json?creche=1").json()["results"][0]
    assert result["venues"] == [{"name": "Dingle Children's Centre", "area": "L8", "latitude": 53.3895, "longitude": -2.9689}]


def test_pages_are_compressed(client):
    page = client.get("/search", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"


def test_a_parents_sheet_or_an_embed_does_not_change_the_visitors_language(client):
    assert "set-cookie" not in client.get("/signpost?lang=ar&creche=1").headers
    assert "set-cookie" not in client.get("/embed?lang=ar").headers
    assert "lang=ar" in client.get("/search?lang=ar").headers["set-cookie"]
