"""Read-side questions for the back office: the moderation queue, listings that need checking,
a listing's history and likely duplicates. What a change would change (the diff) is
`finder.domain.diff`, also reachable here as `review.changes`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from finder.domain import diff
from finder.domain.values import check_links_made_after
from finder.models import AuditEntry, CheckToken, Course, CourseSession, Organisation, Submission, Venue

OPEN_STATUSES = ("pending",)


def pending_submissions(db: Session, organisation_id: int | None = None) -> list[Submission]:
    query = (select(Submission).where(Submission.status.in_(OPEN_STATUSES))
             .options(selectinload(Submission.course), selectinload(Submission.organisation))
             .order_by(Submission.created_at, Submission.id))
    if organisation_id is not None:
        query = query.where(Submission.organisation_id == organisation_id)
    return list(db.scalars(query))


def recent_decisions(db: Session, limit: int = 20, organisation_id: int | None = None) -> list[Submission]:
    query = (select(Submission).where(Submission.status.not_in(OPEN_STATUSES))
             .options(selectinload(Submission.course), selectinload(Submission.organisation))
             .order_by(Submission.decided_at.desc(), Submission.id.desc()).limit(limit))
    if organisation_id is not None:
        query = query.where(Submission.organisation_id == organisation_id)
    return list(db.scalars(query))


def submission(db: Session, submission_id: int) -> Submission | None:
    return db.scalar(select(Submission).where(Submission.id == submission_id)
                     .options(selectinload(Submission.course).selectinload(Course.sessions),
                              selectinload(Submission.organisation)))


def stale_before(stale_after_days: int, today: dt.date | None = None) -> dt.date:
    return (today or dt.date.today()) - dt.timedelta(days=stale_after_days)


def is_stale(course: Course, stale_after_days: int, today: dt.date | None = None) -> bool:
    return course.last_checked is None or course.last_checked < stale_before(stale_after_days, today)


def availability_stale_before(weeks: int, today: dt.date | None = None) -> dt.date:
    return (today or dt.date.today()) - dt.timedelta(weeks=weeks)


def availability_is_stale(course: Course, weeks: int, today: dt.date | None = None) -> bool:
    return course.availability_checked is None or course.availability_checked < availability_stale_before(weeks, today)


def courses(db: Session, *, organisation_id: int | None = None, status: str | None = None,
            stale_after_days: int | None = None, availability_stale_weeks: int | None = None,
            words: str = "") -> list[Course]:
    """Listings for the back office, newest change first. `stale_after_days` keeps only those
    not checked for that long (published ones: what the public sees); `availability_stale_weeks`
    only those whose availability was last confirmed longer ago than that (or never), oldest first."""
    query = (select(Course).options(selectinload(Course.organisation), selectinload(Course.sessions)
                                    .selectinload(CourseSession.venue))
             .order_by(Course.updated_at.desc(), Course.id.desc()))
    if organisation_id is not None:
        query = query.where(Course.organisation_id == organisation_id)
    if status:
        query = query.where(Course.status == status)
    if stale_after_days is not None:
        query = query.where(Course.status == "published").where(
            or_(Course.last_checked.is_(None), Course.last_checked < stale_before(stale_after_days)))
    if availability_stale_weeks is not None:
        query = query.where(Course.status == "published").where(
            or_(Course.availability_checked.is_(None),
                Course.availability_checked < availability_stale_before(availability_stale_weeks))
        ).order_by(None).order_by(Course.availability_checked.is_(None).desc(), Course.availability_checked,
                                  Course.id)
    if words:
        like = f"%{words.strip()}%"
        query = query.where(or_(Course.title.ilike(like), Course.key.ilike(like)))
    return list(db.scalars(query))


def current_check_token(db: Session, course_id: int, check_link_days: int) -> str | None:
    """The listing's private check link token if one is made and still opens (reading makes none)."""
    token = db.scalar(select(CheckToken).where(CheckToken.course_id == course_id))
    if token is None or token.created_at < check_links_made_after(check_link_days):
        return None
    return token.token


def organisations(db: Session) -> list[Organisation]:
    return list(db.scalars(select(Organisation).order_by(Organisation.name)))


def history(db: Session, course_id: int) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.entity == "course", AuditEntry.entity_id == course_id)
                           .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))


def audit_entry(db: Session, audit_id: int) -> AuditEntry | None:
    return db.get(AuditEntry, audit_id)


# -- what changed: the pure diff lives in the domain ----------------------------------------

def venue_details(db: Session, keys) -> dict[str, dict]:
    """Venue key -> its name, address and postcode, for a diff to show places as people typed them."""
    wanted = {k for k in keys if k}
    if not wanted:
        return {}
    return {v.key: {"name": v.name, "address": v.address, "postcode": v.postcode}
            for v in db.scalars(select(Venue).where(Venue.key.in_(wanted)))}


def session_venue_keys(*snapshots) -> set[str]:
    return {s.get("venue") for snap in snapshots if snap for s in (snap.get("sessions") or []) if s.get("venue")}


Change, LONG_TEXT, changes = diff.Change, diff.LONG_TEXT, diff.changes


def likely_duplicates(db: Session, organisation_id: int | None, organisation_name: str, sessions: list[dict],
                      exclude_course_id: int | None = None) -> list[Course]:
    """Listings of the same organisation meeting at the same place (postcode), day and times."""
    def place(postcode):
        return (postcode or "").replace(" ", "").upper() or None

    wanted = {(s["weekday"], s["start"], s["end"], place(s.get("postcode"))) for s in sessions}
    if not wanted:
        return []
    query = select(Course).join(Organisation).options(selectinload(Course.sessions).selectinload(CourseSession.venue))
    if organisation_id is not None:
        query = query.where(Course.organisation_id == organisation_id)
    else:
        query = query.where(func.lower(Organisation.name) == organisation_name.strip().lower())
    query = query.where(Course.status != "archived")
    found = []
    for course in db.scalars(query):
        if course.id == exclude_course_id:
            continue
        have = {(s.weekday, s.start_time, s.end_time, place(s.venue.postcode) if s.venue else None)
                for s in course.sessions}
        if wanted & have:
            found.append(course)
    return found
