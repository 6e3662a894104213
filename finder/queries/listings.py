"""Read-side questions for pages that are not full-text search."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from finder.models import CatalogueState, Course, CourseSession, Organisation


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
