"""Locales: which ones we ship, the per-request locale, gettext and CLDR formatting.

The current locale lives in a context variable set once per request, so concurrent
requests never see each other's language. Everything that shows text to a person
reads it from here.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.support import LazyProxy, NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LOCALE = "en"

# English first, then the languages most spoken by newcomers to UK cities.
SHIPPED_LOCALES: tuple[str, ...] = (
    "en", "ar", "fa", "ckb", "ps", "ur", "ti", "am", "so",
    "uk", "pl", "ro", "sq", "vi", "zh_Hans", "fr", "es",
)

_current = contextvars.ContextVar("esol_finder_locale", default=DEFAULT_LOCALE)


def set_locale(code: str) -> contextvars.Token:
    return _current.set(code if code in SHIPPED_LOCALES else DEFAULT_LOCALE)


def reset_locale(token: contextvars.Token) -> None:
    _current.reset(token)


def get_locale() -> str:
    return _current.get()


class use_locale:
    """Context manager: run a block in a given locale (tests, e-mails, the CLI)."""

    def __init__(self, code: str):
        self.code = code

    def __enter__(self):
        self.token = set_locale(self.code)
        return self

    def __exit__(self, *exc):
        reset_locale(self.token)


# CLDR data used for formatting: English is British English here (18:30, 1 October 2026).
FORMAT_LOCALES = {"en": "en_GB"}


@lru_cache(maxsize=None)
def babel_locale(code: str) -> Locale:
    return Locale.parse(FORMAT_LOCALES.get(code, code))


def text_direction(code: str | None = None) -> str:
    return babel_locale(code or get_locale()).text_direction


@lru_cache(maxsize=None)
def translations(code: str) -> NullTranslations:
    if code == DEFAULT_LOCALE:
        return NullTranslations()
    return Translations.load(str(LOCALES_DIR), [code], domain="messages")


def gettext(message: str, **params) -> str:
    text = translations(get_locale()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def pgettext(context: str, message: str, **params) -> str:
    text = translations(get_locale()).pgettext(context, message)
    return text % params if params else text


def raw_gettext(message: str) -> str:
    """Translation without formatting: Jinja's new-style gettext formats by itself."""
    return translations(get_locale()).gettext(message)


def raw_ngettext(singular: str, plural: str, n: int) -> str:
    return translations(get_locale()).ngettext(singular, plural, n)


def raw_pgettext(context: str, message: str) -> str:
    return translations(get_locale()).pgettext(context, message)


def lazy_gettext(message: str, **params) -> LazyProxy:
    """A message translated when it is shown, in the locale current at that time."""
    return LazyProxy(gettext, message, enable_cache=False, **params)


def lazy_pgettext(context: str, message: str) -> LazyProxy:
    return LazyProxy(pgettext, context, message, enable_cache=False)


def negotiate(accept_language: str | None) -> str | None:
    """Pick a shipped locale from an Accept-Language header, best quality first."""
    if not accept_language:
        return None
    ranked = []
    for index, part in enumerate(accept_language.split(",")):
        piece = part.strip().split(";")
        tag = piece[0].strip()
        quality = 1.0
        for extra in piece[1:]:
            extra = extra.strip()
            if extra.startswith("q="):
                try:
                    quality = float(extra[2:])
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, index, tag))
    for _, _, tag in sorted(ranked):
        code = match_locale(tag)
        if code:
            return code
    return None


def match_locale(tag: str) -> str | None:
    """Map a language tag ('ar-EG', 'zh-CN', 'zh-Hans', 'ku') to a shipped locale."""
    tag = tag.strip().replace("-", "_")
    if not tag:
        return None
    aliases = {"zh": "zh_Hans", "zh_cn": "zh_Hans", "zh_sg": "zh_Hans", "zh_hans": "zh_Hans",
               "ku": "ckb", "ckb_iq": "ckb", "ckb_ir": "ckb"}
    lowered = tag.lower()
    if lowered in aliases:
        return aliases[lowered]
    for code in SHIPPED_LOCALES:
        if code.lower() == lowered:
            return code
    try:
        parsed = Locale.parse(tag)
    except (ValueError, UnknownLocaleError):
        return None
    if parsed.language == "zh":
        return "zh_Hans" if parsed.script in (None, "Hans") and parsed.territory not in ("TW", "HK", "MO") else None
    return parsed.language if parsed.language in SHIPPED_LOCALES else None


# --- CLDR formatting -----------------------------------------------------------------

def format_time(value: dt.time) -> str:
    return babel_dates.format_time(value, format="short", locale=babel_locale(get_locale()))


def format_date(value: dt.date, format: str = "medium") -> str:
    return babel_dates.format_date(value, format=format, locale=babel_locale(get_locale()))


def format_number(value: float, digits: int = 1) -> str:
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return babel_numbers.format_decimal(value, format=pattern, locale=babel_locale(get_locale()))


def weekday_name(index: int, width: str = "wide") -> str:
    """Monday is 0, as in Python's datetime."""
    return babel_locale(get_locale()).days["format"][width][index]


def language_name(code: str, in_locale: str | None = None) -> str:
    """A language's name in the user's language (or in `in_locale`)."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(babel_locale(in_locale or get_locale())) or code
    except (ValueError, UnknownLocaleError):
        return code


def autonym(code: str) -> str:
    """A language's name in its own language and script, for the language picker."""
    return language_name(code, code)
