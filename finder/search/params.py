"""The search URL: a public contract that people share and other parts build on.

    /search?q=…&creche=1&level=entry-1&level=entry-2&kind=formal&day=mon&time=morning
           &free=1&women=1&mode=online&speaks=ar&places=1&starts=4w&creche_places=available
           &postcode=L8+1AZ&radius=5&sort=relevance|next|distance|start&page=2&per_page=20

`parse` turns query parameters into a `SearchQuery` and a list of plain-language problems;
a bad value is left out and reported, the rest of the search is kept. `SearchQuery.to_params`
writes the same URL back, so links (pagination, relaxing a filter, sharing) round-trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from finder import domain
from finder.domain.numbers import NumberError, parse_decimal, parse_integer
from finder.geo.shapes import RADIUS_CHOICES
from finder.i18n import lazy_gettext as _l

MAX_QUERY_LENGTH = 200
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
SORTS = ("relevance", "next", "distance", "start")
MAX_STARTS_WEEKS = 52
TRUE_VALUES = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    creche: bool = False
    levels: tuple[str, ...] = ()
    kind: str = ""
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    free: bool = False
    women: bool = False
    mode: str = ""
    speaks: tuple[str, ...] = ()
    places: bool = False  # places now or rolling intake
    starts_weeks: int | None = None  # starts within this many weeks (`starts=4w`)
    creche_places: tuple[str, ...] = ()
    postcode: str = ""
    radius: int = 5
    lat: float | None = None
    lon: float | None = None
    sort: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def has_place(self) -> bool:
        return bool(self.postcode) or (self.lat is not None and self.lon is not None)

    @property
    def effective_sort(self) -> str:
        if self.sort == "distance" and not self.has_place:
            return "relevance"
        if self.sort:
            return self.sort
        return "distance" if self.has_place else "relevance"

    @property
    def has_filters(self) -> bool:
        return bool(self.active_filters())

    def active_filters(self) -> list[str]:
        """Names of the filters in use, in the order the page shows them."""
        names = []
        for name, on in (("creche", self.creche), ("level", self.levels), ("kind", self.kind),
                         ("day", self.days), ("time", self.times), ("free", self.free),
                         ("women", self.women), ("mode", self.mode), ("speaks", self.speaks),
                         ("places", self.places), ("starts", self.starts_weeks is not None),
                         ("creche_places", self.creche_places), ("place", self.has_place)):
            if on:
                names.append(name)
        return names

    def without(self, name: str) -> "SearchQuery":
        """The same search with one filter (or the words, name 'q') taken off."""
        clearing: dict[str, dict[str, Any]] = {
            "q": dict(q=""), "creche": dict(creche=False), "level": dict(levels=()), "kind": dict(kind=""),
            "day": dict(days=()), "time": dict(times=()), "free": dict(free=False), "women": dict(women=False),
            "mode": dict(mode=""), "speaks": dict(speaks=()), "places": dict(places=False),
            "starts": dict(starts_weeks=None), "creche_places": dict(creche_places=()),
            "place": dict(postcode="", lat=None, lon=None, sort="" if self.sort == "distance" else self.sort),
        }
        return replace(self, page=1, **clearing[name])

    def with_page(self, page: int) -> "SearchQuery":
        return replace(self, page=page)

    def to_params(self) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = []
        if self.q:
            params.append(("q", self.q))
        if self.creche:
            params.append(("creche", "1"))
        params += [("level", level) for level in self.levels]
        if self.kind:
            params.append(("kind", self.kind))
        params += [("day", day) for day in self.days]
        params += [("time", time) for time in self.times]
        if self.free:
            params.append(("free", "1"))
        if self.women:
            params.append(("women", "1"))
        if self.mode:
            params.append(("mode", self.mode))
        params += [("speaks", code) for code in self.speaks]
        if self.places:
            params.append(("places", "1"))
        if self.starts_weeks is not None:
            params.append(("starts", f"{self.starts_weeks}w"))
        params += [("creche_places", value) for value in self.creche_places]
        if self.postcode:
            params.append(("postcode", self.postcode))
        elif self.lat is not None and self.lon is not None:
            params += [("lat", f"{self.lat:.4f}"), ("lon", f"{self.lon:.4f}")]
        if self.has_place:
            params.append(("radius", str(self.radius)))
        if self.sort:
            params.append(("sort", self.sort))
        if self.per_page != DEFAULT_PER_PAGE:
            params.append(("per_page", str(self.per_page)))
        if self.page != 1:
            params.append(("page", str(self.page)))
        return params

    def query_string(self, **extra) -> str:
        return urlencode(self.to_params() + [(k, v) for k, v in extra.items() if v])


@dataclass
class ParamProblem:
    param: str
    message: object
    hint: object = None


@dataclass
class Parsed:
    query: SearchQuery
    problems: list[ParamProblem] = field(default_factory=list)


def _getlist(params, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = value if isinstance(value, list) else ([] if value is None else [value])
    out = []
    for value in values:
        # Accept both ?level=a&level=b and ?level=a,b (and the | of the documented examples).
        for piece in str(value).replace("|", ",").split(","):
            piece = piece.strip()
            if piece:
                out.append(piece)
    return out


def _first(params, name: str) -> str:
    values = _getlist(params, name)
    return values[0] if values else ""


def _flag(params, name: str, problems: list[ParamProblem]) -> bool:
    raw = _first(params, name).lower()
    if not raw or raw in ("0", "false", "no", "off"):
        return False
    if raw in TRUE_VALUES:
        return True
    problems.append(ParamProblem(name, _l("“%(value)s” is not a yes-or-no choice, so we ignored it.", value=raw[:40])))
    return False


def _choices(params, name: str, vocab, problems, message) -> tuple[str, ...]:
    chosen = []
    for value in _getlist(params, name):
        slug = value.lower()
        if vocab is domain.WEEKDAYS and slug[:3] in vocab and len(slug) > 3 and domain.full_weekday(slug):
            slug = slug[:3]
        if slug in vocab:
            if slug not in chosen:
                chosen.append(slug)
        else:
            problems.append(ParamProblem(name, message(value[:40])))
    return tuple(chosen)


def _int(params, name: str, default: int, problems, low: int, high: int) -> int:
    raw = _first(params, name)
    if not raw:
        return default
    try:
        return parse_integer(raw, low, high)
    except NumberError as exc:
        if exc.reason == "too-small":
            problems.append(ParamProblem(name, _l("%(value)s is too small, so we used %(default)s.", value=exc.value, default=low)))
            return low
        if exc.reason == "too-big":
            problems.append(ParamProblem(name, _l("%(value)s is too big, so we used %(default)s.", value=exc.value, default=high)))
            return high
        problems.append(ParamProblem(name, _l("“%(value)s” is not a number, so we used %(default)s.", value=raw[:20], default=default)))
        return default


def _float(params, name: str, problems, low: float, high: float) -> float | None:
    raw = _first(params, name)
    if not raw:
        return None
    try:
        return parse_decimal(raw, low, high)
    except NumberError:
        problems.append(ParamProblem(name, _l("We could not use that location, so we left it out.")))
        return None


def _weeks(params, name: str, problems: list[ParamProblem]) -> int | None:
    """"4w" (or "4", "4 weeks"): a whole number of weeks from 1 to `MAX_STARTS_WEEKS`."""
    raw = _first(params, name).lower()
    if not raw:
        return None
    number = raw.removesuffix("weeks").removesuffix("week").removesuffix("w").strip()
    try:
        return parse_integer(number, 1, MAX_STARTS_WEEKS)
    except NumberError:
        problems.append(ParamProblem(name, _l("“%(value)s” is not a number of weeks from 1 to %(limit)s (for example 4w), "
                                              "so we left it out.", value=raw[:20], limit=MAX_STARTS_WEEKS)))
        return None


def parse(params) -> Parsed:
    problems: list[ParamProblem] = []
    q = " ".join(_getlist(params, "q")).strip() if hasattr(params, "getlist") else str(params.get("q") or "").strip()
    q = " ".join(q.split())
    if len(q) > MAX_QUERY_LENGTH:
        problems.append(ParamProblem("q", _l("Your search words were very long, so we used the first %(limit)s characters.", limit=MAX_QUERY_LENGTH)))
        q = q[:MAX_QUERY_LENGTH]

    levels = _choices(params, "level", domain.LEVELS, problems,
                      lambda v: _l("We don't know the level “%(value)s”, so we left it out.", value=v))
    kinds = _choices(params, "kind", domain.KINDS, problems,
                     lambda v: _l("“%(value)s” is not a kind of course (formal or informal), so we left it out.", value=v))
    days = _choices(params, "day", domain.WEEKDAYS, problems,
                    lambda v: _l("“%(value)s” is not a day of the week (mon, tue, wed, thu, fri, sat, sun), so we left it out.", value=v))
    times = _choices(params, "time", domain.TIMES_OF_DAY, problems,
                     lambda v: _l("“%(value)s” is not a time of day (morning, afternoon, evening), so we left it out.", value=v))
    modes = _choices(params, "mode", ("in-person", "online"), problems,
                     lambda v: _l("“%(value)s” is not a way of taking part (in-person or online), so we left it out.", value=v))
    creche_places = _choices(params, "creche_places", domain.CRECHE_PLACES, problems,
                             lambda v: _l("“%(value)s” is not a choice of crèche places (available, waiting-list or full), "
                                          "so we left it out.", value=v))
    speaks = []
    for value in _getlist(params, "speaks"):
        from finder.i18n import match_locale  # local: i18n knows language tags
        code = value.replace("-", "_")
        if 2 <= len(code) <= 12 and code.replace("_", "").isalpha():
            code = match_locale(code) or code.lower()
            if code not in speaks:
                speaks.append(code)
        else:
            problems.append(ParamProblem("speaks", _l("“%(value)s” is not a language code such as ar, fa or uk, so we left it out.", value=value[:20])))

    sort = _first(params, "sort").lower()
    if sort and sort not in SORTS:
        problems.append(ParamProblem("sort", _l("We can't sort by “%(value)s”, so we sorted by best match.", value=sort[:20])))
        sort = ""

    radius_raw = _first(params, "radius")
    radius = 5
    if radius_raw:
        try:
            radius = parse_integer(radius_raw, min(RADIUS_CHOICES), max(RADIUS_CHOICES))
        except NumberError:
            try:  # "5.0" is still 5 miles
                radius = int(parse_decimal(radius_raw, min(RADIUS_CHOICES), max(RADIUS_CHOICES)))
            except NumberError:
                radius = -1
        if radius not in RADIUS_CHOICES:
            problems.append(ParamProblem("radius", _l("Choose a distance of 1, 2, 5 or 10 miles; we used 5 miles.")))
            radius = 5

    postcode = _first(params, "postcode")[:20].strip()
    lat = _float(params, "lat", problems, -90, 90)
    lon = _float(params, "lon", problems, -180, 180)
    if lat is None or lon is None:
        lat = lon = None

    query = SearchQuery(
        q=q, creche=_flag(params, "creche", problems), levels=levels, kind=kinds[0] if len(kinds) == 1 else "",
        days=days, times=times, free=_flag(params, "free", problems), women=_flag(params, "women", problems),
        mode=modes[0] if len(modes) == 1 else "", speaks=tuple(speaks), places=_flag(params, "places", problems),
        starts_weeks=_weeks(params, "starts", problems), creche_places=creche_places, postcode=postcode, radius=radius,
        lat=lat, lon=lon, sort=sort, page=_int(params, "page", 1, problems, 1, 10_000),
        per_page=_int(params, "per_page", DEFAULT_PER_PAGE, problems, 1, MAX_PER_PAGE),
    )
    return Parsed(query, problems)
