"""Row-by-row checks of an import: what is wrong, in which row and column, in plain words."""

from __future__ import annotations

import re

import pytest

from finder.geo.shapes import PostcodeError
from tests.spreadsheets import UNKNOWN_POSTCODE, csv_bytes, row, xlsx_bytes
from tests.unit.imports.conftest import assert_matches_expected

pytestmark = pytest.mark.postgres


def test_the_unknown_postcode_used_here_really_is_unknown(services):
    with pytest.raises(PostcodeError):
        services.postcodes.lookup(UNKNOWN_POSTCODE)
    assert services.postcodes.lookup("L8 6SQ").latitude == pytest.approx(53.39, abs=0.02)


def wrong_rows() -> list[dict]:
    return [
        row("good", "Good class"),
        row("bad-postcode", "Class at a postcode that does not exist", venue_postcode=UNKNOWN_POSTCODE),
        row("bad-level", "Class at an unknown level", levels="entry-1; intermediate"),
        row("bad-time", "Class at an impossible time", session_1_start="25:00"),
        row("backwards", "Class that ends before it starts", session_1_start="14:00", session_1_end="13:00"),
        row("no-title", ""),
        row("no-organisation", "Class with no organisation", organisation=""),
        row("no-session", "Class with no session", session_1_day="", session_1_start="", session_1_end=""),
        row("bad-day", "Class on a day that does not exist", session_1_day="Funday", session_2_day="wed",
            session_2_start="18:00", session_2_end="6pm"),
        row("no-venue", "Class with nowhere to meet", venue_name="", venue_address="", venue_postcode=""),
        row("half-postcode", "Class with half a postcode", venue_postcode="L8"),
        row("letter-o", "Class with a letter O for a zero", venue_postcode="L8 OAB"),
        row("good", "The same id again"),
    ]


def test_every_kind_of_wrong_row_is_reported_with_its_row_and_column(plan_file, catalogue_state):
    before = catalogue_state()
    plan = plan_file(csv_bytes(wrong_rows()), "wrong.csv")
    assert not plan.ok
    wrong = {r.key: [(e.column, str(e.message)) for e in r.errors] for r in plan.rows if r.outcome == "wrong"}
    assert wrong["bad-postcode"] == [("venue_postcode", "The postcode “L1 9ZZ” does not exist. Check it against the "
                                                         "venue's address.")]
    assert wrong["bad-level"] == [("levels", "“intermediate” is not one of the choices: pre-entry, entry-1, entry-2, "
                                             "entry-3, level-1, level-2, mixed.")]
    assert wrong["bad-time"] == [("session_1_start", "“25:00” is not a time. Write it as HH:MM on the 24-hour clock, "
                                                     "for example 18:30.")]
    assert wrong["backwards"] == [("session_1_end", "The class must end after it starts.")]
    assert wrong["no-title"] == [("title", "This is required.")]
    assert wrong["no-organisation"] == [("organisation", "This is required.")]
    assert [c for c, _ in wrong["no-session"]] == ["session_1_day"]
    assert [c for c, _ in wrong["bad-day"]] == ["session_1_day", "session_2_end"]
    assert [c for c, _ in wrong["no-venue"]] == ["venue_name"]
    assert [c for c, _ in wrong["half-postcode"]] == ["venue_postcode"]
    # The row numbers are the spreadsheet's: the heading is row 1, so the 13th course is row 14.
    assert [(r.number, r.outcome) for r in plan.rows][0] == (2, "created")
    assert plan.rows[-1].number == 14 and plan.rows[-1].errors[0].column == "id"
    assert "Row 2 already has this course" in str(plan.rows[-1].errors[0].message)
    assert catalogue_state() == before
    assert_matches_expected("wrong_rows.json", plan.as_json())
    assert_matches_expected("wrong_rows.txt", plan.as_text())


def test_blank_rows_are_skipped_and_row_numbers_still_match_the_spreadsheet(plan_file):
    rows = [row("one", "One"), row("two", "Two", levels="advanced")]
    plan = plan_file(csv_bytes(rows, blank_rows=(0, 1)), "gaps.csv")
    # heading (1), blank (2), one (3), blank (4), two (5)
    assert [(r.number, r.key, r.outcome) for r in plan.rows] == [(3, "one", "created"), (5, "two", "wrong")]
    assert plan.as_text().splitlines()[-2].startswith("  Row 5, column levels:")


def test_blank_rows_in_a_workbook_keep_their_numbers_too(plan_file):
    rows = [row("one", "One"), {}, {}, row("two", "Two", session_1_end="09:00")]
    plan = plan_file(xlsx_bytes(rows), "gaps.xlsx")
    assert [(r.number, r.outcome) for r in plan.rows] == [(2, "created"), (5, "wrong")]
    assert plan.errors[0].column == "session_1_end"


def test_extra_columns_are_ignored_with_a_note_and_headings_match_loosely(plan_file):
    rows = [{"ID": "one", " Title ": "One", "Organisation": "Toxteth Women's Centre",
             "Levels (separated by ;)": "mixed", "Venue Name": "Toxteth Women's Centre", "venue-postcode": "l86sq",
             "Session 1 Day": "Tuesday",
             "SESSION_1_START": "9.30", "session 1 end": "11:00", "Our notes": "call Jo first", "Colour": "blue"}]
    plan = plan_file(csv_bytes(rows, headings=list(rows[0])), "loose.csv")
    assert plan.ok, plan.as_text()
    assert [str(n) for n in plan.notes] == ["These columns are not used and were ignored: Our notes, Colour."]
    listing = plan.prepared[0].listing
    assert listing.sessions[0].weekday == "tue" and listing.sessions[0].start.strftime("%H:%M") == "09:30"
    assert plan.prepared[0].venues[0]["postcode"] == "L8 6SQ"


def test_semicolon_separated_csv_from_a_european_excel(plan_file):
    plan = plan_file(csv_bytes([row("one", "One")], delimiter=";"), "semicolons.csv")
    assert plan.ok, plan.as_text()
    assert plan.prepared[0].listing.levels == ["entry-1", "entry-2"]


def test_a_missing_required_column_is_a_problem_with_the_whole_file(plan_file):
    plan = plan_file(b"id,title,organisation\r\none,One,Somewhere\r\n", "few.csv")
    assert not plan.ok and plan.rows == []
    assert str(plan.problem) == ("The first row must name the columns, and these are missing: levels, session_1_day, "
                                 "session_1_start, session_1_end. Download the template to see the columns.")


def test_a_file_that_is_too_large_is_refused_with_a_clear_message(services, plan_file):
    limit = services.settings.import_max_bytes
    padding = "x" * 1000
    rows = [row(f"c{i}", f"Class {i}", description=padding) for i in range(limit // 1000 + 10)]
    plan = plan_file(csv_bytes(rows), "huge.csv")
    assert re.fullmatch(r"The file is too large: 5\.\d MB\. Files can be at most 5 MB; split it into smaller files\.",
                        str(plan.problem))
    assert plan.rows == []


def test_too_many_rows_is_refused(services, plan_file):
    services.settings = services.settings.with_(import_max_rows=3)
    plan = plan_file(csv_bytes([row(f"c{i}", f"Class {i}") for i in range(4)]), "long.csv")
    assert str(plan.problem) == "The file has more than 3 rows of courses. Split it into smaller files."


@pytest.mark.parametrize("filename, content, message", [
    ("courses.xls", b"\xd0\xcf\x11\xe0 old excel", "This kind of spreadsheet cannot be read. Save it as an Excel "
                                                   "workbook (.xlsx) or as CSV, then upload it again."),
    ("courses.pdf", b"%PDF-1.4", "Upload a CSV (.csv) or Excel (.xlsx) file."),
    ("courses.xlsx", b"id,title\r\n", "This file is called .xlsx but is not an Excel workbook. Save it again from "
                                      "your spreadsheet program as .xlsx or CSV."),
    ("courses.csv", b"", "The file is empty."),
])
def test_wrong_kinds_of_file_are_refused(plan_file, filename, content, message):
    plan = plan_file(content, filename)
    assert str(plan.problem) == message
