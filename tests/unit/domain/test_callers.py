"""The same rules reach every caller, each under its own names: the listing form's fields and the
spreadsheet's columns (the ORUK importer's problems are in tests/unit/oruk/test_organisation_rules.py)."""

from __future__ import annotations

import pytest

from finder.domain import submissions
from finder.domain.values import ValidationErrors
from finder.imports.rows import Lookups, PreparedRow, RowChecker


def form(**overrides) -> dict:
    payload = submissions.new_payload()
    payload.update(title="Zanzibar Welcome English", organisation="Toxteth Friends", levels=["entry-1"],
                   sessions=[{"weekday": "tue", "start": "10:00", "end": "12:00", "venue_name": "Toxteth Library",
                              "venue_address": "Windsor Street", "venue_postcode": "l81xf"}],
                   translations=[{"locale": "ar", "title": "دروس الإنجليزية", "description": ""}])
    payload.update(overrides)
    return payload


def form_errors(payload: dict, lookup, **options) -> dict[str, list[str]]:
    with pytest.raises(ValidationErrors) as caught:
        submissions.prepare(payload, lookup, **options)
    return {name: [str(m) for m in messages] for name, messages in caught.value.errors.items()}


def test_a_good_form_is_prepared_with_the_rules_cleaned_values(shared_postcodes):
    prepared = submissions.prepare(form(organisation_email=" hello@friends.example.org ",
                                        organisation_website="https://friends.example.org"), shared_postcodes.lookup)
    assert prepared.organisation == {"name": "Toxteth Friends", "key": "toxteth-friends",
                                     "email": "hello@friends.example.org", "website": "https://friends.example.org"}
    (venue,) = prepared.venues.values()
    assert (venue["key"], venue["postcode"], venue["address"]) == ("toxteth-library-l8-1xf", "L8 1XF", "Windsor Street")
    assert venue["latitude"] is not None
    assert prepared.translations == {"ar": {"title": "دروس الإنجليزية", "description": ""}}
    assert prepared.snapshot()["sessions"][0]["venue"] == "toxteth-library-l8-1xf"


def test_the_form_shows_the_organisation_rule_on_its_own_fields(shared_postcodes):
    assert form_errors(form(organisation="", organisation_email="not an email",
                            organisation_website="javascript:alert(1)", submitter_email="me at home"),
                       shared_postcodes.lookup) == {
        "organisation": ["This is required."],  # said once, though the listing and the organisation both check it
        "organisation_email": ["Enter an email address, like name@example.org."],
        "submitter_email": ["Enter an email address, like name@example.org."],
        "organisation_website": ["Web addresses start with http:// or https://."],
    }


def test_the_form_asks_the_sender_for_an_email_address_only_when_it_must(shared_postcodes):
    assert submissions.prepare(form(), shared_postcodes.lookup)
    assert form_errors(form(), shared_postcodes.lookup, require_submitter=True) == {
        "submitter_email": ["Give your email address, so we can tell you when your class is live."]}


def test_the_form_shows_the_venue_rule_on_its_session(shared_postcodes):
    sessions = [{"weekday": "tue", "start": "10:00", "end": "12:00", "venue_name": "Toxteth Library",
                 "venue_postcode": "L99 9ZZ"},
                {"weekday": "wed", "start": "10:00", "end": "12:00", "venue_name": "", "venue_postcode": "L8"}]
    assert form_errors(form(sessions=sessions), shared_postcodes.lookup) == {
        "session-1": ["Session 1: The postcode “L99 9ZZ” does not exist. Check it against the venue's address."],
        "session-2": ["Session 2: Give the venue's name.",
                      "Session 2: Give the venue's full postcode, like L8 6SQ, not just “L8”."],
    }


def test_the_form_shows_the_translation_rule_on_its_rows(shared_postcodes):
    translations = [{"locale": "en", "title": "English"}, {"locale": "fr", "title": ""},
                    {"locale": "fr", "title": "Encore"}]
    assert form_errors(form(translations=translations), shared_postcodes.lookup) == {
        "translation-1": ["Translation 1: choose the language."],
        "translation-2": ["Translation 2: give the class name in this language."],
        "translation-3": ["Translation 3: this language is already given above."],
    }


# -- the spreadsheet -------------------------------------------------------------------------------------

ROW = {"id": "zanzibar", "title": "Zanzibar Welcome English", "organisation": "Toxteth Friends", "levels": "entry-1",
       "venue_name": "Toxteth Library", "venue_postcode": "L8 1XF", "session_1_day": "tue", "session_1_start": "10:00",
       "session_1_end": "12:00"}


def check(shared_postcodes, **overrides):
    values = {**ROW, **overrides}
    return RowChecker(list(values), Lookups(postcodes=shared_postcodes)).check(2, values)


def row_errors(result) -> list[tuple[str, str]]:
    assert not isinstance(result, PreparedRow), "the row was accepted"
    return [(error.column, str(error.message)) for error in result]


def test_a_good_row_keeps_the_rules_cleaned_values(shared_postcodes):
    prepared = check(shared_postcodes, organisation_kind="Charity", organisation_email="hello@friends.example.org",
                     venue_postcode="l81xf", venue_step_free="yes", title_ar="دروس", description_ar="")
    assert prepared.organisation == {"key": "toxteth-friends", "name": "Toxteth Friends", "kind": "charity",
                                     "email": "hello@friends.example.org"}
    (venue,) = prepared.venues
    assert (venue["key"], venue["postcode"], venue["step_free"]) == ("toxteth-library-l8-1xf", "L8 1XF", True)
    assert "address" not in venue  # a blank column keeps what the venue has
    assert prepared.translations == {"ar": {"title": "دروس", "description": ""}}


def test_the_spreadsheet_shows_the_organisation_rule_in_its_columns(shared_postcodes):
    assert row_errors(check(shared_postcodes, organisation="", organisation_kind="pub",
                            organisation_website="javascript:alert(1)", organisation_email="not an email",
                            organisation_phone="0" * 41)) == [
        ("organisation", "This is required."),
        ("organisation_kind", "“pub” is not one of the choices: college, adult-learning, community, faith, library, "
                              "childrens-centre, school, charity."),
        ("organisation_website", "Web addresses start with http:// or https://."),
        ("organisation_email", "Enter an email address, like name@example.org."),
        ("organisation_phone", "This is too long: at most 40 characters."),
    ]


def test_the_spreadsheet_shows_the_venue_rule_in_its_columns(shared_postcodes):
    assert row_errors(check(shared_postcodes, venue_name="v" * 201, venue_address="a" * 501,
                            venue_step_free="maybe")) == [
        ("venue_name", "This is too long: at most 200 characters."),
        ("venue_address", "This is too long: at most 500 characters."),
        ("venue_step_free", "Write yes or no."),
    ]
    assert row_errors(check(shared_postcodes, session_2_day="wed", session_2_start="10:00", session_2_end="11:00",
                            session_2_venue_name="Other hall", session_2_venue_postcode="L8")) == [
        ("session_2_venue_postcode", "Give the venue's full postcode, like L8 6SQ, not just “L8”.")]


def test_the_spreadsheet_shows_the_translation_rule_in_its_columns(shared_postcodes):
    assert row_errors(check(shared_postcodes, title_ar="t" * 201, description_ar="", title_fr="",
                            description_fr="Seulement une description")) == [
        ("title_ar", "This is too long: at most 200 characters."),
        ("title_fr", "Translation fr: give the class name in this language."),
    ]
