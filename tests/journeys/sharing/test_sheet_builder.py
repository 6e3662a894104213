"""Issue 15 for school staff: the sheet builder stays in the staff member's language while the
sheet is in the parent's language beside English; a Print button; the organisation once."""

from __future__ import annotations

import html as html_module
import re

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def test_an_english_speaking_teacher_makes_an_arabic_sheet_without_the_builder_turning_arabic(client):
    page = client.get("/signpost?postcode=L8+6SQ&radius=10&parent=ar").text
    assert '<html lang="en" dir="ltr">' in page
    builder = page[:page.index('<article class="sheet"')]
    assert "Make a sheet of classes for a parent" in builder and '<option value="ar" lang="ar" selected>' in builder
    sheet = re.search(r'<article class="sheet"[^>]*>', page).group(0)
    assert 'lang="ar" dir="rtl"' in sheet
    assert '<div class="lang-block" lang="ar" dir="rtl">' in page and '<div class="lang-block" lang="en" dir="ltr">' in page
    live = re.search(r'<p class="live-url" dir="ltr">([^<]+)</p>', page).group(1)
    assert client.get(live.replace("http://testserver", ""), follow_redirects=True).text.startswith('<!doctype html>\n<html lang="ar"')


def test_an_arabic_speaking_teacher_keeps_arabic_for_an_english_sheet(client):
    page = client.get("/signpost?postcode=L8+6SQ&radius=10&parent=en&lang=ar").text
    assert '<html lang="ar" dir="rtl">' in page
    assert '<div class="lang-block" lang="ar"' not in page, "the sheet is in English only"
    assert '<input type="hidden" name="lang" value="ar">' in page, "making another sheet keeps the builder in Arabic"


def test_the_sheet_has_a_print_button_and_names_the_organisation_once(client):
    page = client.get("/signpost?postcode=L3+5TR&radius=1").text
    assert '<button type="button" class="primary" data-print hidden>Print the sheet</button>' in page
    wheres = [text_of(w) for w in re.findall(r'<p class="where">(.*?)</p>', page, re.S)]
    college = [w for w in wheres if w.startswith("Riverside College")]
    assert college and all(w.count("Riverside College") == 1 for w in college), college
    assert any("1 Clarence Street, Liverpool L3 5TR" in w for w in college), college
