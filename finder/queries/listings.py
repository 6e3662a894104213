"""Read-side questions for pages that are not full-text search."""

from __future__ import annotations

from typing import Any, Iterator

from sqlalchemy import Select, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, selectinload

from finder.models import CatalogueState, Course, CourseSession, CourseTranslation, Organisation, Venue


def catalogue_version(db: Session) -> int:
    return db.scalar(select(CatalogueState.version).where(CatalogueState.id == 1)) or 0


def _course_loading():
    return (selectinload(Course.organisation),
            selectinload(Course.sessions).selectinload(CourseSession.venue),
            selectinload(Course.translations))


def published_courses_query() -> Select:
    return select(Course).where(Course.status == "published").options(*_course_loading()).order_by(Course.id)


def published_course_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Course).where(Course.status == "published")) or 0


def course(db: Session, course_id: int, public: bool = True) -> Course | None:
    stmt = select(Course).where(Course.id == course_id).options(*_course_loading())
    if public:
        stmt = stmt.where(Course.status == "published")
    return db.scalar(stmt)


def organisation(db: Session, organisation_id: int) -> Organisation | None:
    return db.get(Organisation, organisation_id)


def organisation_courses(db: Session, organisation_id: int) -> list[Course]:
    return list(db.scalars(select(Course).where(Course.organisation_id == organisation_id, Course.status == "published")
                           .options(*_course_loading()).order_by(Course.title)))


def count_published(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Course).where(Course.status == "published")) or 0


def count_organisations(db: Session) -> int:
    return db.scalar(select(func.count(func.distinct(Course.organisation_id))).where(Course.status == "published")) or 0


def recently_published(db: Session, limit: int = 50) -> list[Course]:
    """Published courses, newest publication first (the Atom feed)."""
    return list(db.scalars(select(Course).where(Course.status == "published", Course.published_at.is_not(None))
                           .options(*_course_loading()).order_by(Course.published_at.desc(), Course.id.desc())
                           .limit(limit)))


def published_courses_by_id(db: Session, course_ids: list[int]) -> dict[int, Course]:
    """Published courses with these ids (organisation, sessions, venues and translations loaded)."""
    return {c.id: c for c in db.scalars(published_courses_query().where(Course.id.in_(course_ids)))}


# -- published courses as plain records, for the search index ----------------------------------

class _Plain:
    def __init__(self, values: dict):
        self.__dict__ = values

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__dict__.get('id')})"


def _plain_class(model: type) -> type:
    """A light stand-in for `model`: its columns as plain attributes, and the same properties and
    methods (`Course.venues`, `Course.free`, `Venue.area`...), without the ORM's tracking."""
    names = {name: value for klass in reversed(model.__mro__) if klass.__module__ == model.__module__
             for name, value in vars(klass).items()
             if (isinstance(value, property) or callable(value)) and not name.startswith("_")
             and name not in sa_inspect(model).attrs}
    return type(f"Plain{model.__name__}", (_Plain,), names)


PlainCourse = _plain_class(Course)
PlainOrganisation = _plain_class(Organisation)
PlainVenue = _plain_class(Venue)
PlainSession = _plain_class(CourseSession)
PlainTranslation = _plain_class(CourseTranslation)


def _plain_rows(db: Session, kind: type, query) -> list[Any]:
    result = db.execute(query)
    names = list(result.keys())
    return [kind(dict(zip(names, row, strict=True))) for row in result]


def plain_published_courses(db: Session, course_ids: list[int] | None = None, batch: int = 1000) -> Iterator[Any]:
    """Published courses (all, or those with these ids) in id order as plain records, each with its
    organisation, sessions (by id, each with its venue) and translations (by locale), as
    `published_courses_query()` loads them: the same attributes, read with a few Core queries a batch
    instead of ORM objects (several times quicker for a whole catalogue, and lighter)."""
    courses_t, sessions_t = Course.__table__, CourseSession.__table__
    organisations: dict[int, Any] = {}
    venues: dict[int, Any] = {}
    wanted = sorted(set(course_ids)) if course_ids is not None else None
    last = None
    while True:
        query = select(courses_t).where(courses_t.c.status == "published").order_by(courses_t.c.id)
        if wanted is not None:
            if last is None:
                last = 0
            part = wanted[last:last + batch]
            last += batch
            if not part:
                return
            query = query.where(courses_t.c.id.in_(part))
        else:
            if last is not None:
                query = query.where(courses_t.c.id > last)
            query = query.limit(batch)
        courses = _plain_rows(db, PlainCourse, query)
        if not courses and wanted is None:
            return
        if wanted is None:
            last = courses[-1].id
        by_id = {course.id: course for course in courses}
        ids = list(by_id)
        for course in courses:
            course.sessions, course.translations = [], []
        missing = list({c.organisation_id for c in courses} - set(organisations))
        if missing:
            for organisation in _plain_rows(db, PlainOrganisation, select(Organisation.__table__).where(
                    Organisation.__table__.c.id.in_(missing))):
                organisations[organisation.id] = organisation
        sessions = _plain_rows(db, PlainSession, select(sessions_t).where(sessions_t.c.course_id.in_(ids))
                               .order_by(sessions_t.c.id)) if ids else []
        missing = list({s.venue_id for s in sessions if s.venue_id is not None} - set(venues))
        if missing:
            for venue in _plain_rows(db, PlainVenue, select(Venue.__table__).where(Venue.__table__.c.id.in_(missing))):
                venues[venue.id] = venue
        for session in sessions:
            session.venue = venues.get(session.venue_id) if session.venue_id is not None else None
            session.course = by_id[session.course_id]
            session.course.sessions.append(session)
        if ids:
            translations_t = CourseTranslation.__table__
            for translation in _plain_rows(db, PlainTranslation, select(translations_t).where(
                    translations_t.c.course_id.in_(ids)).order_by(translations_t.c.course_id, translations_t.c.locale)):
                translation.course = by_id[translation.course_id]
                translation.course.translations.append(translation)
        for course in courses:
            course.organisation = organisations.get(course.organisation_id)
            yield course
        if len(venues) > 50 * batch:  # a catalogue of many venues: keep memory flat
            venues.clear()
