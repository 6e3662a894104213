"""Adding to the anonymous demand counts: one atomic upsert per search or stated need.

`INSERT … ON CONFLICT (key) DO UPDATE SET n = n + 1` with SQLite's or PostgreSQL's own insert
(chosen by the engine's dialect), so concurrent searches on several workers never lose a count;
another database gets an UPDATE … SET n = n + 1 and, when no row was there, an INSERT retried once
on a clash. `count_search` is what the search calls: it never raises and logs nothing personal.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from finder import i18n
from finder.domain import evidence as rules
from finder.geo.shapes import PostcodeError, district_of, normalise_postcode
from finder.models import DemandCount

log = logging.getLogger(__name__)

COUNTED_FLAG = "counted"  # ?counted=1: this search was already counted in this visit (a public contract)
KEY_COLUMNS = ("week", "district", "need", "outcome", "source")


def _upsert_statement(dialect: str, values: dict[str, Any]):
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DemandCount).values(**values, n=1)
    return statement.on_conflict_do_update(index_elements=list(KEY_COLUMNS),
                                           set_={"n": DemandCount.n + 1})


def add(sessions: sessionmaker[Session], *, week: str, district: str, need: str, outcome: str,
        source: str = "search", by: int = 1) -> None:
    """Add `by` (normally one) to the count for this key, atomically."""
    values = {"week": week, "district": district, "need": need, "outcome": outcome, "source": source}
    with sessions() as db:
        dialect = db.get_bind().dialect.name
        if dialect in ("sqlite", "postgresql") and by == 1:
            db.execute(_upsert_statement(dialect, values))
            db.commit()
            return
        for _attempt in range(2):
            matching = [getattr(DemandCount, name) == value for name, value in values.items()]
            result: Any = db.execute(update(DemandCount).where(*matching).values(n=DemandCount.n + by))
            changed = result.rowcount
            if changed:
                db.commit()
                return
            db.add(DemandCount(**values, n=by))
            try:
                db.commit()
                return
            except IntegrityError:  # another worker inserted it first: add to theirs
                db.rollback()
        raise RuntimeError("could not add to the demand count")


def district_for(services, query) -> str:
    """The postcode district of a search's place: a postcode's first part, or the district nearest to
    the browser's coordinates ("use my location"); "" when the search had no place."""
    if query.postcode:
        try:
            return rules.clean_district(district_of(normalise_postcode(query.postcode)))
        except PostcodeError:
            return ""
    if query.lat is not None and query.lon is not None:
        place = services.postcodes.directory.nearest_district(query.lat, query.lon)
        return place.label if place is not None else ""
    return ""


def need_of(query, lang: str) -> rules.Need:
    return rules.make_need(creche=query.creche, levels=query.levels, kind=query.kind, days=query.days,
                           times=query.times, women=query.women, free=query.free, mode=query.mode,
                           speaks=query.speaks, lang=lang, radius=query.radius if query.has_place else 0)


def already_counted(params) -> bool:
    value = params.get(COUNTED_FLAG) if hasattr(params, "get") else None
    return str(value or "").strip().lower() in ("1", "true", "yes")


def count_search(services, params, query, total: int, today: dt.date | None = None) -> None:
    """Count one public search, unless the link that brought it says it was counted already.

    Never raises: a failure is logged (without the search itself) and the search answers as usual."""
    try:
        if already_counted(params):
            return
        add(services.sessions, week=rules.week_key(today or dt.date.today()), district=district_for(services, query),
            need=rules.need_key(need_of(query, i18n.get_locale())), outcome=rules.outcome_band(total))
    except Exception as exc:  # counting must never break a search
        log.warning("a search could not be counted (%s)", type(exc).__name__)


def count_stated_need(sessions: sessionmaker[Session], district: str, need: rules.Need,
                      today: dt.date | None = None) -> None:
    """Add one "Tell us what you need" answer to the same counts, as a stated need."""
    add(sessions, week=rules.week_key(today or dt.date.today()), district=rules.clean_district(district),
        need=rules.need_key(need), outcome="", source="stated")
