"""The one validator of a course listing: raw input (a form, a spreadsheet row, JSON) to a `Listing`.

The fields, their lengths, vocabularies and defaults are declared in `finder.domain.fields`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from finder.domain import availability as avail
from finder.domain.fields import BY_NAME as FIELDS
from finder.domain.fields import (
    LISTING_FIELDS,
    MAX_CRECHE_AGE,
    MAX_TEXT,
    MAX_TITLE,
    MAX_WAIT_WEEKS,
    listing_value,
    session_snapshot,
    snapshot_value,
)
from finder.domain.numbers import NumberError, parse_integer
from finder.domain.values import (
    ValidationErrors,
    as_bool,
    is_email,
    is_language_code,
    is_phone,
    is_web_address,
    parse_date,
    parse_time,
)
from finder.domain.vocabulary import FREQUENCIES, WEEKDAYS
from finder.i18n import lazy_gettext as _l

__all__ = ["MAX_TEXT", "MAX_TITLE", "Listing", "SessionInput", "ValidationErrors", "listing_snapshot", "parse_date",
           "parse_time", "validate_listing"]


@dataclass(slots=True)  # one per row of a file of up to 100,000: no __dict__ each
class SessionInput:
    weekday: str
    start: dt.time
    end: dt.time
    venue_key: str | None = None
    frequency: str = "weekly"
    term_time_only: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(slots=True)  # one per row of a file of up to 100,000: no __dict__ each
class Listing:
    """A validated course listing, ready for `operations` to store."""

    title: str
    organisation_name: str
    description: str = ""
    kind: str = "informal"
    levels: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    cost: str = "free"
    fee_note: str = ""
    eligibility: list[str] = field(default_factory=list)
    creche: str = "none"
    creche_ages: str = ""
    creche_places: str | None = None
    creche_age_from: int | None = None
    creche_age_to: int | None = None
    creche_age_unit: str | None = None
    creche_booking: bool = False
    mode: str = "in-person"
    languages: list[str] = field(default_factory=list)
    join_method: str = "drop-in"
    enrolment: str = "open"
    availability: str = "places"
    wait_weeks: int | None = None
    next_intake: dt.date | None = None
    next_start: dt.date | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    website: str = ""
    last_checked: dt.date | None = None
    sessions: list[SessionInput] = field(default_factory=list)


def _slugs(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = re.split(r"[;,|]", value)
    else:
        items = list(value)
    return [str(item).strip().lower().replace(" ", "-").replace("_", "-") for item in items if str(item).strip()]


def validate_listing(data: dict, known_venues: set[str] | None = None) -> Listing:
    """Turn raw input (form, CSV row, JSON) into a Listing, or raise ValidationErrors.

    `known_venues`, when given, is the set of venue keys a session may refer to.
    """
    errors: dict[str, list] = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    def text(name):
        limit = FIELDS[name].max_length or MAX_TEXT
        value = str(data.get(name) or "").strip()
        if FIELDS[name].required and not value:
            err(name, _l("This is required."))
        if len(value) > limit:
            err(name, _l("This is too long: at most %(limit)s characters.", limit=limit))
        return value

    def one_of(name) -> str:
        vocab, default = FIELDS[name].vocabulary or {}, FIELDS[name].default or ""
        raw = str(data.get(name) or "").strip().lower()
        if not raw:
            return default
        if raw not in vocab:
            err(name, _l("“%(value)s” is not one of the choices: %(choices)s.", value=raw[:40], choices=", ".join(vocab)))
            return default
        return raw

    def many_of(name):
        vocab = FIELDS[name].vocabulary or {}
        values = _slugs(data.get(name))
        unknown = [v for v in values if v not in vocab]
        for value in unknown:
            err(name, _l("“%(value)s” is not one of the choices: %(choices)s.", value=value[:40], choices=", ".join(vocab)))
        return [v for v in dict.fromkeys(values) if v in vocab]

    title = text("title")
    organisation_name = text("organisation")
    description = text("description")
    kind = one_of("kind")
    levels = many_of("levels")
    if FIELDS["levels"].required and not levels and "levels" not in errors:
        err("levels", _l("Choose at least one level."))
    audiences = many_of("audiences")
    cost = one_of("cost")
    fee_note = text("fee_note")
    eligibility = many_of("eligibility")
    creche = one_of("creche")
    creche_ages = text("creche_ages")
    mode = one_of("mode")
    languages = []
    for code in _slugs(data.get("languages")):
        code = code.replace("-", "_")
        if code.startswith("zh_"):
            code = "zh_" + code[3:].capitalize()
        if not is_language_code(code):
            err("languages", _l("“%(value)s” is not a language code such as ar, fa or uk.", value=code[:20]))
        else:
            languages.append(code)
    join_method = one_of("join_method")
    def number(name, low, high):
        raw = data.get(name)
        if raw is None or str(raw).strip() == "":
            return None
        try:
            return parse_integer(raw, low, high)
        except NumberError:
            err(name, _l("Give a whole number from %(low)s to %(high)s.", low=low, high=high))
            return None

    # Availability; an old row or form that gives only `enrolment` (and `next_start`) still works.
    raw_availability = str(data.get("availability") or "").strip().lower()
    old_enrolment = str(data.get("enrolment") or "").strip().lower()
    if not raw_availability and old_enrolment in avail.FROM_ENROLMENT:
        data = {**data, "availability": avail.FROM_ENROLMENT[old_enrolment]}
    intake_name = "next_intake"  # the error goes on the field the input used
    if not str(data.get("next_intake") or "").strip() and data.get("next_start"):
        data, intake_name = {**data, "next_intake": data.get("next_start")}, "next_start"
    availability = one_of("availability")
    wait_weeks = number("wait_weeks", 0, MAX_WAIT_WEEKS)
    next_intake = last_checked = None
    try:
        next_intake = parse_date(data.get("next_intake"))
    except ValueError:
        err(intake_name, _l("Write the date as YYYY-MM-DD, for example 2026-09-14."))
    if availability == "next-intake" and next_intake is None and intake_name not in errors:
        err("next_intake", _l("Give the next intake date."))
    if availability != "waiting-list":
        wait_weeks = None
    if availability != "next-intake":
        next_intake = None
    enrolment = avail.TO_ENROLMENT.get(availability, "open")
    next_start = next_intake

    creche_places = one_of("creche_places") or None
    creche_age_unit = one_of("creche_age_unit") or None
    top = MAX_CRECHE_AGE.get(creche_age_unit or "months", MAX_CRECHE_AGE["months"])
    creche_age_from = number("creche_age_from", 0, top)
    creche_age_to = number("creche_age_to", 0, top)
    if (creche_age_from is not None or creche_age_to is not None) and creche_age_unit is None \
            and "creche_age_unit" not in errors:
        err("creche_age_unit", _l("Say whether the crèche ages are in months or years."))
    if creche_age_from is not None and creche_age_to is not None and creche_age_from > creche_age_to:
        err("creche_age_to", _l("The oldest age must not be below the youngest."))
    if creche_age_from is None and creche_age_to is None and "creche_age_from" not in errors \
            and "creche_age_to" not in errors and creche_ages:
        parsed = avail.parse_creche_ages(creche_ages)
        if parsed is not None:
            creche_age_from, creche_age_to, creche_age_unit = parsed
    if creche_age_from is None and creche_age_to is None:
        creche_age_unit = None if "creche_age_unit" not in errors else creche_age_unit
    try:
        last_checked = parse_date(data.get("last_checked"))
    except ValueError:
        err("last_checked", _l("Write the date as YYYY-MM-DD, for example 2026-09-14."))

    contact_name = text("contact_name")
    contact_phone = text("contact_phone")
    if contact_phone and not is_phone(contact_phone):
        err("contact_phone", _l("This does not look like a phone number."))
    contact_email = text("contact_email")
    if contact_email and not is_email(contact_email):
        err("contact_email", _l("This does not look like an email address."))
    website = text("website")
    if website and not is_web_address(website):
        err("website", _l("Web addresses start with http:// or https://."))

    sessions = []
    raw_sessions = data.get("sessions") or []
    for index, raw in enumerate(raw_sessions, start=1):
        name = f"sessions.{index}"
        weekday = str(raw.get("weekday") or "").strip().lower()[:3]
        start, end = parse_time(raw.get("start")), parse_time(raw.get("end"))
        if weekday not in WEEKDAYS:
            err(name, _l("Session %(n)s: choose a day of the week.", n=index))
        if start is None or end is None:
            err(name, _l("Session %(n)s: write times as HH:MM, for example 18:30.", n=index))
        elif end <= start:
            err(name, _l("Session %(n)s: the class must end after it starts.", n=index))
        frequency = str(raw.get("frequency") or "weekly").strip().lower()
        if frequency not in FREQUENCIES:
            err(name, _l("Session %(n)s: choose weekly or fortnightly.", n=index))
        venue_key = str(raw.get("venue") or "").strip() or None
        if venue_key is None and mode != "online":
            err(name, _l("Session %(n)s: say where the class meets.", n=index))
        if venue_key and known_venues is not None and venue_key not in known_venues:
            err(name, _l("Session %(n)s: the venue “%(venue)s” is not known.", n=index, venue=venue_key[:60]))
        try:
            valid_from = parse_date(raw.get("valid_from"))
            valid_to = parse_date(raw.get("valid_to"))
        except ValueError:
            err(name, _l("Write the date as YYYY-MM-DD, for example 2026-09-14."))
            valid_from = valid_to = None
        if valid_from and valid_to and valid_to < valid_from:
            err(name, _l("Session %(n)s: the end date is before the start date.", n=index))
        if start and end and weekday in WEEKDAYS:
            sessions.append(SessionInput(weekday, start, end, venue_key, frequency if frequency in FREQUENCIES else "weekly",
                                         as_bool(raw.get("term_time_only")), valid_from, valid_to))
    if not raw_sessions:
        err("sessions", _l("Add at least one session: the day and time the class meets."))

    if errors:
        raise ValidationErrors(errors)
    return Listing(
        title=title, organisation_name=organisation_name, description=description, kind=kind,
        levels=levels, audiences=audiences, cost=cost, fee_note=fee_note,
        eligibility=eligibility or [str(FIELDS["eligibility"].default)], creche=creche, creche_ages=creche_ages,
        creche_places=creche_places, creche_age_from=creche_age_from, creche_age_to=creche_age_to,
        creche_age_unit=creche_age_unit, creche_booking=as_bool(data.get("creche_booking")), mode=mode, languages=languages,
        join_method=join_method, availability=availability, wait_weeks=wait_weeks, next_intake=next_intake,
        enrolment=enrolment, next_start=next_start,
        contact_name=contact_name, contact_phone=contact_phone, contact_email=contact_email,
        website=website, last_checked=last_checked, sessions=sessions,
    )


def listing_snapshot(listing: Listing) -> dict:
    """A validated listing in the shape of the audit log's snapshots (`course_snapshot`), to diff it
    against the live course before it is stored. No key or status: a listing has neither."""
    snapshot = {field.name: snapshot_value(field, listing_value(listing, field)) for field in LISTING_FIELDS}
    snapshot["sessions"] = [session_snapshot(s.weekday, s.start, s.end, s.venue_key, s.frequency, s.term_time_only,
                                             s.valid_from, s.valid_to) for s in listing.sessions]
    return snapshot
