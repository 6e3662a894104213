"""The catalogue's tables (SQLAlchemy 2). Schema changes go through Alembic migrations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="community")
    website: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    courses: Mapped[list["Course"]] = relationship(back_populates="organisation")
    venues: Mapped[list["Venue"]] = relationship(back_populates="organisation")


class Venue(Base):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    directions: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation | None] = relationship(back_populates="venues")

    @property
    def area(self) -> str:
        """The postcode district ("L8"), a rough area that is safe to show in lists."""
        return self.postcode.split(" ")[0] if self.postcode else ""


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="informal")
    levels: Mapped[list] = mapped_column(JSON, default=list)
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    cost: Mapped[str] = mapped_column(String(20), default="free")
    fee_note: Mapped[str] = mapped_column(String(500), default="")
    eligibility: Mapped[list] = mapped_column(JSON, default=list)
    creche: Mapped[str] = mapped_column(String(30), default="none")
    creche_ages: Mapped[str] = mapped_column(String(100), default="")
    creche_booking: Mapped[bool] = mapped_column(Boolean, default=False)
    mode: Mapped[str] = mapped_column(String(20), default="in-person")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    join_method: Mapped[str] = mapped_column(String(20), default="drop-in")
    enrolment: Mapped[str] = mapped_column(String(20), default="open")
    next_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Availability (migration 0008); enrolment and next_start above are derived from it (deprecated).
    availability: Mapped[str] = mapped_column(String(20), default="places", server_default="places")
    wait_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    next_intake: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    creche_places: Mapped[str | None] = mapped_column(String(20), nullable=True)
    creche_age_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    creche_age_to: Mapped[int | None] = mapped_column(Integer, nullable=True)
    creche_age_unit: Mapped[str | None] = mapped_column(String(10), nullable=True)
    availability_checked: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    last_checked: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(String(60), default="")
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="courses")
    sessions: Mapped[list["CourseSession"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CourseSession.id")
    translations: Mapped[list["CourseTranslation"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CourseTranslation.locale")

    @property
    def women_only(self) -> bool:
        return "women" in (self.audiences or [])

    @property
    def free(self) -> bool:
        return self.cost == "free"

    @property
    def venues(self) -> list[Venue]:
        seen: dict[int, Venue] = {}
        for session in self.sessions:
            if session.venue is not None:
                seen.setdefault(session.venue.id, session.venue)
        return list(seen.values())

    def translation(self, locale: str) -> "CourseTranslation | None":
        for item in self.translations:
            if item.locale == locale:
                return item
        return None


class CourseSession(Base):
    """One weekly (or fortnightly) meeting of a course: ORUK's schedule."""

    __tablename__ = "course_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[str] = mapped_column(String(3))
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), nullable=True)
    frequency: Mapped[str] = mapped_column(String(20), default="weekly")
    term_time_only: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    course: Mapped[Course] = relationship(back_populates="sessions")
    venue: Mapped[Venue | None] = relationship()


class CourseTranslation(Base):
    __tablename__ = "course_translations"
    __table_args__ = (UniqueConstraint("course_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship(back_populates="translations")


class CatalogueState(Base):
    """One row: the catalogue's version, raised by every change, so a stale index is noticed."""

    __tablename__ = "catalogue_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), default="system")
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class ShortLink(Base):
    """A short, stable code for a page with its query string (/s/{code}): same query, same code."""

    __tablename__ = "short_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(40))
    query: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    """A back-office account: a coordinator (everything) or a partner editor (one organisation)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="partner")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Set by a coordinator: the account cannot log in, and its sessions and reset links are gone.
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"


class LoginSession(Base):
    """A logged-in browser. Its cookie holds a random id; only the id's SHA-256 is kept here, with
    whose session it is and when it ends (12 hours after logging in). No address, no browser."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class PasswordResetToken(Base):
    """A one-time link to choose a new password, e-mailed to a coordinator: only its SHA-256 is kept."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Submission(Base):
    """A proposed new listing, a change, or a problem report, waiting for a coordinator."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # new | change | report | stop
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), nullable=True,
                                                  index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    problem: Mapped[str] = mapped_column(String(40), default="")
    submitter_name: Mapped[str] = mapped_column(String(200), default="")
    submitter_email: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(30), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    decided_by: Mapped[str] = mapped_column(String(200), default="")

    course: Mapped[Course | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class OutboxMessage(Base):
    """Every email the app sends; with no SMTP server configured, coordinators read them here."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")


class CheckToken(Base):
    """The private, unguessable link a partner uses to say a listing is still running (/check/{token})."""

    __tablename__ = "check_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    course: Mapped[Course] = relationship()


class EligibilityRule(Base):
    """A coordinator's change to one of the shipped rules of "Can I join for free?"
    (`finder.domain.eligibility.DEFAULT_RULES`, by key): a rule with no row here is as shipped.
    Holds no answers of anyone's: the helper's answers are never stored."""

    __tablename__ = "eligibility_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    statuses: Mapped[list] = mapped_column(JSON, default=list)
    min_months: Mapped[int] = mapped_column(Integer, default=0)
    ages: Mapped[list] = mapped_column(JSON, default=list)
    needs_benefits: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class CatalogueChange(Base):
    """The change feed: one row per catalogue version, naming the courses that version changed, written
    in the same transaction as the change. Every instance reads it to bring its own index up to date."""

    __tablename__ = "catalogue_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    course_ids: Mapped[list] = mapped_column(JSON, default=list)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RateHit(Base):
    """One counted use of a rate-limited action, shared by every instance. The key (a client's address)
    is kept only as a keyed hash (HMAC with the secret key), never as it came."""

    __tablename__ = "rate_hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    key_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)

    __table_args__ = (Index("ix_rate_hits_name_key_at", "name", "key_hash", "at"),)


class LoginFailure(Base):
    """Wrong passwords counted for the login back-off, shared by every instance: per (address, client)
    and per client, each kept only as a keyed hash."""

    __tablename__ = "login_failures"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class DemandCount(Base):
    """Evidence: how many searches (or stated needs) asked for one need near one district in one ISO week,
    by outcome. Counts only: no words, no full postcode, no coordinates, no time finer than the week,
    nothing about who searched (finder.domain.evidence)."""

    __tablename__ = "evidence_demand"
    __table_args__ = (UniqueConstraint("week", "district", "need", "outcome", "source",
                                       name="uq_evidence_demand_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)  # "2026-W49"
    district: Mapped[str] = mapped_column(String(8), default="")  # "L8"; "" when no place was given
    need: Mapped[str] = mapped_column(String(300), default="")  # finder.domain.evidence.need_key
    outcome: Mapped[str] = mapped_column(String(4), default="")  # "0" | "1-2" | "3+" ("" for a stated need)
    source: Mapped[str] = mapped_column(String(8), default="search")  # "search" | "stated"
    n: Mapped[int] = mapped_column(Integer, default=0)


class ProvisionSnapshot(Base):
    """Evidence: published courses and weekly sessions in one district with one value of one dimension
    (level, kind, crèche, time, day, women only, free, mode, staff language), as counted in one month.
    Dimension "all" is every course; "variety" holds the distinct level × time × crèche combinations."""

    __tablename__ = "evidence_provision"
    __table_args__ = (UniqueConstraint("month", "district", "dimension", "value", name="uq_evidence_provision_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # "2026-12"
    district: Mapped[str] = mapped_column(String(8), default="")
    dimension: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(40), default="")
    courses: Mapped[int] = mapped_column(Integer, default=0)
    sessions: Mapped[int] = mapped_column(Integer, default=0)


class SnapshotMonth(Base):
    """Evidence: one row per month whose provision snapshot was taken (its unique month makes taking it idempotent)."""

    __tablename__ = "evidence_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    taken_on: Mapped[dt.date] = mapped_column(Date)


class PlaceRequest(Base):
    """A newcomer's request for a place on a course (issue 13): what they chose to send, for the course's
    organisation only. Never public, never indexed; deleted at `delete_after` at the latest
    (ESOL_FINDER_REQUEST_RETENTION_DAYS) by `esol-finder purge`, or sooner by its sender or the partner.
    `token` is the sender's private link to see and delete it."""

    __tablename__ = "place_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    contact_by: Mapped[str] = mapped_column(String(10))  # "phone" | "email"
    contact: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(12), default="")
    level: Mapped[str] = mapped_column(String(20), default="")  # a level slug, or "" when not known
    needs_creche: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    delete_after: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    course: Mapped[Course] = relationship()


class PlaceRequestCount(Base):
    """Evidence: how many requests for a place one course (by key) had in one ISO week, with the district
    of its venue. Counts only, never people; kept when the requests themselves are deleted."""

    __tablename__ = "evidence_place_requests"
    __table_args__ = (UniqueConstraint("week", "district", "course_key", name="uq_evidence_place_requests_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)  # "2026-W49"
    district: Mapped[str] = mapped_column(String(8), default="")  # the course's venue's district; "" online
    course_key: Mapped[str] = mapped_column(String(200))
    needs_creche: Mapped[int] = mapped_column(Integer, default=0)
    n: Mapped[int] = mapped_column(Integer, default=0)
