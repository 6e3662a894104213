"""Light pages: home, results and course pages each transfer under 50 KB, compressed as served.

Measured on the demo catalogue (a full first page of 20 results), counting the page and every
stylesheet and script it references, each as the gzip-compressed bytes that go over the wire.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

BUDGET = 50 * 1024
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "catalogue.json"


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def transferred(client, url: str) -> tuple[int, dict, str]:
    """Bytes on the wire (compressed as served), the headers and the decoded text."""
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.status_code == 200, url
        raw = b"".join(response.iter_raw())
        headers = dict(response.headers)
    text = client.get(url).text
    return len(raw), headers, text


@pytest.fixture
def demo_catalogue(services):
    if DEMO.exists():
        services.catalogue.load_catalogue(json.loads(DEMO.read_text(encoding="utf-8")), status="published")
    else:
        from tests import factories

        services.catalogue.load_catalogue(factories.fixture_catalogue(), status="published")
    return services


def course_url(client) -> str:
    """The course with the longest description and most sessions: the heaviest course page."""
    results = client.get("/search.json?per_page=100").json()["results"]
    heaviest = max(results, key=lambda r: (len(r["sessions"]), len(r["title"])))
    return f"/courses/{heaviest['id']}"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pages_transfer_under_50_kb_compressed(demo_catalogue, client, lang):
    pages = {"home": "/", "results": "/search", "results-with-place": "/search?postcode=L8&radius=10",
             "course": course_url(client)}
    for which, url in pages.items():
        url += ("&" if "?" in url else "?") + f"lang={lang}"
        size, headers, html = transferred(client, url)
        assert headers.get("content-encoding") == "gzip", url
        parser = Assets()
        parser.feed(html)
        assert parser.urls, "the page references its stylesheet"
        total, parts = size, {url: size}
        for asset in parser.urls:
            parts[asset] = transferred(client, asset)[0]
            total += parts[asset]
        print(f"{which} ({lang}): {total} bytes compressed: {parts}")
        assert total < BUDGET, f"{which}: {total} bytes: {parts}"
        if which.startswith("results"):
            assert html.count('class="result"') >= 7  # a real page of results was measured


def test_static_files_are_fingerprinted_compressed_and_cached_for_a_year(fixture_catalogue, client):
    html = client.get("/").text
    parser = Assets()
    parser.feed(html)
    assert parser.urls
    versions = set()
    for url in parser.urls:
        assert re.fullmatch(r"/static/[\w./-]+\?v=[0-9a-f]{8,}", url), url
        versions.add(url.split("?v=")[1])
        with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
            assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
            if url.split("?")[0].endswith(".css"):
                assert response.headers["content-encoding"] == "gzip"
    assert len(versions) == len(parser.urls)  # each file's version is its own content hash


def test_fingerprint_changes_when_the_file_changes(tmp_path, monkeypatch):
    from finder.web.kit import templating

    (tmp_path / "a.css").write_text("body { color: red }")
    monkeypatch.setattr(templating, "STATIC_DIR", tmp_path)
    templating._fingerprint.cache_clear()
    try:
        first = templating.static_url("a.css")
        (tmp_path / "a.css").write_text("body { color: blue }")
        templating._fingerprint.cache_clear()
        second = templating.static_url("a.css")
    finally:
        templating._fingerprint.cache_clear()
    assert first.startswith("/static/a.css?v=") and first != second
