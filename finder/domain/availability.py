"""Availability of a course (issue 13): places now, waiting list, full, next intake, rolling intake;
crèche places; crèche ages as numbers. Plain rules, no I/O.

- `enrolment` / `next_start` (the old names, deprecated) are derived from availability: places and
  rolling read "open", waiting-list and full read "waiting-list", next-intake reads "next-start".
- `availability_checked` is the date availability was last confirmed. Every write that confirms it
  (a listing saved with an availability, a one-click answer) also sets `last_checked` to the same
  date; a plain "still running" check moves `last_checked` only, so the two may differ.
"""

from __future__ import annotations

import datetime as dt
import re

FROM_ENROLMENT = {"open": "places", "waiting-list": "waiting-list", "next-start": "next-intake"}
TO_ENROLMENT = {"places": "open", "rolling": "open", "waiting-list": "waiting-list", "full": "waiting-list",
                "next-intake": "next-start"}
# Availabilities that let a newcomer start now (the `places=1` filter).
NOW = ("places", "rolling")

_NUMBER = r"(\d{1,2}(?:\.5)?)"
_UNIT = r"(months?|mths?|m|years?|yrs?|y)"
_AGES_RE = re.compile(
    rf"^\s*(?:ages?\s*)?{_NUMBER}\s*{_UNIT}?\s*(?:-|–|—|to|until)\s*{_NUMBER}\s*{_UNIT}?\s*(?:old)?\s*$", re.I)


def _unit(word: str | None) -> str | None:
    if not word:
        return None
    return "months" if word.lower().startswith("m") else "years"


def parse_creche_ages(text: str | None) -> tuple[int, int, str] | None:
    """"1 to 4 years", "6 months - 3 years", "0-5" as (from, to, unit), or None when unparseable.

    Mixed units are given in months ("6 months - 3 years" is 6 to 36 months); no unit means years."""
    match = _AGES_RE.match(text or "")
    if not match:
        return None
    low, low_unit, high, high_unit = match.groups()
    low_unit, high_unit = _unit(low_unit), _unit(high_unit)
    high_unit = high_unit or low_unit or "years"
    low_unit = low_unit or high_unit
    low_n, high_n = float(low), float(high)
    if low_unit != high_unit:
        low_n = low_n * 12 if low_unit == "years" else low_n
        high_n = high_n * 12 if high_unit == "years" else high_n
        unit = "months"
    else:
        unit = high_unit
    if low_n != int(low_n) or high_n != int(high_n) or low_n > high_n:
        return None
    return int(low_n), int(high_n), unit


# Availabilities as small numbers, for the search index's arrays (`sort=start`).
CODES = {"places": 0, "rolling": 1, "waiting-list": 2, "full": 3, "next-intake": 4}
# `start_key`'s groups: a known start (in days from today); a start not known (a waiting list with no
# usual wait, an intake whose date has passed or is missing); full.
KNOWN, UNKNOWN, CLOSED = 0, 1, 2


def start_key(availability: str, wait_weeks: int | None, next_intake: dt.date | None,
              today: dt.date) -> tuple[int, int]:
    """How soon a newcomer can start, for `sort=start`: (group, days). Places now and rolling intake
    start now; a next intake by its date (one already passed is not known); a waiting list by its
    usual wait (unknown waits after every known start); full last."""
    if availability in NOW:
        return (KNOWN, 0)
    if availability == "next-intake":
        if next_intake is not None and next_intake >= today:
            return (KNOWN, (next_intake - today).days)
        return (UNKNOWN, 0)
    if availability == "waiting-list":
        return (KNOWN, wait_weeks * 7) if wait_weeks is not None else (UNKNOWN, 0)
    return (CLOSED, 0)


def starts_within(availability: str, next_intake: dt.date | None, today: dt.date, days: int) -> bool:
    """Whether a newcomer can start within `days` (the `starts=4w` filter): places now or rolling
    intake, or a next intake from today to `days` ahead. A waiting list's usual wait is not a start date."""
    if availability in NOW:
        return True
    return availability == "next-intake" and next_intake is not None and today <= next_intake <= today + dt.timedelta(days=days)


# A partner's one-click answers on the check link and in the reminder ("still running, …").
ANSWERS = ("places", "waiting-list", "full")


def answered(current: str, current_wait: int | None, answer: str) -> tuple[str, int | None]:
    """The availability and usual wait a one-click answer leaves: "places now" keeps a rolling intake
    (both mean people can start now); "waiting list" keeps the usual wait already given."""
    if answer not in ANSWERS:
        raise ValueError(answer)
    if answer == "places":
        return (current if current in NOW else "places"), None
    if answer == "waiting-list":
        return "waiting-list", current_wait if current == "waiting-list" else None
    return "full", None
