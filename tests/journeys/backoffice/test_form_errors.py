"""Issue 15, the GOV.UK error pattern on the public forms, in English and Arabic: the page title
starts with "Error:", the summary names each field and follows the page's order, the required
fields come first, limits are stated before they bite, and a refused send loses nothing."""

from __future__ import annotations

import html as html_module
import re

import pytest
from starlette.testclient import TestClient

from finder.web.app import create_app
from tests.accounts import csrf

pytestmark = pytest.mark.postgres


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def summary_items(page: str) -> list[tuple[str, str]]:
    block = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S).group(1)
    return [(href, text_of(text)) for href, text in re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', block, re.S)]


def test_an_empty_add_a_class_form_names_every_field_in_page_order(client):
    token = csrf(client, "/add-a-class")
    page = client.post("/add-a-class", data={"csrf_token": token}).text
    assert re.search(r"<title>Error: Add your class", page)
    items = summary_items(page)
    texts = [t for _, t in items]
    assert "Name of the class: This is required." in texts
    assert any(t.startswith("Levels: ") for t in texts)
    assert any(t.startswith("When and where: ") for t in texts)
    assert any(t.startswith("Your email address: ") for t in texts)
    assert all(": " in t for t in texts), texts  # no message without its field
    # the summary follows the page: each link's target comes later in the page than the one before
    targets = [page.index(f'id="{href}"') for href, _ in items]
    assert targets == sorted(targets), items
    # each inline message starts with a hidden "Error:" for screen readers
    assert '<span class="visually-hidden">Error:</span> This is required.' in page


def test_the_required_fields_come_first_and_limits_are_stated(client):
    page = client.get("/add-a-class").text
    form = page[page.index('<form method="post" action="/add-a-class"'):]
    order = [form.index(f'name="{name}"') for name in ("title", "organisation", "levels", "submitter_email",
                                                       "session-1-weekday", "description", "contact_phone")]
    assert order == sorted(order)
    body = text_of(page)
    assert "Up to 200 characters." in body and "Up to 5,000 characters." in body
    assert "You can send up to 10 forms an hour from one connection." in body
    # the optional groups are folded on a phone-sized form, and open when they hold an error
    assert re.search(r'<details class="form-group">\s*<summary><h2>More about the class \(optional\)', page)


def test_in_arabic_the_summary_is_in_arabic_and_still_names_the_fields(client):
    token = csrf(client, "/add-a-class?lang=ar")
    page = client.post("/add-a-class?lang=ar", data={"csrf_token": token, "lang": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in page
    texts = [t for _, t in summary_items(page)]
    assert texts and all(":" in t for t in texts)
    assert not any(t.startswith("Name of the class") for t in texts)


def test_a_report_refused_by_the_hourly_limit_keeps_what_was_typed(services, fixture_catalogue, ids):
    services.settings = services.settings.with_(rate_limit_forms=1)
    course_id = ids()["entry-1-day"]
    path = f"/courses/{course_id}/report"
    with TestClient(create_app(services=services, prepare=False)) as client:
        token = csrf(client, path)
        assert client.post(path, data={"csrf_token": token, "problem": "wrong-time"}).status_code == 200
        refused = client.post(path, data={"csrf_token": token, "problem": "other", "details": "The room moved to B12",
                                          "email": "parent@example.org"})
    assert refused.status_code == 429
    assert "<title>Error: " in refused.text
    assert "The room moved to B12</textarea>" in refused.text and 'value="parent@example.org"' in refused.text
    assert re.search(r'value="other"\s+checked', refused.text)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_web_address_in_an_error_reads_left_to_right_on_any_page(client, lang):
    token = csrf(client, f"/add-a-class?lang={lang}")
    page = client.post(f"/add-a-class?lang={lang}", data={"csrf_token": token, "website": "javascript:alert(1)"}).text
    message = re.search(r'<span class="error-message" id="website-error">(.*?)</span>\s*<input', page, re.S).group(1)
    assert '<bdi dir="ltr">http://</bdi>' in message and '<bdi dir="ltr">https://</bdi>' in message
    assert 'value="javascript:alert(1)"' in page
