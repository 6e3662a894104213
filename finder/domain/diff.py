"""What a change would change: two snapshots of a listing (`course_snapshot`, `listing_snapshot`)
compared field by field, long text as a line diff. Plain data, no I/O."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from finder.domain.fields import NOT_EDITED

LONG_TEXT = 80
# Not shown in a diff: the course's key, and what the catalogue sets rather than a person (status, last checked).
IGNORED = ("key", *NOT_EDITED)


@dataclass
class Change:
    field: str
    before: str
    after: str
    lines: list[str] | None = None  # a unified diff for long text


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(v)}" for k, v in value.items())
    return str(value)


def changes(before: dict | None, after: dict | None, ignore=IGNORED) -> list[Change]:
    """Field by field, what differs between two snapshots (long text as a line diff)."""
    before, after = before or {}, after or {}
    found = []
    for name in list(dict.fromkeys([*before, *after])):
        if name in ignore:
            continue
        old, new = before.get(name), after.get(name)
        if name == "sessions":  # one line each
            old_lines = [_session_text(s) for s in old or []]
            new_lines = [_session_text(s) for s in new or []]
            if _show(old_lines) == _show(new_lines):
                continue
            old_text, new_text = "\n".join(old_lines), "\n".join(new_lines)
        else:
            if _show(old) == _show(new):
                continue
            old_text, new_text = _show(old), _show(new)
        lines = None
        if len(old_text) > LONG_TEXT or len(new_text) > LONG_TEXT or "\n" in old_text + new_text:
            lines = [line for line in difflib.unified_diff(old_text.splitlines(), new_text.splitlines(),
                                                           lineterm="", n=1)][2:]
        found.append(Change(name, old_text, new_text, lines))
    return found


def _session_text(session: dict) -> str:
    parts = [session.get("weekday", ""), f"{session.get('start', '')}-{session.get('end', '')}",
             session.get("venue") or "online"]
    if session.get("frequency") and session.get("frequency") != "weekly":
        parts.append(session["frequency"])
    if session.get("term_time_only"):
        parts.append("term time only")
    return " ".join(str(p) for p in parts)
