"""The rules of an organisation, a venue and a listing's translations (finder.domain.records):
the errors a person sees, by the rule's own field names, and the values cleaned."""

from __future__ import annotations

import pytest

from finder.domain import records
from finder.domain.values import ValidationErrors
from finder.geo.shapes import Place, PostcodeError


def errors_of(rule, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationErrors) as caught:
        rule(*args, **kwargs)
    return {name: [str(m) for m in messages] for name, messages in caught.value.errors.items()}


class FakeDirectory:
    """A postcode lookup that knows a few places and counts the questions it is asked."""

    def __init__(self, *codes: str):
        self.places = {code: Place(code, 53.39, -2.97, "postcode") for code in codes}
        self.asked: list[str] = []

    def lookup(self, code: str) -> Place:
        self.asked.append(code)
        if code not in self.places:
            raise PostcodeError(f"no {code}")
        return self.places[code]


# -- organisations ------------------------------------------------------------------------------

def test_a_good_organisation_is_cleaned():
    cleaned = records.validate_organisation({"name": "  Riverside College ", "kind": "College",
                                             "website": " https://riverside.example.org ",
                                             "email": "esol@riverside.example.org", "phone": "0151 000 1000"})
    assert cleaned == {"name": "Riverside College", "kind": "college", "website": "https://riverside.example.org",
                       "email": "esol@riverside.example.org", "phone": "0151 000 1000", "description": ""}


def test_only_the_name_is_required():
    assert records.validate_organisation({"name": "Toxteth Friends"})["website"] == ""
    assert errors_of(records.validate_organisation, {"name": "  "}) == {"name": ["This is required."]}


@pytest.mark.parametrize("website", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                     "www.example.org"])
def test_an_organisation_website_must_be_a_web_address(website):
    assert errors_of(records.validate_organisation, {"name": "Org", "website": website}) == {
        "website": ["Web addresses start with http:// or https://."]}


def test_every_wrong_organisation_field_is_reported_at_once_in_plain_words():
    assert errors_of(records.validate_organisation, {
        "name": "N" * 201, "kind": "Pub", "website": "https://" + "x" * 500, "email": "not an email",
        "phone": "0" * 41}) == {
        "name": ["This is too long: at most 200 characters."],
        "kind": ["“pub” is not one of the choices: college, adult-learning, community, faith, library, "
                 "childrens-centre, school, charity."],
        "website": ["This is too long: at most 500 characters."],
        "email": ["Enter an email address, like name@example.org."],
        "phone": ["This is too long: at most 40 characters."],
    }


def test_a_long_email_address_is_too_long_and_still_checked():
    assert errors_of(records.validate_organisation, {"name": "Org", "email": "x" * 200 + "@example"}) == {
        "email": ["This is too long: at most 200 characters.", "Enter an email address, like name@example.org."]}


# -- venues -----------------------------------------------------------------------------------------

def test_a_venue_is_cleaned_and_placed_through_the_lookup_it_is_given():
    directory = FakeDirectory("L8 6SQ")
    venue = records.validate_venue({"name": " Dingle Children's Centre ", "address": "Park Road, Liverpool",
                                    "postcode": "l86sq", "step_free": "Yes", "directions": "Side door."},
                                   directory.lookup)
    assert venue == {"name": "Dingle Children's Centre", "address": "Park Road, Liverpool", "postcode": "L8 6SQ",
                     "latitude": 53.39, "longitude": -2.97, "step_free": True, "directions": "Side door."}
    assert directory.asked == ["L8 6SQ"]  # asked in the canonical form, once


def test_without_a_lookup_only_the_postcode_shape_is_checked():
    venue = records.validate_venue({"name": "Hall", "postcode": "L1 9ZZ"})
    assert (venue["postcode"], venue["latitude"], venue["longitude"], venue["step_free"]) == ("L1 9ZZ", None, None, None)
    assert errors_of(records.validate_venue, {"name": "Hall", "postcode": "L8"}) == {
        "postcode": ["Give the venue's full postcode, like L8 6SQ, not just “L8”."]}


def test_a_venue_needs_a_name_and_a_postcode():
    assert errors_of(records.validate_venue, {"address": "Park Road"}) == {
        "name": ["Give the venue's name."], "postcode": ["Give the venue's postcode, for example L8 6SQ."]}


@pytest.mark.parametrize("postcode, message", [
    ("L8", "Give the venue's full postcode, like L8 6SQ, not just “L8”."),
    ("L8 1", "Give the venue's full postcode, like L8 6SQ, not just “L8 1”."),
    ("L8 OAB", "“L8 OAB” is not a full UK postcode. Postcodes use the number 0 (zero), not the letter O, where a "
               "number goes."),
    ("hello", "“HELLO” is not a UK postcode. A full postcode looks like “L8 1ST”. You can also use just the first "
              "part, like “L8”."),
    ("L1 9ZZ", "The postcode “L1 9ZZ” does not exist. Check it against the venue's address."),
    # Shaped like a postcode but unknown, and one O-for-0 swap from one the lookup knows.
    ("S01 1AA", "The postcode “S01 1AA” does not exist. Did you mean “SO1 1AA”?"),
])
def test_what_is_wrong_with_a_postcode(postcode, message):
    assert errors_of(records.validate_venue, {"name": "Hall", "postcode": postcode},
                     FakeDirectory("L8 6SQ", "SO1 1AA").lookup) == {"postcode": [message]}


def test_the_real_directory_as_the_lookup(shared_postcodes):
    venue = records.validate_venue({"name": "Toxteth Library", "postcode": "l81xf"}, shared_postcodes.lookup)
    assert venue["postcode"] == "L8 1XF" and venue["latitude"] == pytest.approx(53.39, abs=0.05)
    assert errors_of(records.validate_venue, {"name": "Nowhere", "postcode": "L1 9ZZ"}, shared_postcodes.lookup) == {
        "postcode": ["The postcode “L1 9ZZ” does not exist. Check it against the venue's address."]}


def test_step_free_is_yes_or_no_and_blank_means_not_said():
    lookup = FakeDirectory("L8 6SQ").lookup
    assert records.validate_venue({"name": "Hall", "postcode": "L8 6SQ", "step_free": "no"}, lookup)["step_free"] is False
    assert records.validate_venue({"name": "Hall", "postcode": "L8 6SQ", "step_free": True}, lookup)["step_free"] is True
    assert records.validate_venue({"name": "Hall", "postcode": "L8 6SQ", "step_free": ""}, lookup)["step_free"] is None
    assert errors_of(records.validate_venue, {"name": "Hall", "postcode": "L8 6SQ", "step_free": "maybe"}, lookup) == {
        "step_free": ["Write yes or no."]}


def test_venue_lengths():
    assert errors_of(records.validate_venue, {"name": "v" * 201, "address": "a" * 501, "postcode": "L8 6SQ",
                                              "directions": "d" * 5001}) == {
        "name": ["This is too long: at most 200 characters."],
        "address": ["This is too long: at most 500 characters."],
        "directions": ["This is too long: at most 5000 characters."]}


# -- translations -----------------------------------------------------------------------------------

def test_translations_are_cleaned_by_locale():
    assert records.validate_translations([
        {"locale": "ar", "title": " دروس الإنجليزية ", "description": " صف ودود "},
        {"locale": "zh-CN", "title": "英语课", "description": ""},
    ]) == {"ar": {"title": "دروس الإنجليزية", "description": "صف ودود"}, "zh_Hans": {"title": "英语课", "description": ""}}


def test_what_is_wrong_with_translations_numbered_as_on_the_form():
    assert errors_of(records.validate_translations, [
        {"locale": "", "title": "Sans langue"},
        {"locale": "en", "title": "English is the listing itself"},
        {"locale": "fr", "title": "Cours d'anglais"},
        {"locale": "FR", "title": "Encore"},
        {"locale": "klingon", "title": "x"},
        {"locale": "ar", "title": "", "description": "Only a description"},
    ]) == {
        "translations.1.locale": ["Translation 1: choose the language."],
        "translations.2.locale": ["Translation 2: choose the language."],
        "translations.4.locale": ["Translation 4: this language is already given above."],
        "translations.5.locale": ["Translation 5: choose the language."],
        "translations.6.title": ["Translation 6: give the class name in this language."],
    }


def test_translation_labels_and_lengths():
    assert errors_of(records.validate_translations, [{"locale": "ar", "title": "t" * 201, "description": "d" * 5001}],
                     labels=["ar"]) == {
        "translations.1.title": ["This is too long: at most 200 characters."],
        "translations.1.description": ["This is too long: at most 5000 characters."]}
    assert errors_of(records.validate_translations, [{"locale": "uk", "title": ""}], labels=["uk"]) == {
        "translations.1.title": ["Translation uk: give the class name in this language."]}


# -- the shared pieces ----------------------------------------------------------------------------------

def test_email_problems_and_web_address_problems():
    assert records.email_problems("") == [] and records.email_problems("name@example.org") == []
    assert [str(m) for m in records.email_problems("", required=True)] == ["Enter an email address, like name@example.org."]
    assert [str(m) for m in records.web_address_problems("javascript:alert(1)")] == [
        "Web addresses start with http:// or https://."]
    assert records.web_address_problems("") == []


def test_key_problems():
    assert records.key_problems("riverside-college") == []
    assert [str(m) for m in records.key_problems("has space")] == [
        "Use only letters, numbers and hyphens in the id (at most 160)."]
    assert [str(m) for m in records.key_problems("k" * 130)] == ["This is too long: at most 120 characters."]
    assert records.key_problems("k" * 130, limit=None) == []


def test_add_errors_puts_a_rules_errors_under_the_callers_names_once():
    errors: dict[str, list] = {"organisation": ["This is required."]}
    records.add_errors(errors, {"name": ["This is required."], "email": ["Enter an email address, like name@example.org."],
                                "other": ["Kept under its own name."]},
                       {"name": "organisation", "email": "organisation_email"})
    assert errors == {"organisation": ["This is required."],
                      "organisation_email": ["Enter an email address, like name@example.org."],
                      "other": ["Kept under its own name."]}
    records.add_errors(errors, {"translations.2.title": ["T"]}, lambda name: f"translation-{name.split('.')[1]}")
    assert errors["translation-2"] == ["T"]
    records.add_errors(errors, {"nothing": []})
    assert "nothing" not in errors  # no empty entries: an empty list would still count as an error
