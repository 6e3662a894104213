"""What a change would change: two snapshots of a listing (`course_snapshot`, `listing_snapshot`)
compared field by field, long text as a line diff. Plain data, no I/O.

What a coordinator reads is human: each field by its label, choices by their names, days by
their names, yes and no, and each session's place by its name, address and postcode (`venues`:
venue key -> {"name", "address", "postcode"}), all in the reader's language (lazy texts, made
into text when `changes` runs, in the request's locale)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from finder import i18n
from finder.domain.fields import BY_NAME, NOT_EDITED
from finder.domain.vocabulary import FREQUENCIES, WEEKDAYS
from finder.i18n import lazy_gettext as _l

# The listing form's own words for each field.
LABELS = {
    "title": _l("Name of the class"), "description": _l("Describe the class"), "kind": _l("Kind of class"),
    "organisation": _l("Organisation"), "levels": _l("Levels"), "audiences": _l("Only for"),
    "cost": _l("Cost"), "fee_note": _l("About the cost"), "eligibility": _l("Who can come"),
    "creche": _l("Crèche or childcare"), "creche_ages": _l("Ages the crèche takes"),
    "creche_booking": _l("The crèche place must be booked before coming"), "mode": _l("How people take part"),
    "languages": _l("Other languages staff or volunteers speak"), "join_method": _l("How to join"),
    "enrolment": _l("Can people join now?"), "next_start": _l("Next start date"),
    "contact_name": _l("Who learners should contact"), "contact_phone": _l("Phone number for learners"),
    "contact_email": _l("Email address for learners"), "website": _l("Web page about the class"),
    "sessions": _l("When and where"), "translations": _l("In other languages"), "status": _l("Status"),
    "last_checked": _l("Last checked"),
    "availability": _l("Can new learners join now?"), "wait_weeks": _l("Usual wait in weeks"),
    "next_intake": _l("Next intake date"), "creche_places": _l("Crèche places now"),
    "creche_age_from": _l("Youngest age the crèche takes"), "creche_age_to": _l("Oldest age the crèche takes"),
    "creche_age_unit": _l("Crèche ages in months or years"), "availability_checked": _l("Availability last checked"),
}


def label(name: str) -> str:
    return str(LABELS.get(name, name))

LONG_TEXT = 80
# Not shown in a diff: the course's key, and what the catalogue sets rather than a person (status, last checked).
IGNORED = ("key", *NOT_EDITED)


@dataclass
class Change:
    field: str
    before: str
    after: str
    lines: list[str] | None = None  # a unified diff for long text
    label: str = ""  # the field's name for people, in the reader's language


def _show(value, name: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_l("Yes")) if value else str(_l("No"))
    spec = BY_NAME.get(name)
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v, name) for v in value)
    if name == "translations" and isinstance(value, dict):
        return "; ".join(f"{i18n.language_name(code)}: {_show((v or {}).get('title'))}" for code, v in value.items())
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if spec is not None and spec.vocabulary is not None and str(value) in spec.vocabulary:
        return str(spec.vocabulary[str(value)].label)
    if name == "languages" and isinstance(value, str):
        return i18n.language_name(value)
    return str(value)


def changes(before: dict | None, after: dict | None, ignore=IGNORED, venues: dict | None = None) -> list[Change]:
    """Field by field, what differs between two snapshots (long text as a line diff)."""
    before, after = before or {}, after or {}
    venues = venues or {}
    found = []
    for name in list(dict.fromkeys([*before, *after])):
        if name in ignore:
            continue
        old, new = before.get(name), after.get(name)
        if name == "sessions":  # one line each
            old_lines = [_session_text(s, venues) for s in old or []]
            new_lines = [_session_text(s, venues) for s in new or []]
            if _show(old_lines) == _show(new_lines):
                continue
            old_text, new_text = "\n".join(old_lines), "\n".join(new_lines)
        else:
            if _show(old, name) == _show(new, name):
                continue
            old_text, new_text = _show(old, name), _show(new, name)
        lines = None
        if len(old_text) > LONG_TEXT or len(new_text) > LONG_TEXT or "\n" in old_text + new_text:
            lines = [line for line in difflib.unified_diff(old_text.splitlines(), new_text.splitlines(),
                                                           lineterm="", n=1)][2:]
        found.append(Change(name, old_text, new_text, lines, label(name)))
    return found


def _session_text(session: dict, venues: dict) -> str:
    day = WEEKDAYS.get(session.get("weekday") or "")
    parts = [str(day.label) if day else str(session.get("weekday") or ""),
             f"{session.get('start', '')}–{session.get('end', '')}"]
    key = session.get("venue")
    venue = venues.get(key) if key else None
    if venue:
        parts.append(", ".join(str(venue.get(k) or "") for k in ("name", "address", "postcode") if venue.get(k)))
    else:
        parts.append(str(key) if key else str(_l("Online")))
    frequency = FREQUENCIES.get(session.get("frequency") or "")
    if frequency and session.get("frequency") != "weekly":
        parts.append(str(frequency.label))
    if session.get("term_time_only"):
        parts.append(str(_l("term time only")))
    return " · ".join(p for p in parts if p)
