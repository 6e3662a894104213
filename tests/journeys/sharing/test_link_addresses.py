"""Absolute links point where the reader is: with ESOL_FINDER_BASE_URL unset they come from the
request (behind a trusted proxy, from its forwarded host and scheme); `serve` says which address
it puts in links and warns when a set base URL disagrees with its port."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from finder.cli.catalogue import links_notice
from finder.web.app import create_app

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]


def _client(services, settings, base="http://127.0.0.1:8123", peer=("testclient", 50000), **changes):
    services.settings = settings.with_(**changes) if changes else settings
    return TestClient(create_app(services=services, prepare=False), base_url=base, client=peer)


def _absolute_links(client, course_id) -> dict[str, str]:
    course = client.get(f"/courses/{course_id}?lang=ar").text
    ics = client.get(f"/courses/{course_id}/calendar.ics").text.replace("\r\n ", "")
    return {
        "short link": re.search(r'href="(https?://[^"]+/c/\d+[^"]*)"', course).group(1),
        "share text": re.search(r"<textarea[^>]*>.*?(https?://\S+/c/\d+)", course, re.S).group(1),
        "hreflang": re.search(r'hreflang="en" href="([^"]+)"', course).group(1),
        "calendar": re.search(r"URL(?:;[^:]*)?:(\S+)", ics).group(1),
        "feed": re.search(r'<id>([^<]+)</id>', client.get("/feed.atom").text).group(1),
        "sheet QR": re.search(r'<p class="live-url" dir="ltr">([^<]+)</p>', client.get("/signpost?creche=1").text).group(1),
    }


def test_with_no_base_url_every_absolute_link_points_at_the_address_the_page_was_opened_at(services, settings, ids):
    course_id = ids()["entry-1-day"]
    with _client(services, settings) as client:
        links = _absolute_links(client, course_id)
    for name, link in links.items():
        assert link.startswith("http://127.0.0.1:8123/"), (name, link)


def test_a_set_base_url_is_used_whatever_address_the_page_was_opened_at(services, settings, ids):
    with _client(services, settings, base_url="https://esol.example.org") as client:
        links = _absolute_links(client, ids()["entry-1-day"])
    for name, link in links.items():
        assert link.startswith("https://esol.example.org/"), (name, link)


def test_behind_a_trusted_proxy_links_use_the_forwarded_host_and_scheme(services, settings, ids):
    headers = {"x-forwarded-host": "esol.example.org", "x-forwarded-proto": "https"}
    with _client(services, settings, base="http://10.0.0.5:8000", peer=("10.0.0.1", 40000),
                 trusted_proxies=("10.0.0.0/24",), allowed_hosts=("esol.example.org", "10.0.0.5")) as client:
        page = client.get(f"/courses/{ids()['entry-1-day']}", headers=headers).text
    assert re.search(r'href="https://esol\.example\.org/c/\d+"', page)


def test_forwarded_headers_from_anyone_else_are_ignored(services, settings, ids):
    headers = {"x-forwarded-host": "evil.example.net", "x-forwarded-proto": "https"}
    with _client(services, settings, base="http://127.0.0.1:8123", peer=("203.0.113.9", 40000),
                 trusted_proxies=("10.0.0.0/24",)) as client:
        page = client.get(f"/courses/{ids()['entry-1-day']}", headers=headers).text
    assert "evil.example.net" not in page and "https://" not in re.search(r'href="(https?://[^"]+/c/\d+)"', page).group(1)
    assert re.search(r'href="http://127\.0\.0\.1:8123/c/\d+"', page)


def test_serve_says_where_links_point_and_warns_when_the_base_url_disagrees_with_its_port(settings):
    unset = links_notice(settings, "127.0.0.1", 8001)
    assert len(unset) == 1 and not unset[0][1] and "http://127.0.0.1:8001" in unset[0][0]
    wrong = links_notice(settings.with_(base_url="http://127.0.0.1:8000"), "127.0.0.1", 8001)
    assert wrong[-1][1] and "8000" in wrong[-1][0] and "8001" in wrong[-1][0]
    right = links_notice(settings.with_(base_url="http://127.0.0.1:8001"), "127.0.0.1", 8001)
    assert not any(warning for _, warning in right) and "http://127.0.0.1:8001" in right[0][0]
    proxied = links_notice(settings.with_(base_url="https://esol.example.org"), "127.0.0.1", 8001)
    assert not any(warning for _, warning in proxied)
