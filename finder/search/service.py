"""The search index kept in step with the database, and searches that load their courses.

The database is the truth; this module rebuilds the index from it when it is missing,
corrupt or stale (its catalogue version differs), and applies single changes at once.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from whoosh.index import EmptyIndexError
from whoosh.index import IndexError as WhooshIndexError

from finder.models import Course, CourseSession
from finder.queries import listings
from finder.search import engine
from finder.search.index import IndexStore, course_document
from finder.search.params import SearchQuery

log = logging.getLogger(__name__)


class SearchService:
    def __init__(self, store: IndexStore, sessions: sessionmaker[Session], hide_after_days: int = 365):
        self.store = store
        self.sessions = sessions
        self.hide_after_days = hide_after_days

    # -- keeping the index in step ----------------------------------------------------
    def rebuild(self) -> int:
        with self.sessions() as db:
            version = listings.catalogue_version(db)
            expected = listings.published_course_count(db)
            courses = db.scalars(listings.published_courses_query()).yield_per(500)
            return self.store.rebuild((course_document(c) for c in courses), version, expected=expected)

    def ensure_current(self) -> bool:
        """Rebuild if the index is missing, unreadable or not at the database's version."""
        with self.sessions() as db:
            version = listings.catalogue_version(db)
        stale = self.store.version() != version
        if not stale:
            try:
                self.store.searcher()
            except (EmptyIndexError, WhooshIndexError, OSError, ValueError, EOFError):
                stale = True
        if stale:
            log.info("search index missing or stale: rebuilding from the database")
            self.rebuild()
        return stale

    def apply(self, course_ids, version: int) -> None:
        """Bring the given courses up to date in the index (added, changed or removed)."""
        course_ids = list(dict.fromkeys(course_ids))
        try:
            with self.sessions() as db:
                published = {c.id: c for c in db.scalars(
                    listings.published_courses_query().where(Course.id.in_(course_ids)))}
                documents = [course_document(c) for c in published.values()]
            deletes = [cid for cid in course_ids if cid not in published]
            self.store.update(documents, deletes, version)
        except (EmptyIndexError, WhooshIndexError, OSError, ValueError, EOFError):
            log.warning("search index could not be updated in place: rebuilding", exc_info=True)
            self.rebuild()

    def warm(self) -> None:
        """Read the courses' places and session times into memory now, not on the first near-me
        or next-session search (about a second per 100,000 courses)."""
        self.store.warm()

    # -- searching --------------------------------------------------------------------
    def visible_since(self, today: dt.date | None = None) -> int:
        return (today or dt.date.today()).toordinal() - self.hide_after_days

    def search(self, query: SearchQuery, place: engine.SearchArea | None = None, now: dt.datetime | None = None,
               explain_empty: bool = True) -> engine.SearchOutcome:
        for attempt in (1, 2):
            try:
                return engine.run(self.store, query, place, now=now,
                                  visible_since=self.visible_since((now or dt.datetime.now()).date()),
                                  explain_empty=explain_empty)
            except (EmptyIndexError, WhooshIndexError, OSError, ValueError, EOFError):
                if attempt == 2:
                    raise
                log.warning("search index unreadable: rebuilding from the database", exc_info=True)
                self.store.close()
                self.rebuild()
        raise AssertionError("unreachable")

    def load(self, db: Session, hits: list[engine.Hit]) -> list[tuple[Course, engine.Hit]]:
        """The courses behind a page of hits, in the hits' order (skipping any since removed)."""
        ids = [h.course_id for h in hits]
        courses = {c.id: c for c in db.scalars(
            select(Course).where(Course.id.in_(ids), Course.status == "published").options(
                selectinload(Course.organisation),
                selectinload(Course.sessions).selectinload(CourseSession.venue),
                selectinload(Course.translations)))}
        return [(courses[h.course_id], h) for h in hits if h.course_id in courses]
