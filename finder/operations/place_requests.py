"""Requests for a place (issue 13, point 4): the one writer of `place_requests` and their anonymous counts.

A request is stored first, with its count, in one transaction; the organisation is then told by e-mail
(kept in the outbox whatever SMTP does), so no request is lost if e-mail fails. The e-mail carries only
the private link: the person's details stay here until `delete_after` (ESOL_FINDER_REQUEST_RETENTION_DAYS),
when `esol-finder purge` deletes them, or sooner when the sender or the organisation deletes them.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from finder import i18n
from finder.domain import evidence as evidence_rules
from finder.domain import messages
from finder.domain.place_requests import PlaceRequestData, delete_after
from finder.geo.shapes import PostcodeError, district_of, normalise_postcode
from finder.models import Course, PlaceRequest, PlaceRequestCount, utcnow
from finder.operations.catalogue import Catalogue, audit
from finder.operations.outbox import Mailer

log = logging.getLogger(__name__)


def course_district(course: Course) -> str:
    """The district of the course's first venue with a postcode ("L8"); "" for an online course."""
    for venue in course.venues:
        try:
            return evidence_rules.clean_district(district_of(normalise_postcode(venue.postcode or "")))
        except PostcodeError:
            continue
    return ""


class PlaceRequests:
    def __init__(self, sessions: sessionmaker[Session], catalogue: Catalogue, mailer: Mailer, retention_days: int,
                 default_locale: str = i18n.DEFAULT_LOCALE):
        self.sessions = sessions
        self.catalogue = catalogue
        self.mailer = mailer
        self.retention_days = retention_days
        self.default_locale = default_locale

    def send(self, course_id: int, data: PlaceRequestData, *, base_url: str,
             now: dt.datetime | None = None) -> PlaceRequest:
        """Store one request for a published course and count it, then tell the organisation."""
        sent = now or utcnow()
        with self.sessions.begin() as db:
            course = db.get(Course, course_id)
            if course is None or course.status != "published":
                raise LookupError(course_id)
            request = PlaceRequest(course_id=course_id, token=secrets.token_urlsafe(24), name=data.name,
                                   contact_by=data.contact_by, contact=data.contact, language=data.language,
                                   level=data.level, needs_creche=data.needs_creche, note=data.note,
                                   created_at=sent, delete_after=delete_after(sent, self.retention_days))
            db.add(request)
            db.flush()
            # The audit log says that a request came, never who sent it or what it said.
            audit(db, "public", "place-request", "course", course_id, None, None)
            title, to = course.title, course.contact_email or course.organisation.email
            count_key = {"week": evidence_rules.week_key(sent.date()), "district": course_district(course),
                         "course_key": course.key}
            db.expunge(request)
        self._count(count_key, data.needs_creche)
        if to:
            try:
                link = f"{base_url}/check/{self.catalogue.check_token(course_id)}/requests"
                with i18n.use_locale(self.default_locale):
                    subject, body = messages.place_request_notice(title, link, data.needs_creche, self.retention_days)
                self.mailer.send(to, subject, body)
            except Exception as exc:  # the request is kept and shown on the private page whatever happens here
                log.warning("a place request's notice could not be queued (%s)", type(exc).__name__)
        return request

    def _count(self, key: dict[str, Any], needs_creche: bool) -> None:
        """Add one to the week's count for the course (UPDATE, else INSERT; retried once on a clash)."""
        creche = 1 if needs_creche else 0
        with self.sessions() as db:
            for _attempt in range(2):
                matching = [getattr(PlaceRequestCount, name) == value for name, value in key.items()]
                result = cast(CursorResult, db.execute(update(PlaceRequestCount).where(*matching).values(
                    n=PlaceRequestCount.n + 1, needs_creche=PlaceRequestCount.needs_creche + creche)))
                if result.rowcount:
                    db.commit()
                    return
                db.add(PlaceRequestCount(**key, n=1, needs_creche=creche))
                try:
                    db.commit()
                    return
                except IntegrityError:  # another instance counted the first one of the week: add to theirs
                    db.rollback()
        log.warning("a place request could not be counted")

    def delete_by_sender(self, token: str) -> bool:
        """The sender's "delete my request": gone at once, with nothing of it kept but the anonymous count."""
        with self.sessions.begin() as db:
            request = db.scalar(select(PlaceRequest).where(PlaceRequest.token == token))
            if request is None:
                return False
            audit(db, "public", "place-request-deleted", "course", request.course_id, None, {"by": "sender"})
            db.delete(request)
        return True

    def delete_for_course(self, course_id: int, request_id: int, *, actor: str) -> bool:
        """The organisation has dealt with a request (or does not want it kept): delete it."""
        with self.sessions.begin() as db:
            request = db.get(PlaceRequest, request_id)
            if request is None or request.course_id != course_id:
                return False
            audit(db, actor, "place-request-deleted", "course", course_id, None, {"by": "organisation"})
            db.delete(request)
        return True

    def mark_seen(self, course_id: int, now: dt.datetime | None = None) -> None:
        with self.sessions.begin() as db:
            db.execute(update(PlaceRequest).where(PlaceRequest.course_id == course_id, PlaceRequest.seen_at.is_(None))
                       .values(seen_at=now or utcnow()))


def purge_requests(db: Session, now: dt.datetime, retention_days: int) -> int:
    """Delete every request past its `delete_after`, or older than `retention_days` if that was lowered
    since it was sent (part of `esol-finder purge`'s transaction)."""
    result = cast(CursorResult, db.execute(delete(PlaceRequest).where(
        (PlaceRequest.delete_after < now) | (PlaceRequest.created_at < now - dt.timedelta(days=retention_days)))))
    return result.rowcount or 0
