"""The signposting sheet, the embed view with its builder, and the Atom feed, through real HTTP."""

from __future__ import annotations

import html
import re

import feedparser
import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _blocks(page: str, code: str) -> list[str]:
    return [text_of(b) for b in re.findall(rf'<div class="lang-block" lang="{code}" dir="[a-z]+">(.*?)</div>', page, re.S)]


def test_signpost_form_alone_until_choices_are_made(client):
    page = client.get("/signpost").text
    assert 'name="postcode"' in page and 'name="lang"' in page and 'name="creche"' in page and 'name="day"' in page
    assert 'class="sheet"' not in page


def test_sheet_is_bilingual_with_times_address_how_to_join_and_a_qr_code(client):
    page = client.get("/signpost?creche=1&lang=ar").text
    arabic, english = _blocks(page, "ar"), _blocks(page, "en")
    assert len(arabic) == len(english) == 3  # heading, the one class, the foot
    assert "English for Mums" in english[1] and "Wednesday 10:00 to 11:30" in english[1]
    assert "How to join: Just drop in" in english[1]
    assert "الأربعاء" in arabic[1]  # Wednesday, in the parent's language
    assert "Park Road, Liverpool" in text_of(page) and "L8 6SQ" in page
    svg = re.search(r"<svg[^>]*class=\"qr\".*?</svg>", page, re.S).group(0)
    assert "style" not in svg and "<path" in svg


def test_sheet_limits_itself_to_one_page_of_classes_and_english_only_needs_one_column(client):
    page = client.get("/signpost?level=mixed&level=entry-1&level=entry-2&level=entry-3&level=level-1&level=pre-entry").text
    assert page.count('class="sheet-item"') == 6
    assert not _blocks(page, "ar") and len(_blocks(page, "en")) == 8


def test_sheet_has_a_short_link_that_opens_the_same_sheet(client):
    page = client.get("/signpost?creche=1&lang=ar").text
    # The sheet's own short link (its label is in the page's language).
    sheet_code = re.search(r'<a href="http://testserver/s/([a-z0-9]+)" dir="ltr">', page).group(1)
    target = client.get(f"/s/{sheet_code}", follow_redirects=False).headers["location"]
    assert target == "/signpost?creche=1&lang=ar"
    again = client.get(target).text
    assert _blocks(again, "ar") and "English for Mums" in text_of(again)
    live_code = re.search(r'class="live-url" dir="ltr">http://testserver/s/([a-z0-9]+)<', page).group(1)
    assert client.get(f"/s/{live_code}", follow_redirects=False).headers["location"] == "/search?creche=1&lang=ar"


def test_sheet_keeps_search_choices_the_form_does_not_show(client):
    page = client.get("/signpost?free=1&q=club").text
    assert '<input type="hidden" name="q" value="club">' in page
    assert '<input type="hidden" name="free" value="1">' in page
    assert "Conversation Club" in text_of(page)


def test_embed_is_compact_links_out_and_may_be_framed_by_any_site(client):
    response = client.get("/embed?creche=1&lang=fr")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors *" in policy and "'unsafe-inline'" not in policy
    assert "x-frame-options" not in response.headers
    assert 'class="site-header"' not in response.text and '<html lang="fr" dir="ltr">' in response.text
    assert 'href="http://testserver/courses/' in response.text and 'target="_blank"' in response.text
    assert "mercredi" in response.text  # Wednesday in French


def test_other_pages_may_not_be_framed(client):
    for path in ("/", "/embed/builder", "/signpost", "/share"):
        assert "frame-ancestors *" not in client.get(path).headers.get("content-security-policy", "")


def test_embed_builder_makes_an_iframe_snippet_for_the_choices(client):
    page = client.get("/embed/builder?creche=1&level=entry-1&lang=ar&per_page=3").text
    snippet = html.unescape(re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', page, re.S).group(1))
    assert snippet.startswith('<iframe src="http://testserver/embed?creche=1&amp;level=entry-1&amp;per_page=3&amp;lang=ar"')
    assert 'loading="lazy"></iframe>' in snippet
    assert '<iframe class="embed-preview" src="/embed?creche=1&amp;level=entry-1&amp;per_page=3&amp;lang=ar"' in page


def test_atom_feed_lists_published_courses_and_the_home_page_links_to_it(client):
    response = client.get("/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titles = {entry.title for entry in feed.entries}
    assert "English for Mums" in titles and len(feed.entries) == 7
    mums = next(e for e in feed.entries if e.title == "English for Mums")
    assert mums.link.startswith("http://testserver/courses/") and "Dingle Children's Centre" in mums.summary
    home = client.get("/").text
    assert '<link rel="alternate" type="application/atom+xml" href="/feed.atom"' in home
