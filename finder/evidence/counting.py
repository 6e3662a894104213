"""Adding to the anonymous demand counts: atomic upserts, off the search's path.

`INSERT … ON CONFLICT (key) DO UPDATE SET n = n + k` with SQLite's or PostgreSQL's own insert
(chosen by the engine's dialect), so concurrent searches on several workers never lose a count;
another database gets an UPDATE … SET n = n + k and, when no row was there, an INSERT retried once
on a clash.

`count_search` is what every public search calls: it never raises, logs nothing personal, and only
adds one to this process's pending counts (a dictionary, microseconds). A background thread writes the
pending counts every FLUSH_SECONDS in one transaction (and at exit); `flush` writes them at once (the
evidence pages call it before they read). A write that fails is retried with the next one.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time
import weakref
from collections import Counter
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from finder import i18n
from finder.domain import evidence as rules
from finder.geo.shapes import PostcodeError, district_of, normalise_postcode
from finder.models import DemandCount

log = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
MAX_FAILED_WRITES = 30  # then the pending counts are given up (and the loss logged), not kept for ever
COUNTED_FLAG = "counted"  # ?counted=1: this search was already counted in this visit (a public contract)
KEY_COLUMNS = ("week", "district", "need", "outcome", "source")


def _upsert_statement(dialect: str, values: dict[str, Any], by: int = 1):
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DemandCount).values(**values, n=by)
    return statement.on_conflict_do_update(index_elements=list(KEY_COLUMNS),
                                           set_={"n": DemandCount.n + by})


def add(sessions: sessionmaker[Session], *, week: str, district: str, need: str, outcome: str,
        source: str = "search", by: int = 1) -> None:
    """Add `by` (normally one) to the count for this key, atomically."""
    values = {"week": week, "district": district, "need": need, "outcome": outcome, "source": source}
    engine = sessions.kw.get("bind")
    if engine is not None and engine.dialect.name in ("sqlite", "postgresql"):
        # One statement in one short transaction on a pooled connection (no ORM session: it is every search).
        with engine.begin() as connection:
            connection.execute(_upsert_statement(engine.dialect.name, values, by))
        return
    add_by_update_then_insert(sessions, values, by)


def add_by_update_then_insert(sessions: sessionmaker[Session], values: dict[str, Any], by: int = 1) -> None:
    """For a database without ON CONFLICT: UPDATE … SET n = n + by, else INSERT, retried once on a clash."""
    with sessions() as db:
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


Key = tuple[str, str, str, str, str]  # week, district, need, outcome, source


class PendingCounts:
    """Counts not yet written, for one database; written by a background thread that stops when idle."""

    def __init__(self, sessions: sessionmaker[Session], interval: float = FLUSH_SECONDS):
        self.sessions = sessions
        self.interval = interval
        self._counts: Counter[Key] = Counter()
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        self._thread: threading.Thread | None = None
        self._failures = 0

    def add(self, key: Key) -> None:
        with self._lock:
            self._counts[key] += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="evidence-counts", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()
            with self._lock:
                if not self._counts:
                    self._thread = None
                    return

    def flush(self) -> int:
        """Write every pending count now, in one transaction; how many keys were written."""
        with self._writing:
            with self._lock:
                taken, self._counts = self._counts, Counter()
            if not taken:
                return 0
            try:
                write(self.sessions, taken)
            except Exception as exc:  # kept for the next write; never raised into a search
                self._failures += 1
                if self._failures >= MAX_FAILED_WRITES:
                    log.error("gave up %s pending demand counts after %s failed writes (%s)",
                              sum(taken.values()), self._failures, type(exc).__name__)
                    self._failures = 0
                    return 0
                log.warning("demand counts could not be written yet (%s); they will be retried",
                            type(exc).__name__)
                with self._lock:
                    self._counts.update(taken)
                return 0
            self._failures = 0
            return len(taken)


_pending: weakref.WeakKeyDictionary[sessionmaker, PendingCounts] = weakref.WeakKeyDictionary()
_pending_lock = threading.Lock()


def pending_for(sessions: sessionmaker[Session]) -> PendingCounts:
    found = _pending.get(sessions)
    if found is None:
        with _pending_lock:
            found = _pending.get(sessions)
            if found is None:
                found = _pending[sessions] = PendingCounts(sessions)
    return found


def flush(sessions: sessionmaker[Session]) -> int:
    """Write this process's pending counts for that database now (before reading the counts)."""
    found = _pending.get(sessions)
    return found.flush() if found is not None else 0


def close(sessions: sessionmaker[Session]) -> None:
    """Write this process's pending counts for that database one last time and forget them (its services
    are closing: a test's database, a command's, an app's): nothing is retried against a database gone."""
    with _pending_lock:
        found = _pending.pop(sessions, None)
    if found is not None:
        found.flush()


@atexit.register
def _flush_everything() -> None:
    for pending in list(_pending.values()):
        try:
            pending.flush()
        except Exception:  # at exit, the database may be gone
            pass


def write(sessions: sessionmaker[Session], counts: Counter) -> None:
    """Add many counts in one transaction, each atomically (n = n + k)."""
    engine = sessions.kw.get("bind")
    if engine is not None and engine.dialect.name in ("sqlite", "postgresql"):
        with engine.begin() as connection:
            for key, by in sorted(counts.items()):
                connection.execute(_upsert_statement(engine.dialect.name, dict(zip(KEY_COLUMNS, key, strict=True)), by))
        return
    for key, by in sorted(counts.items()):
        add_by_update_then_insert(sessions, dict(zip(KEY_COLUMNS, key, strict=True)), by)


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
        key = (rules.week_key(today or dt.date.today()), district_for(services, query),
               rules.need_key(need_of(query, i18n.get_locale())), rules.outcome_band(total), "search")
        pending_for(services.sessions).add(key)
    except Exception as exc:  # counting must never break a search
        log.warning("a search could not be counted (%s)", type(exc).__name__)


def count_stated_need(sessions: sessionmaker[Session], district: str, need: rules.Need,
                      today: dt.date | None = None) -> None:
    """Add one "Tell us what you need" answer to the same counts, as a stated need."""
    add(sessions, week=rules.week_key(today or dt.date.today()), district=rules.clean_district(district),
        need=rules.need_key(need), outcome="", source="stated")
