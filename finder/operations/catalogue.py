"""Every change to the catalogue goes through here: one transaction, an audit entry, a new
catalogue version, then the search index hears what changed. The only writer.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from finder import domain
from finder.db import announce_change
from finder.domain import fields
from finder.domain.availability import TO_ENROLMENT
from finder.domain.numbers import parse_integer, parse_latitude, parse_longitude
from finder.domain.values import check_links_made_after, slugify
from finder.domain.vocabulary import AVAILABILITY
from finder.models import (
    AuditEntry,
    CatalogueChange,
    CatalogueState,
    CheckToken,
    Course,
    CourseSession,
    CourseTranslation,
    Organisation,
    Submission,
    Venue,
    utcnow,
)

Notify = Callable[[list[int], int], None]
UNKNOWN: Any = object()  # "not looked up yet" (None means "looked up: there is none")


def course_snapshot(course: Course) -> dict:
    """A JSON-able picture of a course, for the audit log and for restoring a version: its key,
    every field of `finder.domain.fields` in their order, its sessions and its translations."""
    snapshot: dict = {"key": course.key}
    for spec in fields.COURSE_FIELDS:
        snapshot[spec.name] = fields.snapshot_value(spec, fields.course_value(course, spec))
    snapshot["sessions"] = [fields.session_snapshot(s.weekday, s.start_time, s.end_time, s.venue.key if s.venue else None,
                                                    s.frequency, s.term_time_only, s.valid_from, s.valid_to)
                            for s in course.sessions]
    snapshot["translations"] = {t.locale: {"title": t.title, "description": t.description} for t in course.translations}
    return snapshot


# The change feed keeps this many versions; an instance further behind rebuilds its index instead.
FEED_KEPT_VERSIONS = 5000


def bump_version(db: Session, course_ids: Iterable[int] = ()) -> int:
    """Raise the catalogue version and write its change-feed entry (the courses it changed), in the
    caller's transaction: every instance reads the feed to bring its own index up to date."""
    state = db.get(CatalogueState, 1)
    if state is None:
        state = CatalogueState(id=1, version=0)
        db.add(state)
        db.flush()
    db.execute(update(CatalogueState).where(CatalogueState.id == 1).values(version=CatalogueState.version + 1))
    db.flush()
    db.refresh(state)
    db.add(CatalogueChange(version=state.version, course_ids=sorted(set(course_ids))))
    announce_change(db, state.version)
    if state.version % 100 == 0:
        db.execute(delete(CatalogueChange).where(CatalogueChange.version <= state.version - FEED_KEPT_VERSIONS))
    db.flush()
    return state.version


def audit(db: Session, actor: str, action: str, entity: str, entity_id: int | None,
          before: dict | None, after: dict | None) -> None:
    db.add(AuditEntry(actor=actor, action=action, entity=entity, entity_id=entity_id, before=before, after=after))


@dataclass
class LoadReport:
    organisations: int = 0
    venues: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    course_ids: list[int] = field(default_factory=list)


def _pending_submission(db: Session, submission_id: int) -> Submission:
    """The submission waiting for a decision; LookupError if there is none, ValueError if decided."""
    submission = db.get(Submission, submission_id)
    if submission is None:
        raise LookupError(submission_id)
    if submission.status != "pending":
        raise ValueError("already decided")
    return submission


class Catalogue:
    """The operations on the catalogue. `notify(course_ids, version)` keeps the index in step."""

    def __init__(self, sessions: sessionmaker[Session], notify: Notify | None = None, postcodes=None,
                 geocoder=None, check_link_days: int = 90):
        self.sessions = sessions
        self.check_link_days = check_link_days
        self.notify = notify or (lambda ids, version: None)
        self.postcodes = postcodes  # has .lookup(text) -> Place, raising PostcodeError
        self.geocoder = geocoder  # an online geocoder (finder.geo.geocoding.AddressGeocoder) when configured

    # -- organisations and venues -------------------------------------------------------
    def upsert_organisation(self, db: Session, data: dict, *, existing=UNKNOWN, flush: bool = True) -> Organisation:
        """Create or update an organisation by key. `existing`: the one with that key (or None), when
        the caller already looked it up; `flush=False` leaves the write to the caller's next flush."""
        key = data.get("key") or slugify(data["name"])
        org = db.scalar(select(Organisation).where(Organisation.key == key)) if existing is UNKNOWN else existing
        if org is None:
            org = Organisation(key=key, name=data["name"])
            db.add(org)
        for name in ("name", "kind", "website", "email", "phone", "description"):
            if data.get(name) is not None:
                setattr(org, name, data[name])
        if flush:
            db.flush()
        return org

    def upsert_venue(self, db: Session, data: dict, organisation: Organisation | None = None, *,
                     existing=UNKNOWN, flush: bool = True) -> Venue:
        key = data.get("key") or slugify(f"{data['name']}-{data.get('postcode', '')}")
        venue = db.scalar(select(Venue).where(Venue.key == key)) if existing is UNKNOWN else existing
        if venue is None:
            venue = Venue(key=key, name=data["name"])
            db.add(venue)
        for name in ("name", "address", "postcode", "directions"):
            if data.get(name) is not None:
                setattr(venue, name, data[name])
        venue.step_free = bool(data.get("step_free", venue.step_free or False))
        if organisation is not None:
            venue.organisation = organisation
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is None or longitude is None:
            place = self._locate(venue)
            if place is not None:
                latitude, longitude = place.latitude, place.longitude
        if latitude is not None and longitude is not None:
            # Checked where they came in; checked again here, the one writer, so nothing off the map is stored.
            venue.latitude, venue.longitude = parse_latitude(latitude), parse_longitude(longitude)
        if flush:
            db.flush()
        return venue

    def _locate(self, venue: Venue):
        """Coordinates for a venue: from its postcode (offline), else from the online geocoder if one is set."""
        return self._locate_at(venue.postcode, venue.address)

    def _locate_at(self, postcode: str | None, address: str | None):
        from finder.geo.shapes import PostcodeError

        if postcode and self.postcodes is not None:
            try:
                return self.postcodes.lookup(postcode)
            except PostcodeError:
                pass
        if self.geocoder is not None and address:
            return self.geocoder.geocode(", ".join(p for p in (address, postcode) if p))
        return None

    # -- courses --------------------------------------------------------------------------
    def _apply_listing(self, db: Session, course: Course, listing: domain.Listing, venues: dict[str, Venue]) -> None:
        availability_before = (course.availability, course.wait_weeks, course.next_intake)
        for spec in fields.LISTING_FIELDS:
            if spec.name in ("organisation", "last_checked"):
                continue  # the course's organisation is given; a blank last-checked date keeps the one it has
            value = getattr(listing, spec.listing_attribute)
            setattr(course, spec.name, list(value) if spec.many else value)
        if listing.last_checked is not None:
            course.last_checked = listing.last_checked
        if course.availability_checked is None or availability_before != (
                course.availability, course.wait_weeks, course.next_intake):
            course.availability_checked = listing.last_checked or dt.date.today()
        wanted = [(s.weekday, s.start, s.end, s.venue_key, s.frequency, s.term_time_only, s.valid_from, s.valid_to)
                  for s in listing.sessions]
        current = [(s.weekday, s.start_time, s.end_time, s.venue.key if s.venue else None, s.frequency,
                    s.term_time_only, s.valid_from, s.valid_to) for s in course.sessions]
        if wanted != current:
            if course.sessions:
                course.sessions.clear()
                db.flush()
            for weekday, start, end, venue_key, frequency, term_time_only, valid_from, valid_to in wanted:
                course.sessions.append(CourseSession(
                    weekday=weekday, start_time=start, end_time=end,
                    venue=venues.get(venue_key) if venue_key else None, frequency=frequency,
                    term_time_only=term_time_only, valid_from=valid_from, valid_to=valid_to))

    def _apply_translations(self, course: Course, translations: dict) -> None:
        existing = {t.locale: t for t in course.translations}
        for locale, text in (translations or {}).items():
            title, description = (text.get("title") or "").strip(), (text.get("description") or "").strip()
            if not title and not description:
                if locale in existing:
                    course.translations.remove(existing[locale])
                continue
            if locale in existing:
                existing[locale].title, existing[locale].description = title, description
            else:
                course.translations.append(CourseTranslation(locale=locale, title=title, description=description))

    def save_course(self, db: Session, key: str, listing: domain.Listing, organisation: Organisation,
                    venues: dict[str, Venue], *, status: str | None = None, translations: dict | None = None,
                    source: str = "", actor: str = "system", action: str | None = None) -> tuple[Course, str]:
        """Create or update the course with this external key. Returns (course, 'created'|'updated'|'unchanged')."""
        course, before = self._stage_course(db, key, listing, organisation, venues, status=status,
                                            translations=translations, source=source)
        db.flush()
        after = course_snapshot(course)
        if before == after:
            return course, "unchanged"
        audit(db, actor, action or ("create" if before is None else "update"), "course", course.id, before, after)
        return course, "created" if before is None else "updated"

    def _stage_course(self, db: Session, key: str, listing: domain.Listing, organisation: Organisation,
                      venues: dict[str, Venue], *, status: str | None = None, translations: dict | None = None,
                      source: str = "", existing=UNKNOWN) -> tuple[Course, dict | None]:
        """The course with this key created or changed in the session, not yet flushed; with its snapshot before."""
        course = db.scalar(select(Course).where(Course.key == key)) if existing is UNKNOWN else existing
        before = course_snapshot(course) if course is not None else None
        if course is None:
            course = Course(key=key, organisation=organisation, title=listing.title, status=status or "draft",
                            source=source)
            db.add(course)
        course.organisation = organisation
        self._apply_listing(db, course, listing, venues)
        if translations is not None:
            self._apply_translations(course, translations)
        if status is not None and status != course.status:
            course.status = status
        if course.status == "published" and course.published_at is None:  # also a course created as published
            course.published_at = utcnow()
        if course.last_checked is None:
            course.last_checked = dt.date.today()
        return course, before

    def set_status(self, course_id: int, status: str, actor: str = "system") -> Course:
        if status not in domain.STATUSES:
            raise ValueError(status)
        with self.sessions.begin() as db:
            course = db.get(Course, course_id)
            if course is None:
                raise LookupError(course_id)
            before = course_snapshot(course)
            course.status = status
            if status == "published" and course.published_at is None:
                course.published_at = utcnow()
            db.flush()
            audit(db, actor, status, "course", course.id, before, course_snapshot(course))
            version = bump_version(db, [course_id])
        self.notify([course_id], version)
        return course

    def mark_checked(self, course_id: int, actor: str = "system", on: dt.date | None = None) -> None:
        with self.sessions.begin() as db:
            course = db.get(Course, course_id)
            if course is None:
                raise LookupError(course_id)
            before = course_snapshot(course)
            course.last_checked = on or dt.date.today()
            db.flush()
            audit(db, actor, "checked", "course", course.id, before, course_snapshot(course))
            version = bump_version(db, [course_id])
        self.notify([course_id], version)

    def set_availability(self, course_id: int, availability: str, *, wait_weeks: int | None = None,
                         actor: str, on: dt.date | None = None) -> Course:
        """A partner's one-click answer: the course's availability (and usual wait), confirmed `on` (today):
        its availability-checked and last-checked dates move to that day. One audit entry, a new version."""
        if availability not in AVAILABILITY:
            raise ValueError(availability)
        if wait_weeks is not None:
            wait_weeks = parse_integer(wait_weeks, 0, fields.MAX_WAIT_WEEKS)
        with self.sessions.begin() as db:
            course = db.get(Course, course_id)
            if course is None:
                raise LookupError(course_id)
            before = course_snapshot(course)
            day = on or dt.date.today()
            self._apply_availability(course, availability, wait_weeks, day)
            db.flush()
            audit(db, actor, "availability", "course", course.id, before, course_snapshot(course))
            version = bump_version(db, [course_id])
        self.notify([course_id], version)
        return course

    def answer_availability(self, course_id: int, answer: str, *, actor: str, on: dt.date | None = None) -> Course:
        """A partner's one-click answer on the check link or from the reminder ("still running, places now /
        waiting list / full", `domain.availability.answered`): as `set_availability`, in one transaction."""
        from finder.domain.availability import answered

        with self.sessions.begin() as db:
            course = db.get(Course, course_id)
            if course is None:
                raise LookupError(course_id)
            before = course_snapshot(course)
            availability, wait_weeks = answered(course.availability, course.wait_weeks, answer)
            self._apply_availability(course, availability, wait_weeks, on or dt.date.today())
            db.flush()
            audit(db, actor, "availability", "course", course.id, before, course_snapshot(course))
            version = bump_version(db, [course_id])
        self.notify([course_id], version)
        return course

    @staticmethod
    def _apply_availability(course: Course, availability: str, wait_weeks: int | None, day: dt.date) -> None:
        course.availability = availability
        course.wait_weeks = wait_weeks if availability == "waiting-list" else None
        if availability != "next-intake":
            course.next_intake = None
        elif course.next_intake is None:
            raise ValueError("next-intake needs a date")
        course.enrolment = TO_ENROLMENT[availability]
        course.next_start = course.next_intake
        course.availability_checked = day
        course.last_checked = day

    # -- submissions, moderation and history (the back office) ---------------------------
    def submit(self, kind: str, payload: dict, *, course_id: int | None = None, organisation_id: int | None = None,
               problem: str = "", submitter_name: str = "", submitter_email: str = "", user_id: int | None = None,
               actor: str = "public") -> Submission:
        """Record a proposed listing, change, stop or problem report for a coordinator to decide on."""
        with self.sessions.begin() as db:
            if course_id is not None and organisation_id is None:
                course = db.get(Course, course_id)
                organisation_id = course.organisation_id if course is not None else None
            submission = Submission(kind=kind, payload=payload, course_id=course_id, organisation_id=organisation_id,
                                    problem=problem, submitter_name=submitter_name[:200],
                                    submitter_email=submitter_email[:200], user_id=user_id, status="pending",
                                    reason="", decided_by="")
            db.add(submission)
            db.flush()
            audit(db, actor, "submit", "submission", submission.id, None,
                  {"kind": kind, "course_id": course_id, "problem": problem})
        return submission

    def _new_course_key(self, db: Session, organisation: Organisation, title: str) -> str:
        base = slugify(f"{organisation.key}-{title}")
        key, n = base, 1
        while db.scalar(select(Course.id).where(Course.key == key)) is not None:
            n += 1
            key = f"{base}-{n}"
        return key

    def _store_prepared(self, db: Session, prepared, *, course: Course | None, organisation_id: int | None,
                        status: str | None, actor: str, source: str, action: str | None = None) -> tuple[Course, str]:
        """Save a checked form (`finder.submissions.Prepared`) as a new or existing course."""
        organisation: Organisation | None
        if course is not None:
            organisation = course.organisation
        elif organisation_id is not None:
            organisation = db.get(Organisation, organisation_id)
            if organisation is None:
                raise LookupError(organisation_id)
        else:
            organisation = db.scalar(select(Organisation).where(Organisation.key == prepared.organisation["key"]))
            if organisation is None:
                organisation = self.upsert_organisation(db, {k: v for k, v in prepared.organisation.items() if v})
        venues = {}
        for key, data in prepared.venues.items():
            existing = db.scalar(select(Venue).where(Venue.key == key))
            if existing is None:
                # The same place already known under another key (e.g. from an import): use it.
                existing = db.scalar(select(Venue).where(Venue.postcode == data["postcode"],
                                                         func.lower(Venue.name) == data["name"].lower()))
                if existing is not None:
                    venues[key] = existing
                    continue
            elif existing.organisation_id not in (None, organisation.id):
                # Another organisation's venue that happens to share the key (same name and postcode):
                # theirs is never changed from here. The same place is shared as it is; a different
                # address makes this organisation its own venue.
                if (data.get("address") or "") in ("", existing.address or ""):
                    venues[key] = existing
                else:
                    own = {**data, "key": slugify(f"{key}-{organisation.key}")[:120]}
                    venues[key] = self.upsert_venue(db, own, organisation)
                continue
            venues[key] = self.upsert_venue(db, data, organisation if existing is None else None)
        translations = {t.locale: {"title": "", "description": ""} for t in course.translations} if course else {}
        translations.update(prepared.translations)
        key = course.key if course is not None else self._new_course_key(db, organisation, prepared.listing.title)
        return self.save_course(db, key, prepared.listing, organisation, venues, status=status,
                                translations=translations, source=source, actor=actor, action=action)

    def save_listing(self, prepared, *, course_id: int | None = None, organisation_id: int | None = None,
                     status: str | None = None, actor: str = "system", source: str = "backoffice") -> Course:
        """A direct edit (a coordinator, or a trusted partner's editor): stored at once."""
        with self.sessions.begin() as db:
            course = db.get(Course, course_id) if course_id is not None else None
            if course_id is not None and course is None:
                raise LookupError(course_id)
            course, outcome = self._store_prepared(db, prepared, course=course, organisation_id=organisation_id,
                                                   status=status, actor=actor, source=source)
            version = bump_version(db, [course.id]) if outcome != "unchanged" else None
        if version is not None:
            self.notify([course.id], version)
        return course

    def approve_submission(self, submission_id: int, prepared=None, actor: str = "system") -> Submission:
        """Approve: a new listing is published, a change applied, a stopped class archived, a report closed."""
        changed: list[int] = []
        with self.sessions.begin() as db:
            submission = _pending_submission(db, submission_id)
            course = db.get(Course, submission.course_id) if submission.course_id else None
            if submission.kind in ("new", "change"):
                if submission.kind == "change" and course is None:
                    raise LookupError(submission.course_id)
                course, outcome = self._store_prepared(
                    db, prepared, course=course, organisation_id=submission.organisation_id,
                    status="published" if submission.kind == "new" else None, actor=actor,
                    source="partner" if submission.user_id else "public")
                submission.course_id, submission.organisation_id = course.id, course.organisation_id
                if outcome != "unchanged":
                    changed.append(course.id)
            elif submission.kind == "stop" and course is not None and course.status != "archived":
                before = course_snapshot(course)
                course.status = "archived"
                db.flush()
                audit(db, actor, "archived", "course", course.id, before, course_snapshot(course))
                changed.append(course.id)
            submission.status = "resolved" if submission.kind == "report" else "approved"
            submission.decided_at, submission.decided_by = utcnow(), actor
            audit(db, actor, submission.status, "submission", submission.id, {"status": "pending"},
                  {"status": submission.status, "course_id": submission.course_id})
            version = bump_version(db, changed) if changed else None
        if version is not None:
            self.notify(changed, version)
        return submission

    def decide_submission(self, submission_id: int, status: str, reason: str, actor: str = "system") -> Submission:
        """Reject a submission, or ask the sender for changes; `reason` is what they will be told."""
        if status not in ("rejected", "changes-requested"):
            raise ValueError(status)
        with self.sessions.begin() as db:
            submission = _pending_submission(db, submission_id)
            submission.status, submission.reason = status, reason
            submission.decided_at, submission.decided_by = utcnow(), actor
            audit(db, actor, status, "submission", submission.id, {"status": "pending"},
                  {"status": status, "reason": reason})
        return submission

    def restore_version(self, course_id: int, audit_id: int, actor: str = "system") -> Course:
        """Bring back a listing's content (not its status or last-checked date) as an audit entry recorded it."""
        with self.sessions.begin() as db:
            course = db.get(Course, course_id)
            entry = db.get(AuditEntry, audit_id)
            if course is None or entry is None or entry.entity != "course" or entry.entity_id != course_id:
                raise LookupError(audit_id)
            snapshot = entry.after or entry.before
            if not snapshot:
                raise LookupError(audit_id)
            data = {k: v for k, v in snapshot.items() if k not in ("last_checked", "status", "translations")}
            data["organisation"] = course.organisation.name
            keys = {s["venue"] for s in snapshot.get("sessions", []) if s.get("venue")}
            venues = {v.key: v for v in db.scalars(select(Venue).where(Venue.key.in_(keys)))} if keys else {}
            listing = domain.validate_listing(data, known_venues=set(venues))
            translations = {t.locale: {"title": "", "description": ""} for t in course.translations}
            translations.update(snapshot.get("translations") or {})
            course, outcome = self.save_course(db, course.key, listing, course.organisation, venues,
                                               translations=translations, actor=actor, action="restore")
            version = bump_version(db, [course_id]) if outcome != "unchanged" else None
        if version is not None:
            self.notify([course_id], version)
        return course

    def set_trusted(self, organisation_id: int, trusted: bool, actor: str = "system") -> Organisation:
        """A trusted organisation's editors publish their changes without waiting for a coordinator."""
        with self.sessions.begin() as db:
            organisation = db.get(Organisation, organisation_id)
            if organisation is None:
                raise LookupError(organisation_id)
            before = {"trusted": organisation.trusted}
            organisation.trusted = trusted
            audit(db, actor, "trusted" if trusted else "untrusted", "organisation", organisation.id, before,
                  {"trusted": trusted})
        return organisation

    def check_token(self, course_id: int) -> str:
        """The listing's private check link token: made the first time it is asked for, and made anew
        (the old link stops working) once it is `check_link_days` old, so a link that leaked or was
        forwarded long ago opens nothing."""
        with self.sessions.begin() as db:
            existing = db.scalar(select(CheckToken).where(CheckToken.course_id == course_id))
            if existing is not None and existing.created_at >= check_links_made_after(self.check_link_days):
                return existing.token
            token = secrets.token_urlsafe(24)
            if existing is not None:
                existing.token, existing.created_at = token, utcnow()
                audit(db, "system", "check-link-renewed", "course", course_id, None, None)
            else:
                db.add(CheckToken(course_id=course_id, token=token))
                audit(db, "system", "check-link", "course", course_id, None, None)
        return token

    # -- whole catalogues (demo data, JSON) ---------------------------------------------
    def load_catalogue(self, data: dict, *, status: str = "published", source: str = "demo",
                       actor: str = "system") -> LoadReport:
        """Upsert organisations, venues and courses by their keys, all in one transaction.

        Every course is validated first; if any is wrong nothing is written and
        `domain.ValidationErrors` says which (keyed by the course's key).
        """
        organisations = {o["key"]: o for o in data.get("organisations", [])}
        venue_keys = {v["key"] for v in data.get("venues", [])}
        listings, problems = {}, {}
        for raw in data.get("courses", []):
            org = organisations.get(raw.get("organisation"))
            row = dict(raw, organisation=org["name"] if org else "")
            try:
                listings[raw["key"]] = domain.validate_listing(row, known_venues=venue_keys)
            except domain.ValidationErrors as exc:
                for name, messages in exc.errors.items():
                    problems[f"{raw.get('key')}: {name}"] = messages
        if problems:
            raise domain.ValidationErrors(problems)

        report = LoadReport()
        with self.sessions.begin() as db:
            orgs = {key: self.upsert_organisation(db, org) for key, org in organisations.items()}
            report.organisations = len(orgs)
            venues = {v["key"]: self.upsert_venue(db, v, orgs.get(v.get("organisation"))) for v in data.get("venues", [])}
            report.venues = len(venues)
            for raw in data.get("courses", []):
                course, outcome = self.save_course(
                    db, raw["key"], listings[raw["key"]], orgs[raw["organisation"]], venues,
                    status=status, translations=raw.get("translations") or {}, source=source, actor=actor)
                setattr(report, outcome, getattr(report, outcome) + 1)
                if outcome != "unchanged":
                    report.course_ids.append(course.id)
            version = bump_version(db, report.course_ids) if report.course_ids else None
        if version is not None:
            self.notify(report.course_ids, version)
        return report

    # -- bulk import (CSV, XLSX) ----------------------------------------------------------
    def import_rows(self, rows, *, actor: str = "system", default_status: str | None = None, source: str = "import",
                    dry_run: bool = False, release_rows: bool = False) -> "ImportReport":
        """Write checked spreadsheet rows (`finder.imports.rows.PreparedRow`) in ONE transaction.

        Organisations and venues are upserted by key, courses saved by their external id. A row's
        status wins, then `default_status`; a new course with neither is "pending". One catalogue
        version and one index update for the whole file. With `dry_run` the same work is done and
        rolled back, so the report says exactly what a commit would do and nothing is written.

        For speed the rows are worked out on plain records and written a chunk at a time with
        executemany (`finder.operations.bulk`): the same records, and one audit entry per change in
        row order, as `upsert_organisation`, `upsert_venue` and `save_course` would make.

        With `release_rows` the caller hands its list over: it is emptied once written, so that a large
        file's checked rows (about 4 KB each) are not held while the index is rebuilt by writers forked
        from this process: a 100,000-row import peaked at 894 MB holding them, 707-749 MB without.
        """
        from finder.operations.bulk import ImportWriter

        if not release_rows:
            rows = list(rows)
        report = ImportReport()
        with self.sessions() as db:
            writer = ImportWriter(db, actor=actor, source=source, default_status=default_status,
                                  locate=self._locate_at)
            writer.run(rows)
            report.outcomes, report.created_keys = writer.outcomes, writer.created_keys
            changed_courses = list(writer.changed_courses)
            for ids, column, key in ((writer.changed_organisations, Course.organisation_id, Course.id),
                                     (writer.changed_venues, CourseSession.venue_id, CourseSession.course_id)):
                wanted = sorted(ids)
                for start in range(0, len(wanted), 500):
                    changed_courses += db.scalars(select(key).where(column.in_(wanted[start:start + 500]))).all()
            report.course_ids = list(dict.fromkeys(changed_courses))
            changed_records = bool(writer.changed_organisations or writer.changed_venues)
            del writer  # its records of every venue and organisation: not kept while the index is updated
            if release_rows:
                rows.clear()
            if dry_run:
                db.rollback()
                return report
            if report.course_ids or changed_records:
                report.version = bump_version(db, report.course_ids)
            db.commit()
        if report.version is not None:
            self.notify(report.course_ids, report.version)
        return report

@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do): each row's outcome by its row number."""

    outcomes: dict[int, str] = field(default_factory=dict)
    course_ids: list[int] = field(default_factory=list)
    version: int | None = None
    created_keys: set[str] = field(default_factory=set)
