"""The single-value rules every record shares (finder.domain.values)."""

from __future__ import annotations

import datetime as dt

import pytest

from finder.domain.values import (
    ValidationErrors,
    as_bool,
    is_email,
    is_language_code,
    is_phone,
    is_record_id,
    is_web_address,
    parse_date,
    parse_time,
    slugify,
    yes_no,
)


@pytest.mark.parametrize("text, ok", [
    ("name@example.org", True), ("amina.yusuf+esol@riverside.example.org", True),
    ("", False), ("not an email", False), ("name@example", False), ("name@@example.org", False),
    ("<name@example.org>", False), ("name @example.org", False),
])
def test_email_addresses(text, ok):
    assert is_email(text) is ok


@pytest.mark.parametrize("text, ok", [
    ("0151 000 1000", True), ("+44 (0)151 000-1000", True), ("0151", False), ("call reception", False), ("", False),
])
def test_phone_numbers(text, ok):
    assert is_phone(text) is ok


@pytest.mark.parametrize("text, ok", [
    ("https://riverside.example.org/esol", True), ("http://example.org", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), ("data:text/html,<script>", False),
    ("vbscript:msgbox(1)", False), ("www.example.org", False), ("https://exa mple.org", False),
    ('https://example.org/"onmouseover', False), ("", False),
])
def test_web_addresses_are_only_http_and_https(text, ok):
    assert is_web_address(text) is ok


@pytest.mark.parametrize("code, ok", [("ar", True), ("fa", True), ("zh_Hans", True), ("ckb", True),
                                      ("arabic", False), ("a", False), ("zh-Hans", False), ("", False)])
def test_language_codes(code, ok):
    assert is_language_code(code) is ok


def test_record_ids():
    assert is_record_id("riverside-entry-1") and is_record_id("oruk-7d4c3b2a:1.2_x")
    assert not is_record_id("-starts-with-a-hyphen") and not is_record_id("has space") and not is_record_id("")
    assert is_record_id("a" * 160) and not is_record_id("a" * 161)


def test_slugs_are_made_from_names():
    assert slugify("Toxteth Library") == "toxteth-library"
    assert slugify("  St Mary's Hall, L4 5XN ") == "st-mary-s-hall-l4-5xn"
    assert slugify("!!!") == "item"
    assert len(slugify("x" * 300)) == 100


@pytest.mark.parametrize("value, answer", [
    ("yes", True), ("Y", True), (" TRUE ", True), ("1", True), ("on", True), (True, True),
    ("no", False), ("n", False), ("0", False), ("off", False), ("", False), (None, False), (False, False),
    ("maybe", None), ("2", None),
])
def test_yes_no_says_when_it_is_neither(value, answer):
    assert yes_no(value) is answer


def test_loose_yes_no_is_no_unless_clearly_yes():
    assert as_bool("on") and as_bool("Yes") and as_bool(True)
    assert not as_bool("maybe") and not as_bool("") and not as_bool(None)


def test_times():
    assert parse_time("9.30") == dt.time(9, 30) and parse_time(" 18:05 ") == dt.time(18, 5)
    assert parse_time("24:00") is None and parse_time("6pm") is None and parse_time("") is None


def test_dates():
    assert parse_date("2026-09-14") == dt.date(2026, 9, 14) == parse_date("14/09/2026")
    assert parse_date("") is None and parse_date(None) is None
    assert parse_date(dt.datetime(2026, 9, 14, 10, 0)) == dt.date(2026, 9, 14)
    with pytest.raises(ValueError):
        parse_date("next Monday")


def test_validation_errors_say_every_field_and_message():
    error = ValidationErrors({"title": ["This is required."], "levels": ["Choose at least one level.", "Again."]})
    assert error.errors["levels"] == ["Choose at least one level.", "Again."]
    assert str(error) == "title: This is required.; levels: Choose at least one level., Again."
