"""Locales: which ones we ship, the per-request locale, gettext and CLDR formatting.

The current locale lives in a context variable set once per request, so concurrent
requests never see each other's language. Everything that shows text to a person
reads it from here.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import io
import logging
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

from finder import PROJECT_DIR

log = logging.getLogger(__name__)

LOCALES_DIR = PROJECT_DIR / "locales"
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
    return _text_direction(code or get_locale())


@lru_cache(maxsize=1024)
def _text_direction(code: str) -> str:
    return babel_locale(code).text_direction


@lru_cache(maxsize=None)
def translations(code: str) -> NullTranslations:
    """The locale's catalogue, compiled once per process.

    A `messages.mo` at least as new as its `messages.po` is used as it is; otherwise the
    `.po` is compiled in memory, so a fresh checkout needs no build step.
    """
    if code == DEFAULT_LOCALE:
        return NullTranslations()
    po_file = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
    mo_file = po_file.with_suffix(".mo")
    if mo_file.exists() and (not po_file.exists() or mo_file.stat().st_mtime >= po_file.stat().st_mtime):
        with mo_file.open("rb") as fileobj:
            return Translations(fp=fileobj, domain="messages")
    if not po_file.exists():
        return NullTranslations()
    with po_file.open("rb") as fileobj:
        catalog = read_po(fileobj, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain="messages")


def clear_translation_cache() -> None:
    translations.cache_clear()


def _interpolate(text: str, message: str, params: dict) -> str:
    """Fill in a translation's placeholders; a broken translation falls back to the English."""
    values = localise_params(params)
    try:
        return text % values
    except (KeyError, ValueError, TypeError):
        log.warning("translation of %r in %s has broken placeholders", message, get_locale())
        return message % values


def gettext(message: str, **params) -> str:
    text = translations(get_locale()).gettext(message)
    return _interpolate(text, message, params) if params else text


def ngettext(singular: str, plural: str, n: int, **params) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return _interpolate(text, singular if n == 1 else plural, params)


def pgettext(context: str, message: str, **params) -> str:
    text = translations(get_locale()).pgettext(context, message)
    return _interpolate(text, message, params) if params else text


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

# The zero of each CLDR numbering system our locales default to (CLDR numberingSystems.xml).
# Babel formats with Latin digits and the locale's separators; we swap in the locale's digits.
NUMBERING_ZERO = {"latn": "0", "arab": "\u0660", "arabext": "\u06f0"}


@lru_cache(maxsize=None)
def _digit_table(code: str) -> dict[int, str]:
    """Latin digits to the digits of the locale's default CLDR numbering system (fa: ۰-۹)."""
    zero = ord(NUMBERING_ZERO.get(babel_locale(code).default_numbering_system, "0"))
    return {ord("0") + d: chr(zero + d) for d in range(10)}


def native_digits(text: str, code: str | None = None) -> str:
    return text.translate(_digit_table(code or get_locale()))


def format_time(value: dt.time) -> str:
    """18:30 or 6:30 PM as the locale prefers, in its own digits."""
    code = get_locale()
    text = native_digits(babel_dates.format_time(value, format="short", locale=babel_locale(code)), code)
    return isolate(text) if text_direction(code) == "rtl" else text


def isolate(text: str) -> str:
    """Unicode first-strong isolate: a time or number keeps its own order inside right-to-left
    text, in HTML and in plain text (text messages, feeds) alike."""
    return f"\u2068{text}\u2069"


def format_date(value: dt.date, format: str = "medium") -> str:
    code = get_locale()
    return native_digits(babel_dates.format_date(value, format=format, locale=babel_locale(code)), code)


def format_number(value: float, digits: int = 1) -> str:
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    code = get_locale()
    return native_digits(babel_numbers.format_decimal(value, format=pattern, locale=babel_locale(code),
                                                      numbering_system="default"), code)


def format_integer(value: int, grouping: bool = True) -> str:
    return _format_integer(value, grouping, get_locale())


@lru_cache(maxsize=4096)  # the counts and page numbers of every page, each worked out once per language
def _format_integer(value: int, grouping: bool, code: str) -> str:
    return native_digits(babel_numbers.format_decimal(value, format="#,##0" if grouping else "0",
                                                      locale=babel_locale(code), numbering_system="default"), code)


def localise_params(params: dict) -> dict:
    """Whole numbers shown in a message use the locale's digits; the count (`num`) is grouped too."""
    return {key: format_integer(value, grouping=key == "num")
            if isinstance(value, int) and not isinstance(value, bool) else value
            for key, value in params.items()}


def format_distance(miles: float) -> str:
    """A distance in miles with CLDR's unit pattern and plural rules ("2.3 miles", "٢٫٣ ميل")."""
    code = get_locale()
    locale = babel_locale(code)
    patterns = locale._data["unit_patterns"].get("length-mile", {})
    length = "long" if "long" in patterns else "short"
    return native_digits(babel_units.format_unit(round(miles, 1), "length-mile", length=length, format="#,##0.#",
                                                 locale=locale, numbering_system="default"), code)


def format_age(value: int, unit: str) -> str:
    """A child's age in months or years, in the reader's language with its plural forms ("3 years").

    Translated strings rather than CLDR's unit patterns, which several shipped languages lack."""
    if unit == "months":
        return ngettext("%(num)s month", "%(num)s months", value)
    return ngettext("%(num)s year", "%(num)s years", value)


def format_age_range(low: int | None, high: int | None, unit: str | None) -> str:
    """The ages a crèche takes, from the listing's numbers ("6 months to 3 years", "1 to 4 years",
    "up to 5 years"), in the reader's language. Whole years of two or more are said in years."""
    if unit not in ("months", "years") or (low is None and high is None):
        return ""

    def simplest(value: int) -> tuple[int, str]:
        if unit == "months" and value >= 24 and value % 12 == 0:
            return value // 12, "years"
        return value, unit

    if high is None:
        assert low is not None
        return gettext("from %(age)s", age=format_age(*simplest(low)))
    high_value, high_unit = simplest(high)
    if not low:
        return gettext("up to %(age)s", age=format_age(high_value, high_unit))
    low_value, low_unit = simplest(low)
    if low_unit == high_unit:
        return gettext("%(low)s to %(high)s", low=format_integer(low_value), high=format_age(high_value, high_unit))
    return gettext("%(low)s to %(high)s", low=format_age(low_value, low_unit), high=format_age(high_value, high_unit))


def weekday_name(index: int, width: str = "wide") -> str:
    """Monday is 0, as in Python's datetime."""
    return babel_locale(get_locale()).days["format"][width][index]


def language_name(code: str, in_locale: str | None = None) -> str:
    """A language's name in the user's language (or in `in_locale`)."""
    return _language_name(code, in_locale or get_locale())


@lru_cache(maxsize=4096)  # every page names the 17 languages in its picker: worked out once each
def _language_name(code: str, in_locale: str) -> str:
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(babel_locale(in_locale)) or code
    except (ValueError, UnknownLocaleError):
        return code


def autonym(code: str) -> str:
    """A language's name in its own language and script, for the language picker."""
    return language_name(code, code)


def url_in_language(url: str, code: str) -> str:
    """The same local URL with `lang=` set to `code` (left out for the default language)."""
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    if code != DEFAULT_LOCALE:
        params.append(("lang", code))
    return urlunsplit(("", "", parts.path or "/", urlencode(params), ""))
