"""The search index kept in step with the database, and searches that load their courses.

The database is the truth; each instance keeps its own index (its own data directory) and follows
the database's change feed (`catalogue_changes`, one row per catalogue version naming the courses it
changed): PostgreSQL tells it of every commit at once (LISTEN/NOTIFY), and it also polls, which is
all SQLite has. Changed courses are applied to the live index; an instance too far behind (or one
whose feed has been trimmed past its version) rebuilds a new index beside the live one and swaps it
in, so readers keep the old index until then. Rebuilds and index writes run on the follower's
thread, never on the event loop; one writer at a time in a process.

`readiness()` says whether this instance can answer searches truthfully: an index at the database's
version, or behind it for no longer than the lag budget.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from whoosh.index import EmptyIndexError
from whoosh.index import IndexError as WhooshIndexError

from finder.db import NOTIFY_CHANNEL, listen
from finder.models import CatalogueChange, Course, CourseSession
from finder.queries import listings
from finder.search import cards, engine
from finder.search.index import IndexStore, course_document
from finder.search.params import SearchQuery

log = logging.getLogger(__name__)

UNREADABLE = (EmptyIndexError, WhooshIndexError, OSError, ValueError, EOFError)


class IndexNotReady(RuntimeError):
    """The index is being built from scratch: this instance cannot search yet (answer 503, try another)."""


@dataclass(frozen=True)
class Readiness:
    ready: bool
    database_version: int
    index_version: int | None
    rebuilding: bool
    behind_seconds: float
    detail: str


_ABSENT = object()


class KeptViews:
    """A course of a page whose every view the page asked for is kept (`search_records`): its id,
    those views and where to keep more; reading anything else of it is a mistake (AttributeError)."""

    __slots__ = ("id", "keep", "views")
    keep: Callable
    views: dict

    def __init__(self, course_id: int):
        self.id = course_id


class SearchService:
    # More changed courses than this since the index's version: rebuild beside it and swap instead.
    CATCH_UP_LIMIT = 5000
    # Courses written per index commit while catching up (about 0.2 s of writing at 100,000 courses).
    APPLY_CHUNK = 200
    # A missing or broken index of up to this many courses is rebuilt in the request that found it
    # (well under a second); a larger one in the background while this instance answers 503.
    INLINE_REBUILD_MAX = 2000

    def __init__(self, store: IndexStore, sessions: sessionmaker[Session], hide_after_days: int = 365,
                 lag_budget: float = 5.0, poll_interval: float = 0.25):
        self.store = store
        self.sessions = sessions
        self.hide_after_days = hide_after_days
        self.lag_budget = lag_budget
        self.poll_interval = poll_interval
        self._write = threading.RLock()  # one index writer in this process
        self._rebuilding = False
        self._behind_since: float | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._follower: threading.Thread | None = None
        self._warmed = threading.Event()  # a followed instance is ready once its first index is warm
        self.last_error = ""

    # -- keeping the index in step ----------------------------------------------------
    def rebuild(self) -> int:
        """Build the whole index anew from the database, beside the live one, and swap it in."""
        with self._write:
            self._rebuilding = True
            try:
                with self.sessions() as db:
                    version = listings.catalogue_version(db)
                    expected = listings.published_course_count(db)
                    # Plain records read with Core, not ORM objects: the same attributes, a fraction of the time.
                    courses = listings.plain_published_courses(db)
                    count = self.store.rebuild((course_document(c) for c in courses), version, expected=expected)
            finally:
                self._rebuilding = False
            self._current(version)
            return count

    def ensure_current(self) -> bool:
        """Rebuild if the index is missing, unreadable or not at the database's version."""
        with self._write:
            with self.sessions() as db:
                version = listings.catalogue_version(db)
            stale = self.store.version() != version
            if not stale:
                try:
                    self.store.searcher()
                except UNREADABLE:
                    stale = True
            if stale:
                log.info("search index missing or stale: rebuilding from the database")
                self.rebuild()
            return stale

    def _current(self, version: int) -> None:
        self._behind_since = None
        self.last_error = ""

    def _write_courses(self, course_ids, version: int | None) -> None:
        """Write these courses as the database has them now (a course no longer published is deleted);
        stamp `version` when given (None: more of the same catch-up is still to come)."""
        course_ids = list(dict.fromkeys(course_ids))
        with self.sessions() as db:
            published = {c.id: c for c in listings.plain_published_courses(db, course_ids)} if course_ids else {}
            documents = [course_document(c) for c in published.values()]
        deletes = [cid for cid in course_ids if cid not in published]
        self.store.update(documents, deletes, version)

    def _feed(self, db: Session, after: int, upto: int) -> list[list[int]] | None:
        """Each version's changed courses after `after` up to `upto`, smallest change first (a single
        edit before a large import), or None when the feed no longer reaches back that far."""
        rows = db.execute(select(CatalogueChange.version, CatalogueChange.course_ids).where(
            CatalogueChange.version > after, CatalogueChange.version <= upto)).all()
        if len(rows) != upto - after:
            return None
        changes = [(len(ids or ()), version, [int(cid) for cid in ids or ()]) for version, ids in rows]
        return [ids for _, _, ids in sorted(changes)]

    def _catch_up(self) -> str:
        """Bring the index to the database's version (the caller holds the write lock): 'current',
        'applied' (changed courses written), or 'rebuild' (too far behind, or no index).

        Changes are written `APPLY_CHUNK` courses per commit, smallest change first, and the feed is
        read again between commits: an edit committed while a large import is being applied is
        written in the next commit, not after the whole import. Each commit is searchable at once;
        the index's version is stamped when every change up to it is written."""
        with self.sessions() as db:
            db_version = listings.catalogue_version(db)
            index_version = self.store.version()
            if index_version == db_version:
                self._current(db_version)
                return "current"
            if self._behind_since is None:
                self._behind_since = time.monotonic()
            if index_version is None or index_version > db_version:
                return "rebuild"  # no index, or one from a database since restored to an older state
            changes = self._feed(db, index_version, db_version)
        if changes is None:
            return "rebuild"  # the feed no longer reaches back to this index's version
        pending = list(dict.fromkeys(cid for ids in changes for cid in ids))
        if len(pending) > self.CATCH_UP_LIMIT:
            return "rebuild"
        written, commits, started = 0, 0, time.monotonic()
        try:
            while True:
                commits += 1
                chunk, pending = pending[:self.APPLY_CHUNK], pending[self.APPLY_CHUNK:]
                if not pending:
                    self._write_courses(chunk, db_version)
                    break
                self._write_courses(chunk, None)
                written += len(chunk)
                with self.sessions() as db:
                    newest = listings.catalogue_version(db)
                    if newest > db_version:
                        newer = self._feed(db, db_version, newest)
                        if newer is None:
                            return "rebuild"
                        fresh = list(dict.fromkeys(cid for ids in newer for cid in ids))
                        seen = set(fresh)
                        pending = fresh + [cid for cid in pending if cid not in seen]
                        db_version = newest
                if written + len(pending) > self.CATCH_UP_LIMIT:
                    return "rebuild"
        except UNREADABLE:
            log.warning("search index could not be updated in place: rebuilding", exc_info=True)
            return "rebuild"
        if commits > 1:
            log.info("search index caught up: %d courses in %d commits, %.1f s",
                     written + len(chunk), commits, time.monotonic() - started)
        self._current(db_version)
        return "applied"

    def sync(self, rebuild: bool = True) -> str:
        """Bring the index to the database's version: apply the change feed, or (with `rebuild`)
        rebuild beside the live index. Returns what it did; 'busy' when another writer holds the index."""
        if not self._write.acquire(timeout=0 if self._rebuilding else 5):
            return "busy"
        try:
            outcome = self._catch_up()
            if outcome == "rebuild" and rebuild:
                log.info("search index too far behind the database (or missing): rebuilding beside it")
                self.rebuild()
                return "rebuilt"
            return outcome
        finally:
            self._write.release()

    def apply(self, course_ids, version: int) -> None:
        """This instance has just committed a change. A served instance wakes its follower, which writes
        the index off the event loop within milliseconds (so the request that made the change is not held
        up); without a follower (tests, commands) the index is brought up to date here and now, with any
        other instance's changes before it, from the feed."""
        if self.following:
            self._wake.set()
            return
        self.sync(rebuild=True)

    def warm(self) -> None:
        """Read the courses' places and session times into memory now, not on the first near-me
        or next-session search (about a second per 100,000 courses)."""
        self.store.warm()
        self._warmed.set()

    def _warm_beside(self) -> None:
        """Warm on a thread of its own, so that the follower goes on applying edits meanwhile."""
        def run() -> None:
            try:
                self.warm()
            except Exception:
                log.warning("search index could not be warmed", exc_info=True)
                self._warmed.set()  # searches still work, only slower at first
        threading.Thread(target=run, name="search-warm", daemon=True).start()

    # -- following the database (one thread per instance) ---------------------------------
    @property
    def following(self) -> bool:
        return self._follower is not None and self._follower.is_alive()

    def start_following(self, engine) -> None:
        """Follow the change feed on a background thread: wake on PostgreSQL's NOTIFY, and poll every
        `poll_interval` seconds in any case (SQLite has no NOTIFY; a lost connection loses none)."""
        if self.following:
            return
        self._stop.clear()
        self._follower = threading.Thread(target=self._follow, args=(engine,), name="search-follower", daemon=True)
        self._follower.start()

    def stop_following(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._follower is not None:
            self._follower.join(timeout=10)
        self._follower = None

    def _follow(self, engine) -> None:
        listener = None
        warming = False
        while not self._stop.is_set():
            try:
                outcome = self.sync(rebuild=True)
                if outcome in ("current", "applied", "rebuilt") and (not warming or outcome == "rebuilt"):
                    self._warm_beside()  # the first index, and each rebuilt one (its caches are new)
                    warming = True
            except Exception as exc:  # keep following; readiness reports it
                self.last_error = type(exc).__name__
                log.warning("search index could not follow the database", exc_info=True)
            if engine is not None and engine.dialect.name == "postgresql":
                try:
                    listener = listener or listen(engine, NOTIFY_CHANNEL)
                    woke = any(True for _ in listener.notifies(timeout=self.poll_interval, stop_after=1))
                    if woke or self._wake.is_set():
                        self._wake.clear()
                    continue
                except Exception:
                    log.warning("LISTEN connection lost: polling until it is back", exc_info=True)
                    if listener is not None:
                        try:
                            listener.close()
                        except Exception:
                            pass
                    listener = None
            self._wake.wait(self.poll_interval)
            self._wake.clear()
        if listener is not None:
            listener.close()

    def readiness(self) -> Readiness:
        """Cheap: one query for the database's version, one small file read for the index's."""
        with self.sessions() as db:
            db_version = listings.catalogue_version(db)
        index_version = self.store.version()
        behind = 0.0
        if index_version != db_version:
            if self._behind_since is None:
                self._behind_since = time.monotonic()
            behind = time.monotonic() - self._behind_since
        if index_version is None:
            detail, ready = ("rebuilding the search index from scratch" if self._rebuilding
                             else "no search index"), False
        elif self.following and not self._warmed.is_set():
            detail, ready = "warming the search index", False
        elif index_version == db_version:
            detail, ready = "search index current", True
        elif behind <= self.lag_budget:
            detail, ready = "search index catching up", True
        else:
            detail, ready = ("rebuilding the search index" if self._rebuilding
                             else "search index behind the database"), False
        return Readiness(ready, db_version, index_version, self._rebuilding, round(behind, 3), detail)

    # -- searching --------------------------------------------------------------------
    def visible_since(self, today: dt.date | None = None) -> int:
        return (today or dt.date.today()).toordinal() - self.hide_after_days

    def search(self, query: SearchQuery, place: engine.SearchArea | None = None, now: dt.datetime | None = None,
               explain_empty: bool = True) -> engine.SearchOutcome:
        """One page of hits (course ids, distances, next sessions) for `query` on the current commit."""
        return self._reading(lambda: self._found(query, place, now, explain_empty))

    def count(self, query: SearchQuery, place: engine.SearchArea | None = None, now: dt.datetime | None = None) -> int:
        """How many courses `query` finds on the current commit (`search`'s total, nothing ranked)."""
        return self._reading(lambda: self._found(query, place, now, False, count_only=True)).total

    def search_records(self, query: SearchQuery, place: engine.SearchArea | None = None,
                       now: dt.datetime | None = None, explain_empty: bool = True,
                       views=None) -> tuple[engine.SearchOutcome, list[tuple] | None]:
        """`search`, and the page's courses as plain records made from their cards in the same commit
        (`cards.course_of`: what results pages and the JSON show), or None for an index without cards
        (then `load` reads them from the database).

        Each course carries `keep(key, make, size)`, where a page keeps what it makes of that course
        alone (its result's HTML or JSON) with the commit (`IndexStore.kept`), and `views`: those of
        `views(course_id)` (the keys the caller will ask `keep` for) already kept. A course whose every
        view is kept is not read at all: it is a `KeptViews` with its id alone."""
        def run():
            outcome = self._found(query, place, now, explain_empty)
            return outcome, self._records(outcome, views)

        return self._reading(run)

    def _reading(self, run):
        for attempt in (1, 2):
            try:
                with self.store.reading():  # one commit's index for the whole search (thread-safe)
                    return run()
            except UNREADABLE:
                if attempt == 2:
                    raise
                log.warning("search index unreadable: reopening or rebuilding", exc_info=True)
                self.store.close()
                self._recover()
        raise AssertionError("unreachable")

    def _found(self, query, place, now, explain_empty, count_only: bool = False) -> engine.SearchOutcome:
        now = (now or dt.datetime.now()).replace(second=0, microsecond=0)  # answers change by the minute
        visible_since = self.visible_since(now.date())
        commit = self.store.commit()

        def found() -> engine.SearchOutcome:
            outcome = engine.run(self.store, query, place, now=now, visible_since=visible_since,
                                 explain_empty=explain_empty, count_only=count_only)
            outcome.commit = commit
            return outcome

        # The same search on the same commit finds the same page all day (what is shown and which
        # filters match change by the day), in "next class first" order within the same minute: the
        # pages of the searches people repeat are kept with the commit (`IndexStore.kept`).
        where = (place.latitude, place.longitude, place.radius_miles) if place is not None else None
        moment = now if query.effective_sort == "next" else now.date()
        kept = self.store.kept(commit, ("count" if count_only else "page", query, where, moment, explain_empty), found)
        return dataclasses.replace(kept, hits=list(kept.hits), relaxations=dict(kept.relaxations))

    def _records(self, outcome: engine.SearchOutcome, views) -> list[tuple] | None:
        searcher = self.store.searcher()
        if outcome.commit != self.store.commit():
            return None  # the index changed since (not while `reading`)
        keep = functools.partial(self.store.kept, outcome.commit)
        items = []
        for hit in outcome.hits:
            wanted = views(hit.course_id) if views is not None else []
            found = {key: value for key in wanted
                     if (value := self.store.peek(outcome.commit, key, _ABSENT)) is not _ABSENT}
            if wanted and len(found) == len(wanted):
                course = KeptViews(hit.course_id)
            else:
                card = searcher.stored_fields(hit.docnum).get("card")
                if card is None:
                    return None
                course = cards.course_of(card)
            course.keep, course.views = keep, found
            items.append((course, hit))
        return items

    def _recover(self) -> None:
        """The index could not be read: another writer may have swapped it (reopen), else rebuild it
        here if it is small, or leave a large one to the follower and say the index is not ready."""
        try:
            self.store.searcher()
            return
        except UNREADABLE:
            pass
        if self._rebuilding:
            raise IndexNotReady()
        if self.following:
            with self.sessions() as db:
                large = listings.published_course_count(db) > self.INLINE_REBUILD_MAX
            if large:
                self._wake.set()
                raise IndexNotReady()
        with self._write:
            try:
                self.store.searcher()  # rebuilt meanwhile by another thread
            except UNREADABLE:
                self.store.close()
                self.rebuild()

    def load(self, db: Session, hits: list[engine.Hit]) -> list[tuple[Course, engine.Hit]]:
        """The courses behind a page of hits, in the hits' order (skipping any since removed)."""
        ids = [h.course_id for h in hits]
        courses = {c.id: c for c in db.scalars(
            select(Course).where(Course.id.in_(ids), Course.status == "published").options(
                selectinload(Course.organisation),
                selectinload(Course.sessions).selectinload(CourseSession.venue),
                selectinload(Course.translations)))}
        return [(courses[h.course_id], h) for h in hits if h.course_id in courses]
