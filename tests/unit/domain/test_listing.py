"""The one validator of a course listing (finder.domain.validate_listing): what it keeps, what it
refuses, and the words it refuses with."""

from __future__ import annotations

import datetime as dt

import pytest

from finder.domain import ValidationErrors, validate_listing
from finder.domain.listing import listing_snapshot


def good(**overrides) -> dict:
    data = {"title": "ESOL Entry 1 mornings", "organisation": "Riverside College", "levels": "entry-1; entry-2",
            "sessions": [{"weekday": "mon", "start": "09:30", "end": "12:00", "venue": "college-main"}]}
    data.update(overrides)
    return data


def errors_of(data: dict, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationErrors) as caught:
        validate_listing(data, **kwargs)
    return {name: [str(m) for m in messages] for name, messages in caught.value.errors.items()}


def test_a_good_listing_with_every_default():
    listing = validate_listing(good(title="  ESOL Entry 1 mornings  "))
    assert (listing.title, listing.organisation_name, listing.levels) == (
        "ESOL Entry 1 mornings", "Riverside College", ["entry-1", "entry-2"])
    assert (listing.kind, listing.cost, listing.creche, listing.mode, listing.join_method, listing.enrolment) == (
        "informal", "free", "none", "in-person", "drop-in", "open")
    assert listing.eligibility == ["anyone"] and listing.audiences == [] and listing.languages == []
    assert listing.creche_booking is False and listing.next_start is None and listing.last_checked is None
    (session,) = listing.sessions
    assert (session.weekday, session.start, session.end, session.venue_key, session.frequency) == (
        "mon", dt.time(9, 30), dt.time(12, 0), "college-main", "weekly")


def test_values_are_read_the_way_people_write_them():
    listing = validate_listing(good(kind="Formal", levels=["Entry 1", "entry_2", "entry-1"], languages="ar, zh-hans; UK",
                                    creche_booking="yes", next_start="14/09/2026", enrolment="next-start",
                                    sessions=[{"weekday": "Monday", "start": "9.30", "end": "12:00", "venue": "v",
                                               "term_time_only": "on", "frequency": "Fortnightly"}]))
    assert listing.kind == "formal" and listing.levels == ["entry-1", "entry-2"]
    assert listing.languages == ["ar", "zh_Hans", "uk"] and listing.creche_booking is True
    assert listing.next_start == dt.date(2026, 9, 14)
    (session,) = listing.sessions
    assert (session.weekday, session.start, session.term_time_only, session.frequency) == (
        "mon", dt.time(9, 30), True, "fortnightly")


def test_required_fields():
    assert errors_of({"sessions": []}) == {
        "title": ["This is required."], "organisation": ["This is required."],
        "levels": ["Choose at least one level."],
        "sessions": ["Add at least one session: the day and time the class meets."]}


def test_choices_outside_the_vocabulary_are_refused_with_the_choices():
    assert errors_of(good(kind="evening", levels="entry-1; intermediate", creche="yes")) == {
        "kind": ["“evening” is not one of the choices: formal, informal."],
        "levels": ["“intermediate” is not one of the choices: pre-entry, entry-1, entry-2, entry-3, level-1, "
                   "level-2, mixed."],
        "creche": ["“yes” is not one of the choices: none, on-site, childcare-support."]}


def test_contact_details_and_dates():
    assert errors_of(good(contact_phone="ring us", contact_email="amina at riverside", website="javascript:alert(1)",
                          next_start="next week", last_checked="2026-13-01")) == {
        "next_start": ["Write the date as YYYY-MM-DD, for example 2026-09-14."],
        "last_checked": ["Write the date as YYYY-MM-DD, for example 2026-09-14."],
        "contact_phone": ["This does not look like a phone number."],
        "contact_email": ["This does not look like an email address."],
        "website": ["Web addresses start with http:// or https://."]}
    # The old enrolment is read as availability, whose next intake needs its date (issue 13).
    assert errors_of(good(enrolment="next-start")) == {"next_intake": ["Give the next intake date."]}
    assert errors_of(good(languages="ar, arabic")) == {
        "languages": ["“arabic” is not a language code such as ar, fa or uk."]}


@pytest.mark.parametrize("name, limit", [("title", 200), ("organisation", 200), ("description", 5000),
                                         ("fee_note", 500), ("creche_ages", 100), ("contact_name", 200),
                                         ("contact_phone", 40), ("contact_email", 200), ("website", 500)])
def test_every_text_field_has_its_length(name, limit):
    if name not in ("contact_phone", "contact_email", "website"):  # those have a shape too
        assert validate_listing(good(**{name: "x" * limit}))
    too_long = errors_of(good(**{name: "x" * (limit + 1)}))
    assert too_long[name][0] == f"This is too long: at most {limit} characters."


def test_sessions_are_numbered_in_their_messages():
    assert errors_of(good(sessions=[
        {"weekday": "mon", "start": "09:30", "end": "12:00", "venue": "v"},
        {"weekday": "funday", "start": "14:00", "end": "13:00", "venue": "v"},
        {"weekday": "tue", "start": "6pm", "end": "8pm", "frequency": "monthly"},
        {"weekday": "wed", "start": "10:00", "end": "11:00", "venue": "v", "valid_from": "2026-09-01",
         "valid_to": "2026-08-01"},
    ])) == {
        "sessions.2": ["Session 2: choose a day of the week.", "Session 2: the class must end after it starts."],
        "sessions.3": ["Session 3: write times as HH:MM, for example 18:30.", "Session 3: choose weekly or fortnightly.",
                       "Session 3: say where the class meets."],
        "sessions.4": ["Session 4: the end date is before the start date."]}


def test_online_classes_need_no_venue_and_known_venues_are_checked():
    assert validate_listing(good(mode="online", sessions=[{"weekday": "thu", "start": "19:00", "end": "20:00"}]))
    assert errors_of(good(), known_venues={"library-central"}) == {
        "sessions.1": ["Session 1: the venue “college-main” is not known."]}


def test_a_listing_as_a_snapshot_has_the_audit_logs_shape():
    snapshot = listing_snapshot(validate_listing(good(next_start="2026-09-14", enrolment="next-start")))
    assert snapshot["organisation"] == "Riverside College" and snapshot["next_start"] == "2026-09-14"
    assert snapshot["levels"] == ["entry-1", "entry-2"] and "key" not in snapshot and "status" not in snapshot
    assert snapshot["sessions"] == [{"weekday": "mon", "start": "09:30", "end": "12:00", "venue": "college-main",
                                     "frequency": "weekly", "term_time_only": False, "valid_from": None,
                                     "valid_to": None}]
