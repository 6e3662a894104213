"""Short stable links and the plain-text messages people send on WhatsApp or by SMS."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]


def _textarea(page: str) -> str:
    return html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1))


def _short_code(page: str) -> str:
    return re.search(r"http://testserver/s/([a-z0-9]+)", page).group(1)


def test_every_course_has_a_short_link_that_opens_its_page(client, ids):
    course_id = ids()["mums-creche"]
    response = client.get(f"/c/{course_id}", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == f"/courses/{course_id}"
    assert client.get(f"/c/{course_id}?lang=ar", follow_redirects=False).headers["location"] == f"/courses/{course_id}?lang=ar"
    assert "English for Mums" in client.get(f"/c/{course_id}").text


def test_course_message_has_what_a_parent_needs_and_an_absolute_short_link(client, ids):
    course_id = ids()["mums-creche"]
    message = _textarea(client.get(f"/courses/{course_id}").text)
    assert message.splitlines() == [
        "English for Mums", "Dingle Children's Centre",
        "Wednesday 10:00 to 11:30 at Dingle Children's Centre, L8 6SQ",
        "How to join: Just drop in", "Cost: Free", "Crèche on site",
        f"http://testserver/c/{course_id}",
    ]


def test_send_links_carry_the_message_for_whatsapp_and_sms(client, ids):
    page = client.get(f"/courses/{ids()['mums-creche']}").text
    message = _textarea(page)
    whatsapp = html.unescape(re.search(r'href="(https://wa\.me/\?text=[^"]+)"', page).group(1))
    sms = html.unescape(re.search(r'href="(sms:\?&amp;body=[^"]+|sms:\?&body=[^"]+)"', page).group(1))
    assert unquote(whatsapp.split("text=", 1)[1]) == message
    assert unquote(sms.split("body=", 1)[1]) == message


def test_message_is_in_the_chosen_language(client, ids):
    course_id = ids()["level-1"]
    message = _textarea(client.get(f"/courses/{course_id}?lang=ar").text)
    assert message.splitlines()[0] == "اللغة الإنجليزية المستوى الأول"  # the partner's Arabic title
    assert "الاثنين" in message  # Monday, in Arabic
    assert message.endswith(f"/c/{course_id}?lang=ar")


def test_a_search_keeps_the_same_short_code_whatever_the_order_of_its_choices(client):
    first = _short_code(client.get("/share?creche=1&level=entry-1&level=entry-2").text)
    again = _short_code(client.get("/share?level=entry-2&creche=1&level=entry-1&page=3").text)
    other = _short_code(client.get("/share?creche=1").text)
    assert first == again and first != other
    assert len(first) == 6 and not set(first) & set("01ilo")
    response = client.get(f"/s/{first}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/search?creche=1&level=entry-1&level=entry-2"
    assert "English for Mums" in client.get(f"/s/{first}").text


def test_search_message_says_what_was_chosen_and_how_many(client):
    page = client.get("/share?creche=1").text
    message = _textarea(page)
    code = _short_code(page)
    assert message == f"1 English class: with a crèche\nSee them here: http://testserver/s/{code}"


def test_unknown_or_malformed_short_codes_are_not_found(client):
    assert client.get("/s/zzzzzz").status_code == 404
    assert client.get("/s/..%2Fadmin").status_code == 404
    assert client.get("/s/" + "a" * 40).status_code == 404


def test_search_page_links_to_sharing_and_the_signposting_sheet(client):
    page = client.get("/search?creche=1").text
    # counted=1: opening a view of the same search does not count it again (README: Evidence for coordinators)
    assert 'href="/share?creche=1&amp;counted=1"' in page and 'href="/signpost?creche=1&amp;counted=1"' in page
