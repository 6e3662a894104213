"""Times, dates, numbers, distances, weekdays and language names from CLDR, per locale."""

from __future__ import annotations

import datetime as dt

import pytest

from finder import i18n

FSI, PDI = "\u2068", "\u2069"


@pytest.mark.parametrize("code, expected", [
    ("en", "18:30"), ("fr", "18:30"), ("uk", "18:30"), ("pl", "18:30"), ("zh_Hans", "18:30"), ("vi", "18:30"),
    ("ur", f"{FSI}6:30 PM{PDI}"), ("ar", f"{FSI}6:30 م{PDI}"), ("fa", f"{FSI}۱۸:۳۰{PDI}"), ("ps", f"{FSI}۱۸:۳۰{PDI}"),
    ("ckb", f"{FSI}٦:٣٠ د.ن{PDI}"), ("am", "6:30 ከሰዓት"), ("so", "6:30\u202fGD"),
])
def test_times_as_the_locale_prefers(code, expected):
    with i18n.use_locale(code):
        assert i18n.format_time(dt.time(18, 30)) == expected


@pytest.mark.parametrize("code, expected", [
    ("en", "1 October 2026"), ("fr", "1 octobre 2026"), ("es", "1 de octubre de 2026"), ("uk", "1 жовтня 2026\u202fр."),
    ("zh_Hans", "2026年10月1日"), ("fa", "۱ اکتبر ۲۰۲۶"), ("ar", "1 أكتوبر 2026"),
])
def test_dates(code, expected):
    with i18n.use_locale(code):
        assert i18n.format_date(dt.date(2026, 10, 1), "long") == expected


@pytest.mark.parametrize("code, number, distance", [
    ("en", "1,234.5", "2.3 miles"), ("fr", "1\u202f234,5", "2,3\xa0miles"), ("uk", "1\xa0234,5", "2,3 милі"),
    ("ar", "1,234.5", "2.3 ميل"), ("fa", "۱٬۲۳۴٫۵", "۲٫۳ مایل"), ("ps", "۱٬۲۳۴٫۵", "۲٫۳ ميلونه"),
    ("zh_Hans", "1,234.5", "2.3英里"), ("es", "1.234,5", "2,3 millas"),
])
def test_numbers_and_distances_in_the_locales_own_digits_and_words(code, number, distance):
    with i18n.use_locale(code):
        assert i18n.format_number(1234.5) == number
        assert i18n.format_distance(2.345) == distance


def test_one_mile_follows_the_locales_plural_rules():
    with i18n.use_locale("en"):
        assert i18n.format_distance(1) == "1 mile"
    with i18n.use_locale("ar"):
        assert i18n.format_distance(1) == "ميل"  # CLDR's Arabic singular has no number
    with i18n.use_locale("pl"):
        assert i18n.format_distance(1) == "1 mila"


def test_counts_in_messages_use_the_locales_digits():
    with i18n.use_locale("fa"):
        text = i18n.ngettext("%(num)s class", "%(num)s classes", 12)
    assert "۱۲" in text and "12" not in text


def test_weekdays_and_language_names_in_the_readers_language():
    with i18n.use_locale("ar"):
        assert i18n.weekday_name(0) == "الاثنين"
        assert i18n.language_name("ckb") == "السورانية الكردية"
    with i18n.use_locale("pl"):
        assert i18n.weekday_name(5) == "sobota"
        assert i18n.language_name("ar") == "arabski"
        assert i18n.language_name("fa") == "perski"
    with i18n.use_locale("zh_Hans"):
        assert i18n.language_name("uk") == "乌克兰语"


def test_course_page_formats_for_the_reader(i18n_client, course_ids):
    page = i18n_client.get(f"/courses/{course_ids['level-1']}?lang=fa").text
    assert "دوشنبه" in page and "۱۸:۳۰" in page  # Monday 18:30, in Persian digits
    assert "۱ اکتبر ۲۰۲۶" in page  # last checked
    page = i18n_client.get(f"/courses/{course_ids['welcome-cafe']}?lang=pl").text
    assert "tigrinia" in page and "arabski" in page  # staff speak Tigrinya, Arabic
    assert "piątek" in page and "14:00" in page


def test_phone_numbers_keep_their_order_on_right_to_left_pages(i18n_client, course_ids):
    page = i18n_client.get(f"/courses/{course_ids['entry-1-day']}?lang=ar").text
    assert '<bdi dir="ltr">0151 000 1000</bdi>' in page
    assert '<bdi dir="ltr">L3 5TR</bdi>' in page


def test_distances_on_results_are_localised(i18n_client):
    page = i18n_client.get("/search?lat=53.390&lon=-2.969&radius=5&lang=fa").text
    assert "مایل" in page
