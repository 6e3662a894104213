"""Which services an ORUK list answers with: filters by text, taxonomy term, taxonomy and
proximity, combined with AND, in the search engine's order, and the page wrapper.

Text and proximity run through the search engine (the same words, stemming and radius as the
public search, and the same rule hiding listings nobody has checked for a year); taxonomy filters
are then applied to the matching courses' vocabulary.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import select

from finder.domain.numbers import NumberError, parse_decimal, parse_integer
from finder.geo.shapes import PostcodeError
from finder.models import Course, Organisation
from finder.oruk import ids
from finder.oruk.vocabulary import BY_ID, TAXONOMIES, all_terms
from finder.search.engine import SearchArea
from finder.search.params import MAX_QUERY_LENGTH, SearchQuery

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
DEFAULT_PROXIMITY_METRES = 8047  # five miles
MAX_PROXIMITY_METRES = 80_000
METRES_PER_MILE = 1609.344
# The course fields the taxonomies carry (`finder.domain.fields`, by way of `finder.oruk.vocabulary`).
_FIELDS = tuple(t.field for t in TAXONOMIES)


class FilterError(ValueError):
    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


@dataclass
class ServiceFilter:
    text: str = ""
    term_ids: tuple[str, ...] = ()
    taxonomy_ids: tuple[str, ...] = ()
    organization_id: str = ""
    place: SearchArea | None = None
    modified_after: dt.datetime | None = None  # naive UTC, as the database keeps times

    @property
    def needs_vocabulary(self) -> bool:
        return bool(self.term_ids or self.taxonomy_ids or self.organization_id)


@dataclass
class Paging:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def wrap(self, total: int, contents: list) -> dict:
        pages = max(1, math.ceil(total / self.per_page))
        return {"total_items": total, "total_pages": pages, "page_number": self.page, "size": len(contents),
                "first_page": self.page == 1, "last_page": self.page >= pages, "empty": not contents,
                "contents": contents}

    def slice(self, items: list) -> list:
        start = (self.page - 1) * self.per_page
        return items[start:start + self.per_page]


def _ints(params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        return parse_integer(raw, low, high)
    except NumberError as exc:
        if exc.reason == "not-a-number":
            raise FilterError(name, f"{name} must be a whole number.") from None
        raise FilterError(name, f"{name} must be between {low} and {high}.") from None


def parse_paging(params) -> Paging:
    return Paging(_ints(params, "page", 1, 1, 1_000_000), _ints(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE))


def _float(params, name: str, low: float, high: float) -> float | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return parse_decimal(raw, low, high)
    except NumberError:
        raise FilterError(name, f"{name} must be a number between {low:g} and {high:g}.") from None


def _uuids(params, name: str) -> tuple[str, ...]:
    values = []
    for raw in params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]:
        for piece in str(raw or "").split(","):
            piece = piece.strip().lower()
            if not piece:
                continue
            if not ids.is_uuid(piece):
                raise FilterError(name, f"{name} must be a UUID.")
            values.append(piece)
    return tuple(dict.fromkeys(values))


def _datetime(params, name: str) -> dt.datetime | None:
    """An ISO 8601 date or date-time ("2026-11-01", "2026-11-01T09:30:00Z", with an offset or without:
    then UTC), as naive UTC."""
    raw = str(params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise FilterError(name, f"{name} must be a date-time such as 2026-11-01T00:00:00Z.") from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def parse_filter(params, postcodes=None) -> ServiceFilter:
    """The ORUK filters from query parameters; a malformed value raises FilterError."""
    text = " ".join(str(params.get("text") or params.get("search") or "").split())[:MAX_QUERY_LENGTH]
    proximity = _float(params, "proximity", 1, MAX_PROXIMITY_METRES)
    latitude, longitude = _float(params, "lat", -90, 90), _float(params, "long", -180, 180)
    if (latitude is None) != (longitude is None):
        raise FilterError("lat" if latitude is None else "long", "Give both lat and long.")
    place = None
    if latitude is not None:
        place = SearchArea(latitude, longitude, (proximity or DEFAULT_PROXIMITY_METRES) / METRES_PER_MILE)
    elif params.get("postcode"):
        try:
            found = postcodes.lookup(str(params.get("postcode")))
        except PostcodeError as exc:
            raise FilterError("postcode", str(exc.message)) from None
        place = SearchArea(found.latitude, found.longitude, (proximity or DEFAULT_PROXIMITY_METRES) / METRES_PER_MILE)
    elif proximity is not None:
        raise FilterError("proximity", "proximity needs lat and long, or a postcode.")
    organization = _uuids(params, "organization_id")
    return ServiceFilter(text=text, term_ids=_uuids(params, "taxonomy_term_id"),
                         taxonomy_ids=_uuids(params, "taxonomy_id"),
                         organization_id=organization[0] if organization else "", place=place,
                         modified_after=_datetime(params, "modified_after"))


def _vocabulary_rows(db) -> dict[int, SimpleNamespace]:
    columns = [getattr(Course, name) for name in _FIELDS]
    rows = db.execute(select(Course.id, Organisation.key, *columns).join(Organisation)
                      .where(Course.status == "published"))
    return {row[0]: SimpleNamespace(organisation_key=row[1], **dict(zip(_FIELDS, row[2:], strict=False))) for row in rows}


def _matches(row: SimpleNamespace, flt: ServiceFilter, terms: dict) -> bool:
    if flt.organization_id and ids.entity_id("organization", row.organisation_key) != flt.organization_id:
        return False
    for term_id in flt.term_ids:
        term = terms.get(term_id)
        if term is None or term.slug not in term.taxonomy.values(row):
            return False
    for taxonomy_id in flt.taxonomy_ids:
        taxonomy = BY_ID.get(taxonomy_id)
        if taxonomy is None or not taxonomy.values(row):
            return False
    return True


def course_ids(services, flt: ServiceFilter) -> list[int]:
    """The matching published courses' ids, best first (nearest first with a place)."""
    query = SearchQuery(q=flt.text, per_page=10_000_000, sort="distance" if flt.place else "")
    outcome = services.search.search(query, flt.place, explain_empty=False)
    found = [hit.course_id for hit in outcome.hits]
    if flt.modified_after is not None:
        with services.sessions() as db:
            changed = set(db.scalars(select(Course.id).where(Course.status == "published",
                                                             Course.updated_at >= flt.modified_after)))
        found = [cid for cid in found if cid in changed]
    if not flt.needs_vocabulary:
        return found
    with services.sessions() as db:
        rows = _vocabulary_rows(db)
    languages = {code for row in rows.values() for code in row.languages or []}
    terms = {term.id: term for term in all_terms(languages)}
    return [cid for cid in found if cid in rows and _matches(rows[cid], flt, terms)]


def catalogue_languages(db) -> set[str]:
    return {code for (languages,) in db.execute(select(Course.languages).where(Course.status == "published"))
            for code in languages or []}

