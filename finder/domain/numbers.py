"""The one parser for numbers that come from outside: URL parameters, path ids, form fields,
spreadsheet cells and JSON (ORUK) values.

Every number is checked here, once, for being a number at all, finite (no `inf`, `nan` or `1e400`,
which Python's float() accepts and JSON libraries may produce) and within its range. Callers turn
a `NumberError` into the message their users read; nothing out of range reaches the database, the
search index or a geodesic. Plain functions, no I/O.
"""

from __future__ import annotations

import math
import re

# The largest id a database row can have on every database we run on: the id columns are INTEGER,
# a signed 32-bit number on PostgreSQL (SQLite's would hold 64 bits).
MAX_ID = 2**31 - 1
_INTEGER_RE = re.compile(r"^\s*[+-]?\d{1,19}\s*$", re.ASCII)
_DECIMAL_RE = re.compile(r"^\s*[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][+-]?\d{1,3})?\s*$", re.ASCII)


class NumberError(ValueError):
    """Not a number, not finite, or out of range. `reason` is "not-a-number", "too-small" or "too-big"."""

    def __init__(self, reason: str, value: object = None):
        super().__init__(f"{reason}: {str(value)[:40]!r}")
        self.reason = reason
        self.value = value


def _in_range(value, low, high):
    if low is not None and value < low:
        raise NumberError("too-small", value)
    if high is not None and value > high:
        raise NumberError("too-big", value)
    return value


def parse_integer(raw: object, low: int | None = None, high: int | None = None) -> int:
    """A whole number written in decimal digits (no 1e3, no 2.0, no inf), within [low, high]."""
    if isinstance(raw, bool):
        raise NumberError("not-a-number", raw)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not math.isfinite(raw) or raw != int(raw):
            raise NumberError("not-a-number", raw)
        value = int(raw)
    else:
        text = str(raw if raw is not None else "")
        if not _INTEGER_RE.match(text):
            raise NumberError("not-a-number", text)
        value = int(text)
    return _in_range(value, low, high)


def parse_decimal(raw: object, low: float | None = None, high: float | None = None) -> float:
    """A finite decimal number (12, -2.97, 5e-1), within [low, high]."""
    if isinstance(raw, bool):
        raise NumberError("not-a-number", raw)
    if isinstance(raw, (int, float)):
        value = float(raw) if abs(raw) < 1e300 else math.inf
    else:
        text = str(raw if raw is not None else "")
        if not _DECIMAL_RE.match(text):
            raise NumberError("not-a-number", text)
        value = float(text)
    if not math.isfinite(value):
        raise NumberError("not-a-number", raw)
    return _in_range(value, low, high)


def parse_id(raw: object) -> int:
    """A database id: a whole number from 1 to the largest a row can have."""
    return parse_integer(raw, 1, MAX_ID)


def parse_latitude(raw: object) -> float:
    return parse_decimal(raw, -90.0, 90.0)


def parse_longitude(raw: object) -> float:
    return parse_decimal(raw, -180.0, 180.0)
