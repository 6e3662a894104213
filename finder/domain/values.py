"""The rules for single values that every record shares: e-mail addresses, phone numbers, web
addresses, language codes, record ids and the slugs keys are made from, dates, times and yes/no.

Each rule is written once here; the listing, organisation and venue validators, the forms, the
importers and the accounts all use it. Plain functions, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re

_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_PHONE_RE = re.compile(r"^[0-9+()\s-]{6,25}$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$")
_WEB_RE = re.compile(r"^https?://[^\s<>\"]+$")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,159}$")
YES = ("yes", "y", "true", "1", "on")
NO = ("no", "n", "false", "0", "off")


class ValidationErrors(Exception):
    """Field-level errors: {field name: [message, ...]}; messages are lazy translations."""

    def __init__(self, errors: dict[str, list]):
        super().__init__("; ".join(f"{k}: {', '.join(str(m) for m in v)}" for k, v in errors.items()))
        self.errors = errors


def is_email(text: str) -> bool:
    return bool(_EMAIL_RE.match(text or ""))


def is_phone(text: str) -> bool:
    return bool(_PHONE_RE.match(text or ""))


def is_web_address(text: str) -> bool:
    """Only http:// and https:// addresses: never javascript:, data: or a bare word."""
    return bool(_WEB_RE.match(text or ""))


def is_language_code(code: str) -> bool:
    return bool(_LANG_RE.match(code or ""))


def is_record_id(text: str) -> bool:
    """An id a file may give a record: letters, digits and . _ : - (at most 160)."""
    return bool(_ID_RE.match(text or ""))


def slugify(text: str) -> str:
    """The key made from a name: "Toxteth Library" -> "toxteth-library" (at most 100 characters)."""
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return slug[:100] or "item"


def yes_no(value) -> bool | None:
    """yes/no text (blank is no); None when it is neither."""
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in YES:
        return True
    if text in NO or not text:
        return False
    return None


def as_bool(value) -> bool:
    """Loose yes/no (forms, files): anything not clearly yes is no."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "y", "on")


def check_links_made_after(days: int, now: dt.datetime | None = None) -> dt.datetime:
    """A private check link made before this moment (naive UTC) no longer opens anything."""
    return (now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)) - dt.timedelta(days=days)


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


