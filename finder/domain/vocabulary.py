"""The vocabulary of ESOL provision: levels, kinds, days, times of day, crèche, modes, costs and the rest.

Plain data, no I/O. Labels are lazy translations: they are rendered in the reader's language when shown.
"""


from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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

# How a newcomer can get into a course now (issue 13). `enrolment` (above) is derived from it and kept
# only for readers that still ask for it (deprecated).
AVAILABILITY = _vocab(
    Term("places", _l("Places now"), _l("You can join now.")),
    Term("waiting-list", _l("Waiting list"), _l("New learners go on a waiting list.")),
    Term("full", _l("Full"), _l("No places and no waiting list at the moment.")),
    Term("next-intake", _l("Next intake on a date"), _l("New learners start on the next intake date.")),
    Term("rolling", _l("Rolling intake"), _l("New learners can start any week.")),
)

CRECHE_PLACES = _vocab(
    Term("available", _l("Crèche places available")),
    Term("waiting-list", _l("Crèche waiting list")),
    Term("full", _l("Crèche full")),
)

CRECHE_AGE_UNITS = _vocab(
    Term("months", _l("months")),
    Term("years", _l("years")),
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
