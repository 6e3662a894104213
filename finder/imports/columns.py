"""THE column set of a catalogue spreadsheet: one row per course.

Import, export and the downloadable template all use these columns, so a file that was
exported can be imported again unchanged. Each column says what it means, which values it
takes and gives an example; the README and the template's "Columns" sheet are made from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel.support import LazyProxy

from finder import domain, i18n
from finder.domain import fields
from finder.i18n import lazy_gettext as _l

MAX_SESSIONS = 4
LIST_SEPARATOR = ";"
TRANSLATED_LOCALES = tuple(code for code in i18n.SHIPPED_LOCALES if code != "en")


@dataclass(frozen=True)
class Column:
    name: str
    meaning: object
    values: object = ""
    example: str = ""
    required: bool = False


def _choices(vocab: dict) -> str:
    return ", ".join(vocab)


def _in_language(text) -> LazyProxy:
    """A message naming a language, in the reader's language when it is shown."""
    return LazyProxy(text, enable_cache=False)


_YES_NO = _l("yes or no (blank means no)")
_DATE = _l("a date as YYYY-MM-DD")


def _one_or_more(vocab: dict) -> LazyProxy:
    return LazyProxy(lambda: i18n.gettext("one or more of: %(choices)s, separated by ;", choices=_choices(vocab)),
                     enable_cache=False)


def _field_values(spec: fields.Field):
    """What a course field's column takes, from the field's kind and vocabulary."""
    if spec.kind == "choice" and spec.vocabulary is not None:
        return _choices(spec.vocabulary)
    if spec.kind == "choices" and spec.vocabulary is not None:
        return _one_or_more(spec.vocabulary)
    if spec.kind == "bool":
        return _YES_NO
    if spec.kind == "date":
        return _DATE
    if spec.kind == "number":
        return _l("a whole number")
    return ""


def _course(name: str, meaning, example: str, values=None) -> Column:
    """The column of a course field (`finder.domain.fields`): the values it takes (unless given)
    and whether it is required come from the field."""
    spec = fields.BY_NAME[name]
    return Column(name, meaning, _field_values(spec) if values is None else values, example, required=spec.required)


COURSE_COLUMNS = [
    Column("id", _l("The course's own id. Keep it the same to update the course; a new id adds a new course. "
                    "Left blank, one is made from the organisation and the title."),
           _l("letters, numbers and hyphens"), "riverside-entry-1-mornings"),
    _course("title", _l("The name of the course or class."), "ESOL Entry 1 mornings"),
    _course("description", _l("What happens in the class and who it is for."), "A friendly beginners class for adults."),
    _course("organisation", _l("The name of the organisation that runs the class."), "Riverside College"),
    Column("organisation_id", _l("The organisation's own id. Left blank, an organisation with the same name is "
                                 "used, or a new one is added."), _l("letters, numbers and hyphens"),
           "riverside-college"),
    Column("organisation_kind", _l("What kind of organisation it is."), _choices(domain.ORGANISATION_KINDS),
           "college"),
    Column("organisation_website", _l("The organisation's website."), _l("starts with http:// or https://"),
           "https://riverside.example.org"),
    Column("organisation_email", _l("The organisation's email address."), "", "esol@riverside.example.org"),
    Column("organisation_phone", _l("The organisation's phone number."), "", "0151 000 1000"),
    _course("kind", _l("Formal courses lead to a qualification; informal classes are community classes and "
                       "conversation clubs."), "formal"),
    _course("levels", _l("The levels the class teaches."), "entry-1; entry-2"),
    _course("audiences", _l("Who the class is for, if it is only for some people."), "women; parents"),
    _course("cost", _l("What the class costs."), "concessions"),
    _course("fee_note", _l("The fee, and who pays less or nothing."), "Free if you are on benefits"),
    _course("eligibility", _l("Who can join (blank means anyone)."), "asylum-seekers; refugees"),
    _course("creche", _l("Childcare while you learn."), "on-site"),
    _course("creche_ages", _l("The ages of children the crèche takes."), "1 to 4 years"),
    _course("creche_places", _l("Whether the crèche has places now (blank when not known)."), "available"),
    _course("creche_age_from", _l("The youngest age the crèche takes, in the unit of creche_age_unit."), "1"),
    _course("creche_age_to", _l("The oldest age the crèche takes, in the unit of creche_age_unit."), "4"),
    _course("creche_age_unit", _l("Whether the crèche ages are in months or years."), "years"),
    _course("creche_booking", _l("Whether a crèche place must be booked."), "yes"),
    _course("mode", _l("Whether the class meets in person, online or both."), "in-person"),
    _course("languages", _l("Languages the staff or volunteers speak, besides English."), "ar; fa",
            values=_l("language codes such as ar, fa, uk, separated by ;")),
    _course("join_method", _l("How to join."), "assessment"),
    _course("availability", _l("Whether people can join now: places now, a waiting list, full, the next intake "
                               "on a date, or a rolling intake (start any week)."), "places"),
    _course("wait_weeks", _l("The usual wait in weeks, when there is a waiting list (0 to 104)."), "6"),
    _course("next_intake", _l("The date of the next intake (needed when availability is next-intake)."), "2026-09-14"),
    _course("enrolment", _l("Deprecated, read on import when availability is blank: open, waiting-list or "
                            "next-start. Written from availability."), "open"),
    _course("next_start", _l("Deprecated: read on import as next_intake when that is blank."), "2026-09-14"),
    _course("availability_checked", _l("The date availability was last confirmed (set by the catalogue)."),
            "2026-09-01"),
    _course("contact_name", _l("Who to ask about the class."), "Amina Yusuf"),
    _course("contact_phone", _l("A phone number for the class."), "0151 000 1001"),
    _course("contact_email", _l("An email address for the class."), "amina@riverside.example.org"),
    _course("website", _l("A web page about the class."), "https://riverside.example.org/esol",
            values=_l("starts with http:// or https://")),
    _course("last_checked", _l("When someone last checked the details are right (blank keeps the date we have)."),
            "2026-10-01"),
    _course("status", _l("Whether the listing is live. Blank: new courses get the status chosen for the import; "
                         "existing courses keep theirs."), "published"),
    Column("venue_id", _l("The venue's own id. Left blank, a venue with the same name and postcode is used, "
                          "or a new one is added."), _l("letters, numbers and hyphens"), "riverside-clarence-street"),
    Column("venue_name", _l("Where the class meets (blank only for online classes)."), "",
           "Riverside College, Clarence Street"),
    Column("venue_address", _l("The venue's street address."), "", "1 Clarence Street, Liverpool"),
    Column("venue_postcode", _l("The venue's full postcode."), _l("a UK postcode"), "L3 5TR"),
    Column("venue_step_free", _l("Whether there is step-free access (blank keeps what we have)."), _YES_NO, "yes"),
    Column("venue_directions", _l("Help with finding the room or getting there."), "", "Use the side entrance."),
]


def session_columns(n: int) -> list[Column]:
    example = {1: ("mon", "09:30", "12:00"), 2: ("wed", "09:30", "12:00")}.get(n, ("", "", ""))
    return [
        Column(f"session_{n}_day", _l("Session %(n)s: the day of the week.", n=n), _choices(domain.WEEKDAYS),
               example[0], required=n == 1),
        Column(f"session_{n}_start", _l("Session %(n)s: the start time.", n=n), _l("HH:MM, 24-hour clock"),
               example[1], required=n == 1),
        Column(f"session_{n}_end", _l("Session %(n)s: the end time.", n=n), _l("HH:MM, 24-hour clock"), example[2],
               required=n == 1),
        Column(f"session_{n}_frequency", _l("Session %(n)s: how often it meets (blank means weekly).", n=n),
               _choices(domain.FREQUENCIES), "weekly" if n == 1 else ""),
        Column(f"session_{n}_term_time_only", _l("Session %(n)s: only in school term time.", n=n), _YES_NO,
               "no" if n == 1 else ""),
        Column(f"session_{n}_from", _l("Session %(n)s: the first date it runs, if it only runs for a while.", n=n),
               _DATE, ""),
        Column(f"session_{n}_until", _l("Session %(n)s: the last date it runs.", n=n), _DATE, ""),
        Column(f"session_{n}_venue_id", _l("Session %(n)s: the id of another venue, if it does not meet at the "
                                           "course's venue.", n=n), _l("letters, numbers and hyphens"), ""),
        Column(f"session_{n}_venue_name", _l("Session %(n)s: the name of that other venue.", n=n), "", ""),
        Column(f"session_{n}_venue_address", _l("Session %(n)s: the address of that other venue.", n=n), "", ""),
        Column(f"session_{n}_venue_postcode", _l("Session %(n)s: the postcode of that other venue.", n=n),
               _l("a UK postcode"), ""),
    ]


SESSION_FIELDS = ("day", "start", "end", "frequency", "term_time_only", "from", "until",
                  "venue_id", "venue_name", "venue_address", "venue_postcode")


def translation_columns(code: str) -> list[Column]:
    column = code.lower()
    example = {"ar": ("الإنجليزية للمبتدئين", "صف ودود للمبتدئين")}.get(code, ("", ""))
    return [
        Column(f"title_{column}", _in_language(
            lambda: i18n.gettext("The title in %(language)s.", language=i18n.language_name(code))), "", example[0]),
        Column(f"description_{column}", _in_language(
            lambda: i18n.gettext("The description in %(language)s.", language=i18n.language_name(code))),
            "", example[1]),
    ]


COLUMNS: list[Column] = [
    *COURSE_COLUMNS,
    *(column for n in range(1, MAX_SESSIONS + 1) for column in session_columns(n)),
    *(column for code in TRANSLATED_LOCALES for column in translation_columns(code)),
]
BY_NAME = {column.name: column for column in COLUMNS}
NAMES = [column.name for column in COLUMNS]
REQUIRED = [column.name for column in COLUMNS if column.required]
ALIASES = {"key": "id", "course_id": "id", "organization": "organisation"}
# The translation columns' locale, by column suffix ("zh_hans" -> "zh_Hans").
LOCALE_BY_SUFFIX = {code.lower(): code for code in TRANSLATED_LOCALES}


def normalise_heading(text: str) -> str:
    """"Session 1 Day", "session-1-day" and "Levels (separated by ;)" all mean one column."""
    text = re.sub(r"\(.*?\)", " ", str(text or "")).strip().lower()
    name = re.sub(r"[^0-9a-z\u00c0-\uffff]+", "_", text).strip("_")
    return ALIASES.get(name, name)


def example_row() -> dict[str, str]:
    return {column.name: column.example for column in COLUMNS}
