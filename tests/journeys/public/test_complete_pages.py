"""Issue 15, no dead ends: a course page leads back to the results and to the venue, says who can
come without contradicting itself, shows the whole share link; the home page leads to the sheet
builder, the map and the levels guide; every page links to the accessibility statement, the
privacy notice and the contact page. In English and Arabic."""

from __future__ import annotations

import html as html_module
import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_from_the_results_a_course_page_leads_back_to_the_same_search(client, lang):
    results = client.get(f"/search?creche=1&level=entry-1&postcode=L8+6SQ&radius=2&lang={lang}")
    course_link = html_module.unescape(re.search(r'<h3><a href="(/courses/\d+\?back=[^"]+)"', results.text).group(1))
    course = client.get(course_link)
    back = html_module.unescape(re.search(r'<p class="back"><a href="([^"]+)">(.*?)</a>', course.text).group(1))
    assert back.startswith("/search?")
    kept = parse_qs(urlsplit(back).query)
    assert kept["creche"] == ["1"] and kept["level"] == ["entry-1"] and kept["postcode"] == ["L8 6SQ"] and kept["radius"] == ["2"]
    assert (kept.get("lang") == [lang]) if lang != "en" else "lang" not in kept
    again = client.get(back)
    assert re.search(r'<h3><a href="/courses/\d+', again.text), "the back link finds the same class"


def test_the_back_link_only_ever_leads_to_a_search_of_ours(client, ids):
    course_id = ids()["entry-1-day"]
    for hostile in ("https://evil.example.net/", "//evil.example.net", "javascript:alert(1)", '"><script>x</script>'):
        page = client.get(f"/courses/{course_id}", params={"back": hostile})
        back = html_module.unescape(re.search(r'<p class="back"><a href="([^"]+)"', page.text).group(1))
        assert back.startswith("/search?") and "evil" not in back.split("?")[0] and "<script>" not in page.text
    assert 'class="back"' not in client.get(f"/courses/{course_id}").text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_course_page_gives_directions_to_the_venue_on_a_map(client, ids, lang):
    page = client.get(f"/courses/{ids()['mums-creche']}?lang={lang}")
    link = html_module.unescape(re.search(r'<a class="directions-link" href="([^"]+)"', page.text).group(1))
    assert link == "https://www.openstreetmap.org/directions?to=53.38950%2C-2.96890"
    if lang == "en":
        assert "Directions to Dingle Children's Centre on a map" in text_of(page.text)
    online = client.get(f"/courses/{ids()['online-speaking']}?lang={lang}")
    assert "directions-link" not in online.text


def test_who_can_come_does_not_contradict_itself(client, ids):
    who = re.search(r'<dd class="who">(.*?)</dd>', client.get(f"/courses/{ids()['mums-creche']}").text, re.S).group(1)
    assert text_of(who) == "Women only, Parents and carers"
    who = re.search(r'<dd class="who">(.*?)</dd>', client.get(f"/courses/{ids()['entry-1-day']}").text, re.S).group(1)
    assert text_of(who) == "Anyone"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_share_box_shows_the_whole_link_ready_to_copy_and_a_listen_button_waits_for_a_voice(client, ids, lang):
    course_id = ids()["entry-1-day"]
    page = client.get(f"/courses/{course_id}?lang={lang}").text
    link = re.search(r'<p class="whole-link">.*?<a href="([^"]+)" dir="ltr" data-copy[^>]*>([^<]+)</a>', page, re.S)
    assert link and html_module.unescape(link.group(1)) == html_module.unescape(link.group(2))
    assert html_module.unescape(link.group(2)).endswith(f"/c/{course_id}" + (f"?lang={lang}" if lang != "en" else ""))
    assert re.search(r'<button type="button" class="listen" data-listen="article.course" hidden>', page), \
        "hidden until the browser shows it has a voice for the page's language"
    assert "enhance.js" in page


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_home_page_leads_to_the_map_the_sheet_builder_and_the_levels_guide(client, lang):
    page = client.get(f"/?lang={lang}").text
    for path in ('href="/map"', 'href="/signpost"', 'href="/help/levels"'):
        assert path in page


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("path", ["/accessibility", "/contact"])
def test_the_accessibility_statement_and_contact_page_exist_and_every_page_links_to_them(client, path, lang):
    page = client.get(f"{path}?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page.text
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', client.get(f"/search?q=english&lang={lang}").text, re.S).group(1)
    for link in ('href="/accessibility"', 'href="/privacy"', 'href="/contact"'):
        assert link in footer
    if lang == "en":
        body = text_of(page.text)
        assert ("(WCAG) 2.2 at level AA" in body) if path == "/accessibility" else ("Report a problem with this class" in body)
