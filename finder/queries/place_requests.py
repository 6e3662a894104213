"""Reading requests for a place: the sender's own (by its private token), a course's (for its
organisation's private page), and the anonymous weekly counts for the coordinators' evidence."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from finder.models import Course, PlaceRequest, PlaceRequestCount


def by_token(db: Session, token: str) -> PlaceRequest | None:
    return db.scalar(select(PlaceRequest).where(PlaceRequest.token == token)
                     .options(selectinload(PlaceRequest.course).selectinload(Course.organisation)))


def for_course(db: Session, course_id: int) -> list[PlaceRequest]:
    """A course's requests, newest first."""
    return list(db.scalars(select(PlaceRequest).where(PlaceRequest.course_id == course_id)
                           .order_by(PlaceRequest.created_at.desc(), PlaceRequest.id.desc())))


def counts_by_week(db: Session, weeks: list[str]) -> list[tuple[str, str, int, int]]:
    """(week, district, requests, of which asking for a crèche) for those ISO weeks, every course together."""
    if not weeks:
        return []
    rows = db.execute(select(PlaceRequestCount.week, PlaceRequestCount.district, func.sum(PlaceRequestCount.n),
                             func.sum(PlaceRequestCount.needs_creche))
                      .where(PlaceRequestCount.week.in_(weeks))
                      .group_by(PlaceRequestCount.week, PlaceRequestCount.district)
                      .order_by(PlaceRequestCount.week, PlaceRequestCount.district))
    return [(week, district, int(n or 0), int(creche or 0)) for week, district, n, creche in rows]


def counts_by_course(db: Session, weeks: list[str]) -> list[tuple[str, str, str, int, int]]:
    """(course key, course title or "", district, requests, of which asking for a crèche) over those weeks,
    most requested first."""
    if not weeks:
        return []
    total = func.sum(PlaceRequestCount.n)
    rows = db.execute(select(PlaceRequestCount.course_key, Course.title, PlaceRequestCount.district, total,
                             func.sum(PlaceRequestCount.needs_creche))
                      .outerjoin(Course, Course.key == PlaceRequestCount.course_key)
                      .where(PlaceRequestCount.week.in_(weeks))
                      .group_by(PlaceRequestCount.course_key, Course.title, PlaceRequestCount.district)
                      .order_by(total.desc(), PlaceRequestCount.course_key))
    return [(key, title or "", district, int(n or 0), int(creche or 0)) for key, title, district, n, creche in rows]


def counts_for_courses(db: Session, course_ids: list[int]) -> dict[int, int]:
    """How many requests for a place each of these courses has now."""
    if not course_ids:
        return {}
    return {course_id: int(n) for course_id, n in db.execute(
        select(PlaceRequest.course_id, func.count()).where(PlaceRequest.course_id.in_(course_ids))
        .group_by(PlaceRequest.course_id))}
