"""The pure rules of the evidence: suppression, outcome bands, ISO weeks, quarters and need keys."""

from __future__ import annotations

import datetime as dt

from finder.domain import evidence as rules


def test_every_count_under_5_is_fewer_than_5():
    assert [str(rules.shown(n)) for n in (0, 1, 4, 5, 17)] == ["fewer than 5"] * 3 + ["5", "17"]
    assert [rules.exported(n) for n in (0, 4, 5)] == ["fewer than 5", "fewer than 5", "5"]


def test_outcome_bands_are_none_one_or_two_and_three_or_more():
    assert [rules.outcome_band(n) for n in (0, 1, 2, 3, 40)] == ["0", "1-2", "1-2", "3+", "3+"]


def test_weeks_are_iso_weeks_and_cross_the_new_year():
    assert rules.week_key(dt.date(2026, 12, 2)) == "2026-W49"
    assert rules.week_key(dt.date(2027, 1, 1)) == "2026-W53"
    assert rules.week_start("2026-W49") == dt.date(2026, 11, 30)
    assert rules.weeks_between(dt.date(2026, 12, 28), dt.date(2027, 1, 11)) == ["2026-W53", "2027-W01", "2027-W02"]


def test_quarters_have_their_months_and_days():
    quarter = rules.parse_quarter("2026-q4")
    assert quarter.key == "2026-Q4" and quarter.months == ["2026-10", "2026-11", "2026-12"]
    assert (quarter.start, quarter.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert quarter.previous().key == "2026-Q3" and rules.parse_quarter("2026-Q1").previous().key == "2025-Q4"
    assert rules.parse_quarter("2026-Q5") is None and rules.parse_quarter("nonsense") is None


def test_a_need_key_is_canonical_and_reads_back():
    need = rules.make_need(levels=["entry-2", "entry-1", "entry-1"], days=["wed", "mon"], times=["evening"],
                           creche=True, speaks=["ar"], lang="fa", radius=5)
    key = rules.need_key(need)
    assert key == "creche;level=entry-1,entry-2;day=mon,wed;time=evening;speaks=ar;lang=fa;r=5"
    assert rules.parse_need_key(key) == need


def test_a_need_keeps_only_known_values_never_free_text():
    need = rules.make_need(levels=["entry-1", "<script>"], days=["funday"], mode="teleport", kind="secret",
                           speaks=["ar", "L8 1ST", "x" * 40], lang="53.39")
    assert rules.need_key(need) == "level=entry-1;speaks=ar"


def test_districts_are_cleaned_to_their_outward_code():
    assert rules.clean_district(" l8 ") == "L8" and rules.clean_district("SW1A") == "SW1A"
    assert rules.clean_district("L8 1ST") == "" and rules.clean_district("53.39") == ""


def test_a_need_is_described_in_words():
    need = rules.make_need(creche=True, levels=["entry-1"], women=True, speaks=["ar"])
    assert [str(label) for label in rules.describe(need)] == ["Crèche on site", "Entry 1", "Women only",
                                                              "Staff speak ar"]
    assert [str(label) for label in rules.describe(rules.make_need())] == ["Any class"]
