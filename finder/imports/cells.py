"""Cells that a spreadsheet would run as formulas, and how an export keeps them text.

An export puts an apostrophe before a cell starting with = + - @ (or a tab or carriage return), the
way spreadsheets mark text, and also after a `;`, tab or `|` that such a character follows: a
spreadsheet that splits a line on one of those (a European Excel opening a CSV splits on `;`)
would otherwise see "x;=SUM(1" as "x" and a formula. The importer takes the apostrophes away again,
so an export imports back exactly.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SEPARATORS = ";\t|"
_AFTER_SEPARATOR = re.compile(r"([;\t|])(?=[=+\-@])")
_PROTECTED_AFTER_SEPARATOR = re.compile(r"([;\t|])'(?=[=+\-@])")


def protect(text: str) -> str:
    text = _AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_START) else text


def unprotect(text: str) -> str:
    """Undo `protect` ("'+44 151…" -> "+44 151…", "x;'=SUM(1" -> "x;=SUM(1")."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        text = text[1:]
    return _PROTECTED_AFTER_SEPARATOR.sub(r"\1", text) if "'" in text else text
