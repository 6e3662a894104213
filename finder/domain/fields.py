"""THE fields of a course, declared once.

Every place that walks a course field by field takes its list from here: the listing validator
(lengths, vocabularies, defaults), the audit snapshot and the diff, the listing form, the
spreadsheet columns, import and export, and the ORUK mapping. Each field says what kind of
value it holds:

- ``text``: one line or more of text (``max_length`` characters at most);
- ``choice``: one slug of ``vocabulary`` (``default`` when left blank);
- ``choices``: a list of slugs of ``vocabulary`` (languages: any language code, no vocabulary);
- ``date``: a date (None when not given);
- ``bool``: yes or no;
- ``number``: a whole number (None when not given).

They are listed in the order the audit log's snapshots keep them. Plain data, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from finder.domain.vocabulary import (
    AUDIENCES,
    AVAILABILITY,
    COSTS,
    CRECHE,
    CRECHE_AGE_UNITS,
    CRECHE_PLACES,
    ELIGIBILITY,
    ENROLMENT,
    JOIN_METHODS,
    KINDS,
    LEVELS,
    MODES,
    STATUSES,
    Term,
)

MAX_TITLE = 200
MAX_TEXT = 5000
FIELD_KINDS = ("text", "choice", "choices", "date", "bool", "number")
# Ranges of the whole-number fields (parsed by finder.domain.numbers).
MAX_WAIT_WEEKS = 104
MAX_CRECHE_AGE = {"months": 60, "years": 16}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"
    vocabulary: dict[str, Term] | None = None
    max_length: int | None = None
    required: bool = False
    default: str | None = None  # what a choice left blank means (for a list of choices: its one value)
    validated: bool = True  # checked by `validate_listing` (status is not: it is the catalogue's, not the listing's)
    on_form: bool = True  # on the listing form (last_checked and status are set by the catalogue)
    oruk: bool = True  # carried by an ORUK service; when not, an ORUK import keeps the value already here
    attribute: str = ""  # the `Listing` attribute, when it is not `name`

    def __post_init__(self):
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")

    @property
    def many(self) -> bool:
        """A list of values (levels, languages) rather than one."""
        return self.kind == "choices"

    @property
    def listing_attribute(self) -> str:
        return self.attribute or self.name


COURSE_FIELDS: tuple[Field, ...] = (
    Field("title", max_length=MAX_TITLE, required=True),
    Field("description", max_length=MAX_TEXT),
    Field("kind", "choice", KINDS, default="informal"),
    # The name of the organisation that runs it (a course belongs to an organisation record).
    Field("organisation", max_length=MAX_TITLE, required=True, attribute="organisation_name"),
    Field("levels", "choices", LEVELS, required=True),
    Field("audiences", "choices", AUDIENCES),
    Field("cost", "choice", COSTS, default="free"),
    Field("fee_note", max_length=500),
    Field("eligibility", "choices", ELIGIBILITY, default="anyone"),
    Field("creche", "choice", CRECHE, default="none"),
    Field("creche_ages", max_length=100, oruk=False),  # free text, kept; the numbers below are what is shown
    Field("creche_places", "choice", CRECHE_PLACES),
    Field("creche_age_from", "number", oruk=False),
    Field("creche_age_to", "number", oruk=False),
    Field("creche_age_unit", "choice", CRECHE_AGE_UNITS, oruk=False),
    Field("creche_booking", "bool", oruk=False),
    Field("mode", "choice", MODES, default="in-person"),
    Field("languages", "choices"),  # language codes such as ar, fa or uk
    Field("join_method", "choice", JOIN_METHODS, default="drop-in"),
    # Not yet mapped to ORUK attributes: an ORUK import keeps them (it still carries enrolment, derived).
    Field("availability", "choice", AVAILABILITY, default="places"),
    Field("wait_weeks", "number", oruk=False),
    Field("next_intake", "date", oruk=False),
    # Deprecated, derived from availability by the validator (kept for readers of the old names).
    Field("enrolment", "choice", ENROLMENT, default="open", on_form=False),
    Field("next_start", "date", on_form=False),
    Field("contact_name", max_length=200),
    Field("contact_phone", max_length=40),
    Field("contact_email", max_length=200),
    Field("website", max_length=500),
    Field("status", "choice", STATUSES, validated=False, on_form=False),
    Field("last_checked", "date", on_form=False),
    Field("availability_checked", "date", validated=False, on_form=False),
)
BY_NAME: dict[str, Field] = {f.name: f for f in COURSE_FIELDS}
# The fields `validate_listing` checks and a `Listing` holds.
LISTING_FIELDS: tuple[Field, ...] = tuple(f for f in COURSE_FIELDS if f.validated)
# The fields of the listing form.
FORM_FIELDS: tuple[Field, ...] = tuple(f for f in COURSE_FIELDS if f.on_form)
# What a person edits: changes to anything else (status, last checked) are not shown in a diff.
NOT_EDITED: tuple[str, ...] = tuple(f.name for f in COURSE_FIELDS if not f.on_form)
# What an ORUK service has no place for.
NOT_IN_ORUK: tuple[str, ...] = tuple(f.name for f in COURSE_FIELDS if not f.oruk)


def course_value(course, field: Field):
    """A field's value on a stored course (anything shaped like one): the organisation by its name."""
    if field.name == "organisation":
        return course.organisation.name if course.organisation is not None else ""
    return getattr(course, field.name)


def listing_value(listing, field: Field):
    """A field's value on a validated `Listing`."""
    return getattr(listing, field.listing_attribute)


def snapshot_value(field: Field, value):
    """A value as the audit log keeps it (JSON): dates as YYYY-MM-DD, lists as lists."""
    if field.kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else None
    if field.many:
        return list(value or [])
    return value


def session_snapshot(weekday: str, start: dt.time, end: dt.time, venue: str | None, frequency: str,
                     term_time_only: bool, valid_from: dt.date | None, valid_to: dt.date | None) -> dict:
    """One session as the audit log keeps it."""
    return {"weekday": weekday, "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M"), "venue": venue,
            "frequency": frequency, "term_time_only": term_time_only,
            "valid_from": valid_from.isoformat() if valid_from is not None else None,
            "valid_to": valid_to.isoformat() if valid_to is not None else None}
