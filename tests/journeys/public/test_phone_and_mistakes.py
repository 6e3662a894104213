"""Issue 15 through real HTTP, in English and Arabic: the results come first, an empty result
offers honest searches to try (every count is what its link finds), and a mistyped postcode is
kept in its field with what was probably meant as a link."""

from __future__ import annotations

import html as html_module
import re

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]

SUGGESTION = re.compile(r'<li><a href="(/search\?[^"]*)">(.*?)</a> · (.*?)</li>', re.S)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def heading_count(page_html: str) -> str:
    return text_of(re.search(r'<h2 id="results-heading"[^>]*>(.*?)</h2>', page_html, re.S).group(1))


def suggestions(page_html: str) -> list[tuple[str, str, str]]:
    block = re.search(r'<ul class="suggestions">(.*?)</ul>', page_html, re.S)
    if not block:
        return []
    return [(html_module.unescape(href), text_of(label), text_of(count)) for href, label, count in SUGGESTION.findall(block.group(1))]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_after_a_search_the_form_folds_into_a_line_and_the_count_comes_before_the_results(client, lang):
    page = client.get(f"/search?q=english&creche=1&lang={lang}")
    assert page.status_code == 200
    summary = re.search(r'<details class="search-summary"\s*>(.*?)</summary>', page.text, re.S)
    assert summary, "the search form is folded into a summary line"
    assert "english" in text_of(summary.group(1))
    if lang == "en":
        assert "Change search" in summary.group(1) and "1 choice" in text_of(summary.group(1))
    # the form is still there (it opens without JavaScript) and keeps the search
    assert 'value="english"' in page.text and 'name="creche" value="1" checked' in page.text
    assert page.text.index('id="results-heading"') < page.text.index('<ol class="results">')
    assert page.text.index('<ol class="results">') < page.text.index('class="views"')


def test_the_home_page_and_a_bare_search_page_show_the_whole_form(client):
    for path in ("/", "/search"):
        assert 'class="search-summary"' not in client.get(path).text


EMPTY_SEARCHES = [
    "/search?day=sat&time=evening",
    "/search?creche=1&kind=formal",
    "/search?q=conversation&day=mon",
    "/search?postcode=L4+5XN&radius=1&creche=1",
    "/search?q=zzzznothing",
    "/search?women=1&mode=online&day=thu&time=morning",
]


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("path", EMPTY_SEARCHES)
def test_every_suggestion_finds_the_number_of_classes_it_promises(client, path, lang):
    page = client.get(path + f"&lang={lang}")
    assert page.status_code == 200
    assert "0" in heading_count(page.text) or "٠" in heading_count(page.text)
    offered = suggestions(page.text)
    for href, label, count in offered:
        assert f"lang={lang}" in href or lang == "en"
        opened = client.get(href)
        assert opened.status_code == 200
        promised = re.search(r"[\d٠-٩]+", count).group(0)
        found = re.search(r"[\d٠-٩]+", heading_count(opened.text)).group(0)
        assert found == promised, (path, label, count, heading_count(opened.text))
        assert promised not in ("0", "٠"), "a suggestion that finds nothing is not offered"


def test_suggestions_include_a_wider_circle_and_any_day_and_time(client):
    offered = suggestions(client.get("/search?postcode=L4+5XN&radius=1&creche=1").text)
    labels = [label for _, label, _ in offered]
    assert "Look further: within 5 miles" in labels
    assert dict((label, count) for _, label, count in offered)["Look further: within 5 miles"] == "1 class"
    offered = suggestions(client.get("/search?day=sat&time=evening").text)
    labels = [label for _, label, _ in offered]
    assert "Show any day and any time of day" in labels
    assert all(not count.startswith("0") for _, _, count in offered)


def test_distances_and_counts_use_the_right_plural(client):
    page = client.get("/search?postcode=L8+6SQ&radius=1")
    assert "within 1 mile of" in heading_count(page.text)
    assert "1 miles" not in text_of(page.text)
    assert "within 2 miles of" in heading_count(client.get("/search?postcode=L8+6SQ&radius=2").text)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_mistyped_postcode_stays_in_its_field_with_a_link_to_what_was_meant(client, lang):
    page = client.get(f"/search?postcode=L8+IST&creche=1&lang={lang}")  # the letter I where the 1 goes
    assert page.status_code == 200
    field = re.search(r'<input id="postcode"[^>]*>', page.text).group(0)
    assert 'value="L8 IST"' in field and 'aria-invalid="true"' in field and 'dir="ltr"' in field
    assert '<details class="search-summary" open>' in page.text, "the search stays open to fix it"
    link = re.search(r'<a class="meant" href="([^"]+)">(.*?)</a>', page.text, re.S)
    assert link and "L8 1ST" in text_of(link.group(2))
    assert '<bdi dir="ltr">L8 1ST</bdi>' in link.group(2)
    if lang == "en":
        assert text_of(link.group(2)) == "Search near L8 1ST"
    fixed = client.get(html_module.unescape(link.group(1)))
    assert "aria-invalid" not in fixed.text
    assert "L8 1ST" in heading_count(fixed.text)
    assert 'name="creche" value="1" checked' in fixed.text, "the rest of the search is kept"
    assert f"lang={lang}" in link.group(1) or lang == "en"


def test_a_retired_postcode_is_kept_and_its_district_offered(client):
    page = client.get("/search?postcode=L8+9ZZ")
    assert 'value="L8 9ZZ"' in re.search(r'<input id="postcode"[^>]*>', page.text).group(0)
    link = re.search(r'<a class="meant" href="([^"]+)">(.*?)</a>', page.text, re.S)
    assert text_of(link.group(2)) == "Search near L8"
    assert "postcode=L8&" in html_module.unescape(link.group(1))


def test_a_postcode_that_cannot_be_guessed_is_still_kept(client):
    page = client.get("/search?postcode=LB+6SQ")
    assert 'value="LB 6SQ"' in re.search(r'<input id="postcode"[^>]*>', page.text).group(0)
    assert 'class="meant"' not in page.text
    assert '<a href="#postcode">' in page.text, "the problem links to the field it is about"
