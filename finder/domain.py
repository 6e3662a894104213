"""The vocabulary of ESOL provision and the one validator of a course listing.

Plain data and rules, no I/O. The web forms, the importers and the API all call
`validate_listing`, so a rule is written once. Labels are lazy translations: they are
rendered in the reader's language when shown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from finder.i18n import lazy_gettext as _l
from finder.i18n import lazy_pgettext


@dataclass(frozen=True)
class Term:
    slug: str
    label: object
    explanation: object = ""


def _vocab(*terms: Term) -> dict[str, Term]:
    return {t.slug: t for t in terms}


LEVELS = _vocab(
    Term("pre-entry", _l("Pre-entry"), _l("For people who are just starting to learn English, or who are learning to read and write for the first time.")),
    Term("entry-1", _l("Entry 1"), _l("Beginner: you can say and understand a few everyday words and phrases.")),
    Term("entry-2", _l("Entry 2"), _l("Elementary: you can talk about yourself and everyday things in simple sentences.")),
    Term("entry-3", _l("Entry 3"), _l("Pre-intermediate: you can handle most everyday situations and read simple texts.")),
    Term("level-1", _l("Level 1"), _l("Intermediate: you can talk and write about many topics, at work or in study.")),
    Term("level-2", _l("Level 2"), _l("Upper intermediate: you can use English confidently, close to GCSE English.")),
    Term("mixed", _l("Mixed levels"), _l("Everyone learns together, whatever their level.")),
)

KINDS = _vocab(
    Term("formal", _l("Formal course"), _l("An accredited course that can lead to a qualification, usually with an assessment before you start.")),
    Term("informal", _l("Informal class"), _l("A community class or conversation club: friendly, flexible and usually free.")),
)

WEEKDAYS = _vocab(
    Term("mon", lazy_pgettext("weekday", "Monday")),
    Term("tue", lazy_pgettext("weekday", "Tuesday")),
    Term("wed", lazy_pgettext("weekday", "Wednesday")),
    Term("thu", lazy_pgettext("weekday", "Thursday")),
    Term("fri", lazy_pgettext("weekday", "Friday")),
    Term("sat", lazy_pgettext("weekday", "Saturday")),
    Term("sun", lazy_pgettext("weekday", "Sunday")),
)
WEEKDAY_INDEX = {slug: index for index, slug in enumerate(WEEKDAYS)}
_FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def full_weekday(text: str) -> bool:
    """True for an English day name ("monday"), which search accepts beside "mon"."""
    return text.lower() in _FULL_WEEKDAYS

TIMES_OF_DAY = _vocab(
    Term("morning", _l("Morning"), _l("Starts before 12:00")),
    Term("afternoon", _l("Afternoon"), _l("Starts between 12:00 and 17:00")),
    Term("evening", _l("Evening"), _l("Starts at 17:00 or later")),
)

CRECHE = _vocab(
    Term("none", _l("No crèche")),
    Term("on-site", _l("Crèche on site"), _l("Children are looked after in the same building while you learn.")),
    Term("childcare-support", _l("Help with childcare costs"), _l("The provider can help pay for childcare while you learn.")),
)

MODES = _vocab(
    Term("in-person", _l("In person")),
    Term("online", _l("Online")),
    Term("blended", _l("In person and online")),
)

COSTS = _vocab(
    Term("free", _l("Free")),
    Term("fee", _l("Fee")),
    Term("concessions", _l("Free or reduced for some people")),
)

ELIGIBILITY = _vocab(
    Term("anyone", _l("Anyone")),
    Term("asylum-seekers", _l("People seeking asylum")),
    Term("refugees", _l("Refugees")),
    Term("benefits", _l("People on benefits or a low income")),
    Term("residents", _l("Residents who meet the residency rules")),
)

AUDIENCES = _vocab(
    Term("women", _l("Women only")),
    Term("parents", _l("Parents and carers")),
    Term("16-18", _l("Young people aged 16 to 18")),
    Term("19-plus", _l("Adults 19 and over")),
)

JOIN_METHODS = _vocab(
    Term("drop-in", _l("Just drop in")),
    Term("book", _l("Book a place first")),
    Term("assessment", _l("Come to an assessment first")),
)

ENROLMENT = _vocab(
    Term("open", _l("Open for enrolment")),
    Term("waiting-list", _l("Waiting list")),
    Term("next-start", _l("Next start date")),
)

FREQUENCIES = _vocab(
    Term("weekly", _l("Every week")),
    Term("fortnightly", _l("Every two weeks")),
)

STATUSES = _vocab(
    Term("draft", _l("Draft")),
    Term("pending", _l("Waiting for review")),
    Term("published", _l("Published")),
    Term("archived", _l("Archived")),
)

ORGANISATION_KINDS = _vocab(
    Term("college", _l("College")),
    Term("adult-learning", _l("Adult learning service")),
    Term("community", _l("Community group")),
    Term("faith", _l("Faith group")),
    Term("library", _l("Library")),
    Term("childrens-centre", _l("Children's centre")),
    Term("school", _l("School")),
    Term("charity", _l("Charity")),
)

# Words that mean "learning English" to the people who search: one idea for search.
ENGLISH_SYNONYMS = ("esol", "eal", "english", "speaking", "esl", "efl")

# Time-of-day bands, by a session's start.
def time_of_day(start: dt.time) -> str:
    if start < dt.time(12, 0):
        return "morning"
    if start < dt.time(17, 0):
        return "afternoon"
    return "evening"


# --- validation --------------------------------------------------------------------

MAX_TITLE = 200
MAX_TEXT = 5000
_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_PHONE_RE = re.compile(r"^[0-9+()\s-]{6,25}$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$")


@dataclass
class SessionInput:
    weekday: str
    start: dt.time
    end: dt.time
    venue_key: str | None = None
    frequency: str = "weekly"
    term_time_only: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass
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
    creche_booking: bool = False
    mode: str = "in-person"
    languages: list[str] = field(default_factory=list)
    join_method: str = "drop-in"
    enrolment: str = "open"
    next_start: dt.date | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    website: str = ""
    last_checked: dt.date | None = None
    sessions: list[SessionInput] = field(default_factory=list)


class ValidationErrors(Exception):
    """Field-level errors: {field name: [message, ...]}; messages are lazy translations."""

    def __init__(self, errors: dict[str, list]):
        super().__init__("; ".join(f"{k}: {', '.join(str(m) for m in v)}" for k, v in errors.items()))
        self.errors = errors


def parse_time(value) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    match = _TIME_RE.match(str(value or ""))
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _slugs(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = re.split(r"[;,|]", value)
    else:
        items = list(value)
    return [str(item).strip().lower().replace(" ", "-").replace("_", "-") for item in items if str(item).strip()]


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "y", "on")


def validate_listing(data: dict, known_venues: set[str] | None = None) -> Listing:
    """Turn raw input (form, CSV row, JSON) into a Listing, or raise ValidationErrors.

    `known_venues`, when given, is the set of venue keys a session may refer to.
    """
    errors: dict[str, list] = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    def text(name, required=False, limit=MAX_TEXT):
        value = str(data.get(name) or "").strip()
        if required and not value:
            err(name, _l("This is required."))
        if len(value) > limit:
            err(name, _l("This is too long: at most %(limit)s characters.", limit=limit))
        return value

    def one_of(name, vocab, default):
        raw = str(data.get(name) or "").strip().lower()
        if not raw:
            return default
        if raw not in vocab:
            err(name, _l("“%(value)s” is not one of the choices: %(choices)s.", value=raw[:40], choices=", ".join(vocab)))
            return default
        return raw

    def many_of(name, vocab):
        values = _slugs(data.get(name))
        unknown = [v for v in values if v not in vocab]
        for value in unknown:
            err(name, _l("“%(value)s” is not one of the choices: %(choices)s.", value=value[:40], choices=", ".join(vocab)))
        return [v for v in dict.fromkeys(values) if v in vocab]

    title = text("title", required=True, limit=MAX_TITLE)
    organisation_name = text("organisation", required=True, limit=MAX_TITLE)
    description = text("description")
    kind = one_of("kind", KINDS, "informal")
    levels = many_of("levels", LEVELS)
    if not levels and "levels" not in errors:
        err("levels", _l("Choose at least one level."))
    audiences = many_of("audiences", AUDIENCES)
    cost = one_of("cost", COSTS, "free")
    eligibility = many_of("eligibility", ELIGIBILITY)
    creche = one_of("creche", CRECHE, "none")
    mode = one_of("mode", MODES, "in-person")
    languages = []
    for code in _slugs(data.get("languages")):
        code = code.replace("-", "_")
        if code.startswith("zh_"):
            code = "zh_" + code[3:].capitalize()
        if not _LANG_RE.match(code):
            err("languages", _l("“%(value)s” is not a language code such as ar, fa or uk.", value=code[:20]))
        else:
            languages.append(code)
    join_method = one_of("join_method", JOIN_METHODS, "drop-in")
    enrolment = one_of("enrolment", ENROLMENT, "open")

    next_start = last_checked = None
    try:
        next_start = parse_date(data.get("next_start"))
    except ValueError:
        err("next_start", _l("Write the date as YYYY-MM-DD, for example 2026-09-14."))
    if enrolment == "next-start" and next_start is None and "next_start" not in errors:
        err("next_start", _l("Give the next start date."))
    try:
        last_checked = parse_date(data.get("last_checked"))
    except ValueError:
        err("last_checked", _l("Write the date as YYYY-MM-DD, for example 2026-09-14."))

    contact_phone = text("contact_phone", limit=40)
    if contact_phone and not _PHONE_RE.match(contact_phone):
        err("contact_phone", _l("This does not look like a phone number."))
    contact_email = text("contact_email", limit=200)
    if contact_email and not _EMAIL_RE.match(contact_email):
        err("contact_email", _l("This does not look like an email address."))
    website = text("website", limit=500)
    if website and not re.match(r"^https?://[^\s<>\"]+$", website):
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
                                         _bool(raw.get("term_time_only")), valid_from, valid_to))
    if not raw_sessions:
        err("sessions", _l("Add at least one session: the day and time the class meets."))

    if errors:
        raise ValidationErrors(errors)
    return Listing(
        title=title, organisation_name=organisation_name, description=description, kind=kind,
        levels=levels, audiences=audiences, cost=cost, fee_note=text("fee_note", limit=500),
        eligibility=eligibility or ["anyone"], creche=creche, creche_ages=text("creche_ages", limit=100),
        creche_booking=_bool(data.get("creche_booking")), mode=mode, languages=languages,
        join_method=join_method, enrolment=enrolment, next_start=next_start,
        contact_name=text("contact_name", limit=200), contact_phone=contact_phone, contact_email=contact_email,
        website=website, last_checked=last_checked, sessions=sessions,
    )
