"""Stored XSS: hostile text in every catalogue field renders inert on every page that shows it."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from finder.domain import ValidationErrors
from tests import factories

pytestmark = pytest.mark.postgres

SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
QUOTE = "' onmouseover='alert(1)"
PAYLOAD = f"{SCRIPT}{ATTR}{QUOTE}"


class ActiveContent(HTMLParser):
    """Finds anything that would run: inline scripts, event handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    ("javascript:", "data:text", "vbscript:")):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("<script> without src")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x> from the payload")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def hostile_catalogue() -> dict:
    organisations = [dict(o, name=f"{o['name']} {PAYLOAD}", description=PAYLOAD) for o in factories.ORGANISATIONS]
    venues = [dict(v, name=f"{v['name']} {PAYLOAD}", address=f"{v['address']} {PAYLOAD}", directions=PAYLOAD)
              for v in factories.VENUES]
    courses = [factories.course(
        "hostile", f"Hostile class {PAYLOAD}", "centre", [factories.session("wed", "10:00", "11:30", "centre-dingle")],
        description=f"Line one {PAYLOAD}\nLine two {SCRIPT}", fee_note=PAYLOAD, creche="on-site",
        creche_ages=PAYLOAD, contact_name=PAYLOAD, contact_phone="0151 000 0000",
        translations={"ar": {"title": f"عربي {PAYLOAD}", "description": PAYLOAD}})]
    return factories.catalogue(courses, organisations=organisations, venues=venues)


@pytest.fixture
def hostile(services):
    services.catalogue.load_catalogue(hostile_catalogue(), status="published")
    return services


def pages_showing_it(client) -> list[str]:
    hit = client.get("/search.json?q=hostile").json()["results"][0]
    course = client.get(f"/courses/{hit['id']}").text
    organisation = course.split('href="/organisations/', 1)[1].split('"', 1)[0]
    paths = [f"/courses/{hit['id']}", f"/courses/{hit['id']}?lang=ar", "/search?q=hostile", "/search?creche=1",
             "/search?q=hostile&lang=ar", f"/organisations/{organisation}", "/signpost?creche=1",
             "/signpost?creche=1&lang=ar", "/embed?creche=1", "/share?creche=1", f"/courses/{hit['id']}/report",
             "/map?creche=1"]
    return [p for p in paths if client.get(p).status_code != 404]


def test_hostile_text_renders_inert_on_every_page(hostile, client):
    pages = pages_showing_it(client)
    assert len(pages) >= 5
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert SCRIPT not in response.text, path
        assert "<img src=x" not in response.text, path
        assert active_content(response.text) == [], path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/search?q=hostile").text  # shown, as text


def test_hostile_text_is_plain_data_in_json_feeds_and_calendars(hostile, client):
    search = client.get("/search.json?q=hostile")
    assert search.headers["content-type"].startswith("application/json")
    assert PAYLOAD in search.json()["results"][0]["title"]  # kept exactly, as data
    course_id = search.json()["results"][0]["id"]
    feed = client.get("/feed.atom")
    if feed.status_code == 200:
        root = ElementTree.fromstring(feed.content)  # well-formed: the payload did not break out
        assert any(PAYLOAD in (el.text or "") for el in root.iter())
    oruk = client.get(f"/oruk/services/{course_id}")
    if oruk.status_code == 200:
        assert "json" in oruk.headers["content-type"]
        json.loads(oruk.text)
    calendar = client.get(f"/courses/{course_id}/calendar.ics")
    if calendar.status_code == 200:
        assert "BEGIN:VEVENT" in calendar.text and "\nSCRIPT" not in calendar.text.upper().replace("<SCRIPT", "")


@pytest.mark.parametrize("field", ["website", "contact_email"])
@pytest.mark.parametrize("value", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                                   "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"])
def test_script_urls_are_refused_or_never_become_links(services, client, field, value):
    data = factories.catalogue([factories.course("url", "URL class", "college", **{field: value})])
    try:
        services.catalogue.load_catalogue(data, status="published")
    except ValidationErrors as exc:
        assert any(key.endswith(field) for key in exc.errors)  # refused, with the field named
        return
    course_id = client.get("/search.json?q=url").json()["results"][0]["id"]
    assert active_content(client.get(f"/courses/{course_id}").text) == []
