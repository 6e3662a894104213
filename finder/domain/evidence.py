"""The rules of the evidence coordinators show funders: plain data, no I/O.

A search is kept only as a *need*: the filters it used (never the words typed), the postcode
district it was near (never the full postcode or coordinates), its ISO week (never a finer time)
and its outcome band. `need_key` writes a need as one short canonical string, `parse_need_key`
reads it back; every value is checked against the vocabulary, so nothing free-form is stored.

Small numbers are not shown: every count under SUPPRESS_BELOW is "fewer than 5", everywhere
(pages, charts, CSV files, the report).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from finder.domain.vocabulary import CRECHE, KINDS, LEVELS, TIMES_OF_DAY, WEEKDAYS
from finder.i18n import lazy_gettext as _l

SUPPRESS_BELOW = 5
FEWER_THAN_5 = "fewer than 5"  # how CSV files say it (machine-stable English, like the column names)
OUTCOMES = ("0", "1-2", "3+")  # results within the radius: none, one or two, three or more
SOURCES = ("search", "stated")  # counted from a search, or told us in "Tell us what you need"
MODES = ("in-person", "online")
MAX_SPEAKS = 3
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z]{2,4})?")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")


def suppressed(n: int) -> bool:
    return n < SUPPRESS_BELOW


def shown(n: int) -> object:
    """A count as people read it: the number, or "fewer than 5" (translated) when it is under 5."""
    return _l("fewer than 5") if suppressed(n) else n


def exported(n: int) -> str:
    """A count as CSV files carry it: the number, or "fewer than 5"."""
    return FEWER_THAN_5 if suppressed(n) else str(n)


def outcome_band(total: int) -> str:
    """How many results a search found within its radius: "0", "1-2" or "3+"."""
    if total <= 0:
        return "0"
    return "1-2" if total <= 2 else "3+"


OUTCOME_LABELS = {"0": _l("No class found"), "1-2": _l("1 or 2 classes found"), "3+": _l("3 or more classes found")}


# --- time keys --------------------------------------------------------------------------------

def week_key(day: dt.date) -> str:
    """The ISO week of a day: "2026-W49" (a search is kept to the week, never the day or time)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(key: str) -> dt.date:
    match = _WEEK.fullmatch(key)
    if not match:
        raise ValueError(f"not an ISO week: {key!r}")
    return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)


def weeks_between(start: dt.date, end: dt.date) -> list[str]:
    """Every ISO week that has a day from `start` to `end` (both included), in order."""
    keys: list[str] = []
    day = start - dt.timedelta(days=start.weekday())
    while day <= end:
        keys.append(week_key(day))
        day += dt.timedelta(days=7)
    return keys


def month_key(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def is_month_key(text: str) -> bool:
    match = _MONTH.fullmatch(text)
    return match is not None and 1 <= int(match.group(2)) <= 12


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1-4

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        following = Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        return following.start - dt.timedelta(days=1)

    @property
    def months(self) -> list[str]:
        return [f"{self.year}-{m:02d}" for m in range(3 * self.number - 2, 3 * self.number + 1)]

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: str) -> Quarter | None:
    match = _QUARTER.fullmatch((text or "").strip().upper())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        return None
    return Quarter(int(match.group(1)), int(match.group(2)))


def parse_day(text: str) -> dt.date | None:
    """A date from a form ("2026-12-02"); None when empty or not a date."""
    try:
        day = dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def clean_district(text: str) -> str:
    """A postcode district ("L8") in canonical form, or "" when `text` is not shaped like one."""
    code = "".join((text or "").split()).upper()
    return code if _DISTRICT.fullmatch(code) else ""


# --- needs -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Need:
    """What a search asked for (or someone told us they need), without the words or the place."""

    creche: bool = False
    levels: tuple[str, ...] = ()
    kind: str = ""
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    women: bool = False
    free: bool = False
    mode: str = ""
    speaks: tuple[str, ...] = ()
    lang: str = ""  # the interface language the search was made in
    radius: int = 0  # miles, when the search was near a place

    def matches_anything(self) -> bool:
        return not (self.creche or self.levels or self.kind or self.days or self.times or self.women
                    or self.free or self.mode or self.speaks)


def _only(values, vocabulary) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v in vocabulary}, key=list(vocabulary).index))


def _language(code: str) -> str:
    return code if _LANGUAGE.fullmatch(code or "") else ""


def make_need(*, creche=False, levels=(), kind="", days=(), times=(), women=False, free=False, mode="",
              speaks=(), lang="", radius=0) -> Need:
    """A need from search filters or a form; anything not in the vocabulary is left out."""
    languages = sorted({code for code in (_language(c) for c in speaks) if code})[:MAX_SPEAKS]
    return Need(creche=bool(creche), levels=_only(levels, LEVELS), kind=kind if kind in KINDS else "",
                days=_only(days, WEEKDAYS), times=_only(times, TIMES_OF_DAY), women=bool(women), free=bool(free),
                mode=mode if mode in MODES else "", speaks=tuple(languages), lang=_language(lang),
                radius=radius if isinstance(radius, int) and 0 <= radius <= 50 else 0)


def need_key(need: Need) -> str:
    """The canonical string kept in the counts: "creche;level=entry-1;day=mon;time=evening;lang=ar;r=5"."""
    parts = []
    if need.creche:
        parts.append("creche")
    if need.levels:
        parts.append("level=" + ",".join(need.levels))
    if need.kind:
        parts.append("kind=" + need.kind)
    if need.days:
        parts.append("day=" + ",".join(need.days))
    if need.times:
        parts.append("time=" + ",".join(need.times))
    if need.women:
        parts.append("women")
    if need.free:
        parts.append("free")
    if need.mode:
        parts.append("mode=" + need.mode)
    if need.speaks:
        parts.append("speaks=" + ",".join(need.speaks))
    if need.lang:
        parts.append("lang=" + need.lang)
    if need.radius:
        parts.append(f"r={need.radius}")
    return ";".join(parts)


def parse_need_key(key: str) -> Need:
    values: dict[str, str] = {}
    for part in (key or "").split(";"):
        name, _, value = part.partition("=")
        if name:
            values[name] = value
    radius = values.get("r", "")
    return make_need(creche="creche" in values, levels=_split(values.get("level")), kind=values.get("kind", ""),
                     days=_split(values.get("day")), times=_split(values.get("time")), women="women" in values,
                     free="free" in values, mode=values.get("mode", ""), speaks=_split(values.get("speaks")),
                     lang=values.get("lang", ""), radius=int(radius) if radius.isdigit() else 0)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(piece for piece in (text or "").split(",") if piece)


def need_without_language(need: Need) -> Need:
    """The same need whatever language it was asked in (gaps group needs this way)."""
    return make_need(creche=need.creche, levels=need.levels, kind=need.kind, days=need.days, times=need.times,
                     women=need.women, free=need.free, mode=need.mode, speaks=need.speaks, radius=need.radius)


def filter_names(need: Need) -> list[tuple[str, str]]:
    """The (filter, value) pairs of a need, one per level, day, time and language: the rows of
    "demand by filter". The interface language is ("lang", code)."""
    pairs: list[tuple[str, str]] = []
    if need.creche:
        pairs.append(("creche", "on-site"))
    pairs += [("level", level) for level in need.levels]
    if need.kind:
        pairs.append(("kind", need.kind))
    pairs += [("day", day) for day in need.days]
    pairs += [("time", time) for time in need.times]
    if need.women:
        pairs.append(("women", "1"))
    if need.free:
        pairs.append(("free", "1"))
    if need.mode:
        pairs.append(("mode", need.mode))
    pairs += [("speaks", code) for code in need.speaks]
    if need.lang:
        pairs.append(("lang", need.lang))
    return pairs


FILTER_LABELS = {
    "creche": _l("Crèche"), "level": _l("Level"), "kind": _l("Kind of course"), "day": _l("Day"),
    "time": _l("Time of day"), "women": _l("Women only"), "free": _l("Free"), "mode": _l("How"),
    "speaks": _l("Staff speak"), "lang": _l("Language of the search"),
}


def value_label(name: str, value: str) -> object:
    """A filter's value in words, in the reader's language ("Entry 1", "Monday", "Crèche on site")."""
    vocabularies = {"level": LEVELS, "kind": KINDS, "day": WEEKDAYS, "time": TIMES_OF_DAY, "creche": CRECHE}
    if name in vocabularies and value in vocabularies[name]:
        return vocabularies[name][value].label
    if name in ("women", "free"):
        return _l("Yes")
    if name == "mode":
        return {"in-person": _l("In person"), "online": _l("Online")}.get(value, value)
    return value


def describe(need: Need) -> list[object]:
    """A need in words, one label per filter (no filters: "Any class")."""
    labels: list[object] = []
    for name, value in filter_names(need_without_language(need)):
        if name in ("women", "free", "speaks"):
            labels.append({"women": _l("Women only"), "free": _l("Free")}.get(name) or
                          _l("Staff speak %(language)s", language=value))
        else:
            labels.append(value_label(name, value))
    return labels or [_l("Any class")]


# --- provision ---------------------------------------------------------------------------------

PROVISION_DIMENSIONS = ("level", "kind", "creche", "time", "day", "women", "free", "mode", "speaks")
DIMENSION_LABELS = {
    "level": _l("Level"), "kind": _l("Kind of course"), "creche": _l("Crèche"), "time": _l("Time of day"),
    "day": _l("Day"), "women": _l("Women only"), "free": _l("Free"), "mode": _l("How"), "speaks": _l("Staff speak"),
}
ONLINE_DISTRICT = "online"  # where an online course with no venue is counted


def variety(combinations: set[tuple[str, str, str]]) -> int:
    """"More and more varied courses": how many distinct level × time of day × crèche combinations."""
    return len(combinations)
