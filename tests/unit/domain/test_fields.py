"""A course's fields are declared once (finder.domain.fields) and everything that walks them
field by field agrees with the declaration: the audit snapshot, the listing form, the
spreadsheet columns and export, and the ORUK taxonomies."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from finder.domain import fields, submissions
from finder.domain.diff import IGNORED, changes
from finder.imports import columns, exports
from finder.models import Course
from finder.operations.catalogue import course_snapshot
from finder.oruk.vocabulary import TAXONOMIES


def test_every_field_has_a_known_kind_and_choices_have_their_vocabulary():
    assert [f.name for f in fields.COURSE_FIELDS][:4] == ["title", "description", "kind", "organisation"]
    for spec in fields.COURSE_FIELDS:
        assert spec.kind in fields.FIELD_KINDS
        if spec.kind == "choice":
            assert spec.vocabulary, spec.name
    assert fields.BY_NAME["languages"].many and fields.BY_NAME["languages"].vocabulary is None
    with pytest.raises(ValueError):
        fields.Field("colour", "colour")


def test_what_the_validator_the_form_and_oruk_leave_out():
    assert [f.name for f in fields.COURSE_FIELDS if not f.validated] == ["status", "availability_checked"]
    # enrolment and next_start are derived from availability (deprecated), so not edited.
    assert fields.NOT_EDITED == ("enrolment", "next_start", "status", "last_checked", "availability_checked")
    assert fields.NOT_IN_ORUK == ("creche_ages", "creche_age_from", "creche_age_to",
                                  "creche_age_unit", "creche_booking", "wait_weeks",
                                  "next_intake")
    assert set(IGNORED) == {"key", "status", "last_checked", "availability_checked", "enrolment", "next_start"}


def test_every_course_field_is_a_spreadsheet_column():
    # The columns keep their own order (the organisation's columns sit together): only the set is shared.
    assert {f.name for f in fields.COURSE_FIELDS} <= set(columns.NAMES)
    for spec in fields.COURSE_FIELDS:
        assert columns.BY_NAME[spec.name].required is spec.required
    assert str(columns.BY_NAME["kind"].values) == "formal, informal"
    assert str(columns.BY_NAME["creche_booking"].values) == "yes or no (blank means no)"
    assert str(columns.BY_NAME["eligibility"].values).startswith("one or more of: anyone, asylum-seekers")


def test_the_form_has_every_field_a_person_edits():
    on_form = set(submissions.SCALAR_FIELDS) | set(submissions.LIST_FIELDS)
    assert {f.name for f in fields.FORM_FIELDS} <= on_form
    assert not on_form & set(fields.NOT_EDITED)
    assert submissions.LIST_FIELDS == ("levels", "audiences", "eligibility")
    payload = submissions.new_payload()
    assert (payload["kind"], payload["cost"], payload["creche"], payload["eligibility"]) == (
        "informal", "free", "none", ["anyone"])


def test_snapshot_export_and_form_walk_the_same_fields(fixture_catalogue):
    with fixture_catalogue.sessions() as db:
        course = db.scalar(select(Course).where(Course.key == "level-1"))
        snapshot = course_snapshot(course)
        row = exports.course_row(course)
        payload = submissions.from_course(course)
    assert list(snapshot) == ["key", *(f.name for f in fields.COURSE_FIELDS), "sessions", "translations"]
    assert snapshot["organisation"] == "Riverside College" == row["organisation"] == payload["organisation"]
    assert snapshot["levels"] == ["level-1"] and row["levels"] == "level-1" and payload["levels"] == ["level-1"]
    assert snapshot["creche_booking"] is False and row["creche_booking"] == "no" and payload["creche_booking"] == ""
    assert snapshot["last_checked"] == "2026-10-01" == row["last_checked"] and "last_checked" not in payload
    assert snapshot["sessions"][0] == {"weekday": "mon", "start": "18:30", "end": "20:30", "venue": "college-main",
                                       "frequency": "weekly", "term_time_only": False, "valid_from": None,
                                       "valid_to": None}


def test_a_diff_of_two_snapshots_skips_what_a_person_does_not_edit(fixture_catalogue):
    with fixture_catalogue.sessions() as db:
        before = course_snapshot(db.scalar(select(Course).where(Course.key == "level-1")))
    after = {**before, "title": "Level 1 English, evenings", "status": "archived", "last_checked": "2027-01-01",
             "creche_booking": True, "sessions": before["sessions"][:1]}
    assert [(c.field, c.before, c.after) for c in changes(before, after)] == [
        ("title", "Level 1 English", "Level 1 English, evenings"),
        ("creche_booking", "No", "Yes"),
        ("sessions", "Monday · 18:30–20:30 · college-main\nWednesday · 13:00–15:00 · college-main",
         "Monday · 18:30–20:30 · college-main"),
    ]


def test_the_oruk_taxonomies_carry_choice_fields_and_take_their_terms_from_them():
    for taxonomy in TAXONOMIES:
        spec = fields.BY_NAME[taxonomy.field]
        assert spec.kind in ("choice", "choices")
        assert taxonomy.many is spec.many and taxonomy.vocab is spec.vocabulary
