"""A course described in other languages: shown in the reader's language where it exists, plainly
marked English where it does not, and found by words in any of its languages."""

from __future__ import annotations

import re

import pytest


def result_titles(client, **params) -> list[str]:
    page = client.get("/search", params=params).text
    return re.findall(r'<h3><a href="/courses/\d+(?:\?back=[^"]*)?"[^>]*>([^<]+)</a></h3>', page)


def test_course_page_in_the_readers_language(i18n_client, course_ids):
    page = i18n_client.get(f"/courses/{course_ids['level-1']}?lang=ar").text
    assert "<h1 >اللغة الإنجليزية المستوى الأول</h1>" in page or "<h1>اللغة الإنجليزية المستوى الأول</h1>" in page
    assert "مهارات القراءة والكتابة" in page
    assert 'class="note"' not in page


def test_course_page_falls_back_to_english_and_says_so(i18n_client, course_ids):
    page = i18n_client.get(f"/courses/{course_ids['level-1']}?lang=uk").text
    assert '<h1 lang="en" dir="ltr">Level 1 English</h1>' in page
    assert 'class="note"' in page


def test_results_show_the_readers_language_and_mark_english(i18n_client):
    page = i18n_client.get("/search?q=club&lang=uk").text
    assert ">Розмовний клуб для українських родин</a>" in page
    assert 'lang="en" dir="ltr">Conversation Club</a>' in page


@pytest.mark.parametrize("words, key_title", [
    ("الإنجليزية", "Level 1 English"),        # Arabic
    ("родин", "Speaking club for Ukrainian families"),  # Ukrainian (Cyrillic)
    ("Розмовний клуб", "Speaking club for Ukrainian families"),
    ("英语", "English for Chinese speakers"),   # Chinese: two characters inside a longer word
    ("普通话", "English for Chinese speakers"),
    ("英语课程", "English for Chinese speakers"),
])
def test_search_finds_words_in_any_language_a_course_is_listed_in(i18n_client, words, key_title):
    assert result_titles(i18n_client, q=words, lang="en") == [key_title]


def test_chinese_words_not_in_any_listing_find_nothing(i18n_client):
    assert result_titles(i18n_client, q="法语", lang="en") == []
