"""Writing a checked spreadsheet at scale, for `Catalogue.import_rows`.

The ORM's unit of work costs about a millisecond a course (an object, its sessions and its audit
entry each tracked, flushed and refreshed); at 100,000 rows that is minutes. Here the records are
plain dictionaries: the organisations, venues and courses a file names are read with a few Core
queries, each row's changes are worked out in memory exactly as the ORM path
(`Catalogue.upsert_organisation`, `upsert_venue`, `_stage_course`) makes them, and they are written
`CHUNK` rows at a time with one executemany per table: inserts, updates, replaced sessions and
translations, then the chunk's audit entries in row order (one per change, the same actions,
entities and before/after snapshots as `course_snapshot` gives). Plain SQL any dialect runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from finder.domain import fields
from finder.domain.numbers import parse_latitude, parse_longitude
from finder.models import AuditEntry, Course, CourseSession, CourseTranslation, Organisation, Venue, utcnow

ORGANISATION_FIELDS = ("name", "kind", "website", "email", "phone", "description")
VENUE_FIELDS = ("name", "address", "postcode", "latitude", "longitude", "step_free", "directions")
# Rows written together; also the most keys in one IN (...) list.
CHUNK = 500

ORGANISATIONS = cast(Table, Organisation.__table__)
VENUES = cast(Table, Venue.__table__)
COURSES = cast(Table, Course.__table__)
SESSIONS = cast(Table, CourseSession.__table__)
TRANSLATIONS = cast(Table, CourseTranslation.__table__)
AUDIT = cast(Table, AuditEntry.__table__)

# A course's columns that an import sets (the fields but the organisation's name, which is a record).
COURSE_COLUMNS = tuple(spec.name for spec in fields.COURSE_FIELDS if spec.name != "organisation") + (
    "organisation_id", "published_at")
SESSION_COLUMNS = ("weekday", "start_time", "end_time", "frequency", "term_time_only", "valid_from", "valid_to")


def _scalar_defaults(table) -> dict[str, Any]:
    """The plain (not callable) Python-side defaults of a table's columns, as an insert gives them."""
    return {column.name: column.default.arg for column in table.columns
            if column.default is not None and getattr(column.default, "is_scalar", False)}


ORGANISATION_DEFAULTS = _scalar_defaults(ORGANISATIONS)
VENUE_DEFAULTS = _scalar_defaults(VENUES)
COURSE_DEFAULTS = _scalar_defaults(COURSES)


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def snapshot(course: dict) -> dict:
    """`finder.operations.catalogue.course_snapshot` of a course held as a dictionary (see `ImportWriter`)."""
    picture: dict = {"key": course["key"]}
    for spec in fields.COURSE_FIELDS:
        value = course["organisation"]["name"] if spec.name == "organisation" else course[spec.name]
        picture[spec.name] = fields.snapshot_value(spec, value)
    picture["sessions"] = [fields.session_snapshot(s["weekday"], s["start_time"], s["end_time"],
                                                   s["venue"]["key"] if s["venue"] else None, s["frequency"],
                                                   s["term_time_only"], s["valid_from"], s["valid_to"])
                           for s in course["sessions"]]
    picture["translations"] = {t["locale"]: {"title": t["title"], "description": t["description"]}
                               for t in course["translations"]}
    return picture


class ImportWriter:
    """One import's writes, in the caller's transaction. Records are dictionaries of their columns
    (an "id" of None until inserted); a course also holds its organisation's record, its sessions
    (each with its venue's record or None) and its translations."""

    def __init__(self, db: Session, *, actor: str, source: str, default_status: str | None,
                 locate: Callable[[str | None, str | None], Any]):
        self.db = db
        self.actor = actor
        self.source = source
        self.default_status = default_status
        self.locate = locate  # (postcode, address) -> a place with .latitude/.longitude, or None
        self.organisations: dict[str, dict] = {}  # by key: every one read or made
        self.organisations_by_id: dict[int, dict] = {}
        self.venues: dict[str, dict] = {}  # by key: every one read or made
        self.upserted_organisations: set[str] = set()  # keys this file has already written
        self.upserted_venues: set[str] = set()
        self.changed_organisations: set[int] = set()
        self.changed_venues: set[int] = set()
        self.changed_courses: list[int] = []
        self.outcomes: dict[int, str] = {}
        self.created_keys: set[str] = set()

    # -- reading ------------------------------------------------------------------------
    def _rows_by(self, table, column, wanted: list) -> list[dict]:
        found: list[dict] = []
        for part in _chunks(wanted):
            found.extend(dict(row) for row in self.db.execute(select(table).where(column.in_(part))).mappings())
        return found

    def _ids(self, table, keys: list[str]) -> dict[str, int]:
        """The ids the database gave the records with these keys (just inserted)."""
        ids: dict[str, int] = {}
        for part in _chunks(keys):
            ids.update(self.db.execute(select(table.c.key, table.c.id).where(table.c.key.in_(part))).all())
        return ids

    def _keep_organisation(self, record: dict) -> dict:
        kept = self.organisations.setdefault(record["key"], record)
        self.organisations_by_id[kept["id"]] = kept
        return kept

    def load(self, rows: list) -> None:
        """The organisations and venues the file names, in a few queries."""
        org_keys = list(dict.fromkeys(row.organisation["key"] for row in rows))
        for record in self._rows_by(ORGANISATIONS, ORGANISATIONS.c.key, org_keys):
            self._keep_organisation(record)
        venue_keys = list(dict.fromkeys([data["key"] for row in rows for data in row.venues] + [
            session.venue_key for row in rows for session in row.listing.sessions if session.venue_key]))
        for record in self._rows_by(VENUES, VENUES.c.key, venue_keys):
            self.venues[record["key"]] = record

    def _load_courses(self, keys: list[str]) -> dict[str, dict]:
        """The courses with these keys as they stand in the database, with sessions and translations."""
        courses = {record["key"]: record for record in self._rows_by(COURSES, COURSES.c.key, keys)}
        if not courses:
            return courses
        by_id = {record["id"]: record for record in courses.values()}
        for record in by_id.values():
            record["sessions"], record["translations"] = [], []
        missing = list({r["organisation_id"] for r in by_id.values()} - set(self.organisations_by_id))
        for organisation in self._rows_by(ORGANISATIONS, ORGANISATIONS.c.id, missing):
            self._keep_organisation(organisation)
        for record in by_id.values():
            record["organisation"] = self.organisations_by_id.get(record["organisation_id"])
        ids = list(by_id)
        for part in _chunks(ids):
            for row in self.db.execute(
                    select(SESSIONS, VENUES.c.key.label("venue_key")).outerjoin(VENUES, SESSIONS.c.venue_id == VENUES.c.id)
                    .where(SESSIONS.c.course_id.in_(part)).order_by(SESSIONS.c.id)).mappings():
                session = {name: row[name] for name in SESSION_COLUMNS}
                session["venue"] = ({"id": row["venue_id"], "key": row["venue_key"]}
                                    if row["venue_id"] is not None else None)
                by_id[row["course_id"]]["sessions"].append(session)
            for row in self.db.execute(select(TRANSLATIONS).where(TRANSLATIONS.c.course_id.in_(part))
                                       .order_by(TRANSLATIONS.c.course_id, TRANSLATIONS.c.locale)).mappings():
                by_id[row["course_id"]]["translations"].append(dict(row))
        return courses

    # -- working out one row ------------------------------------------------------------
    def _organisation(self, data: dict, upserts: list) -> dict:
        """`Catalogue.upsert_organisation`, the first time this file names the organisation."""
        key = data["key"]
        record = self.organisations.get(key)
        if key in self.upserted_organisations:
            return record  # type: ignore[return-value]
        self.upserted_organisations.add(key)
        before = {name: record[name] for name in ORGANISATION_FIELDS} if record is not None else None
        if record is None:
            record = {"id": None, "key": key, **ORGANISATION_DEFAULTS, "name": data["name"]}
            self.organisations[key] = record
        for name in ORGANISATION_FIELDS:
            if data.get(name) is not None:
                record[name] = data[name]
        upserts.append(("organisation", record, before))
        return record

    def _venue(self, data: dict, organisation: dict, upserts: list) -> None:
        """`Catalogue.upsert_venue` (with `_keep_coordinates`), the first time this file describes the venue."""
        key = data["key"]
        if key in self.upserted_venues:
            return
        self.upserted_venues.add(key)
        record = self.venues.get(key)
        before = {name: record[name] for name in VENUE_FIELDS} if record is not None else None
        if (record is not None and record["latitude"] is not None and record["longitude"] is not None
                and (record["postcode"] or "") == (data.get("postcode") or "")):
            data = {**data, "latitude": record["latitude"], "longitude": record["longitude"]}
        if record is None:
            record = {"id": None, "key": key, **VENUE_DEFAULTS, "name": data["name"], "organisation_id": None,
                      "latitude": None, "longitude": None, "organisation": organisation}
            self.venues[key] = record
        for name in ("name", "address", "postcode", "directions"):
            if data.get(name) is not None:
                record[name] = data[name]
        record["step_free"] = bool(data.get("step_free", record["step_free"] or False))
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is None or longitude is None:
            place = self.locate(record["postcode"], record["address"])
            if place is not None:
                latitude, longitude = place.latitude, place.longitude
        if latitude is not None and longitude is not None:
            record["latitude"], record["longitude"] = parse_latitude(latitude), parse_longitude(longitude)
        upserts.append(("venue", record, before))

    def _stage(self, row, current: dict | None, organisation: dict) -> dict:
        """`Catalogue._stage_course` on a dictionary: the course as this row leaves it (a new dictionary)."""
        listing = row.listing
        status = row.status or self.default_status
        if status is None and current is None:
            status = "pending"
        if current is None:
            course: dict = {"id": None, "key": row.key, "status": status or "draft", "source": self.source,
                            "last_checked": None, "availability_checked": None, "published_at": None,
                            "availability": None, "wait_weeks": None, "next_intake": None,
                            "sessions": [], "translations": []}
        else:
            course = dict(current, translations=[dict(t) for t in current["translations"]])
        course["organisation"] = organisation
        availability_before = (course["availability"], course["wait_weeks"], course["next_intake"])
        for spec in fields.LISTING_FIELDS:
            if spec.name in ("organisation", "last_checked"):
                continue
            value = getattr(listing, spec.listing_attribute)
            course[spec.name] = list(value) if spec.many else value
        if current is None:  # what an insert stores for a value left None
            for name, default in COURSE_DEFAULTS.items():
                if course.get(name, default) is None:
                    course[name] = default
        if listing.last_checked is not None:
            course["last_checked"] = listing.last_checked
        if course["availability_checked"] is None or availability_before != (
                course["availability"], course["wait_weeks"], course["next_intake"]):
            course["availability_checked"] = listing.last_checked or dt.date.today()
        wanted = [(s.weekday, s.start, s.end, s.venue_key, s.frequency, s.term_time_only, s.valid_from, s.valid_to)
                  for s in listing.sessions]
        have = [(s["weekday"], s["start_time"], s["end_time"], s["venue"]["key"] if s["venue"] else None,
                 s["frequency"], s["term_time_only"], s["valid_from"], s["valid_to"]) for s in course["sessions"]]
        course["sessions_replaced"] = wanted != have
        if wanted != have:
            course["sessions"] = [
                {"weekday": weekday, "start_time": start, "end_time": end, "frequency": frequency,
                 "term_time_only": term_time_only, "valid_from": valid_from, "valid_to": valid_to,
                 "venue": self.venues.get(venue_key) if venue_key else None}
                for weekday, start, end, venue_key, frequency, term_time_only, valid_from, valid_to in wanted]
        if row.translations is not None:
            kept = course["translations"]
            existing = {t["locale"]: t for t in kept}
            for locale, text in row.translations.items():
                title, description = (text.get("title") or "").strip(), (text.get("description") or "").strip()
                if not title and not description:
                    if locale in existing:
                        kept.remove(existing.pop(locale))
                    continue
                if locale in existing:
                    existing[locale]["title"], existing[locale]["description"] = title, description
                else:
                    existing[locale] = {"id": None, "locale": locale, "title": title, "description": description}
                    kept.append(existing[locale])
        if status is not None and status != course["status"]:
            course["status"] = status
        if course["status"] == "published" and course["published_at"] is None:
            course["published_at"] = utcnow()
        if course["last_checked"] is None:
            course["last_checked"] = dt.date.today()
        return course

    # -- the file -----------------------------------------------------------------------
    def run(self, rows: list) -> None:
        """Work out and write every row, `CHUNK` at a time (a course named twice starts a new chunk,
        so the second row sees what the first wrote)."""
        self.load(rows)
        chunk: list = []
        keys: set[str] = set()
        for row in rows:
            if row.key in keys or len(chunk) >= CHUNK:
                self._write_chunk(chunk)
                chunk, keys = [], set()
            chunk.append(row)
            keys.add(row.key)
        if chunk:
            self._write_chunk(chunk)

    def _write_chunk(self, rows: list) -> None:
        current = self._load_courses([row.key for row in rows])
        staged = []
        for row in rows:
            upserts: list = []
            organisation = self._organisation(row.organisation, upserts)
            for data in row.venues:
                self._venue(data, organisation, upserts)
            before_course = current.get(row.key)
            before = snapshot(before_course) if before_course is not None else None
            course = self._stage(row, before_course, organisation)
            if before is None:
                self.created_keys.add(row.key)
            staged.append((row, upserts, before_course, before, course))
        self._write_records(staged)
        self._write_courses(staged)
        self._audit(staged)

    def _write_records(self, staged: list) -> None:
        """The chunk's new and changed organisations, then venues."""
        for kind, table, names in (("organisation", ORGANISATIONS, ORGANISATION_FIELDS),
                                   ("venue", VENUES, VENUE_FIELDS)):
            new, changed = [], []
            for _row, upserts, *_ in staged:
                for record_kind, record, before in upserts:
                    if record_kind != kind:
                        continue
                    if before is None:
                        new.append(record)
                    elif before != {name: record[name] for name in names}:
                        changed.append(record)
            if kind == "venue":
                for record in new:
                    record["organisation_id"] = record.pop("organisation")["id"]
            columns = ORGANISATION_FIELDS if kind == "organisation" else VENUE_FIELDS + ("organisation_id",)
            if new:
                extra = {"trusted": ORGANISATION_DEFAULTS.get("trusted", False)} if kind == "organisation" else {}
                self.db.execute(insert(table), [{"key": r["key"], **{n: r[n] for n in columns}, **extra} for r in new])
                ids = self._ids(table, [r["key"] for r in new])
                for record in new:
                    record["id"] = ids[record["key"]]
                    if kind == "organisation":
                        self.organisations_by_id[record["id"]] = record
            if changed:
                self.db.execute(update(table).where(table.c.id == bindparam("record_id")).values(
                    {n: bindparam(f"new_{n}") for n in names}),
                    [{"record_id": r["id"], **{f"new_{n}": r[n] for n in names}} for r in changed])

    def _write_courses(self, staged: list) -> None:
        new = [course for *_, before_course, _before, course in staged if before_course is None]
        changed = [course for *_, before_course, _before, course in staged
                   if before_course is not None and _columns(course) != _columns(before_course)]
        if new:
            self.db.execute(insert(COURSES), [{"key": c["key"], "source": c["source"], **_columns(c)} for c in new])
            ids = self._ids(COURSES, [c["key"] for c in new])
            for course in new:
                course["id"] = ids[course["key"]]
        if changed:
            self.db.execute(update(COURSES).where(COURSES.c.id == bindparam("course_id")).values(
                {name: bindparam(f"new_{name}") for name in COURSE_COLUMNS}),
                [{"course_id": c["id"], **{f"new_{k}": v for k, v in _columns(c).items()}} for c in changed])
        replaced = [c["id"] for *_, before_course, _before, c in staged
                    if before_course is not None and c["sessions_replaced"]]
        if replaced:
            self.db.execute(delete(SESSIONS).where(SESSIONS.c.course_id.in_(replaced)))
        sessions = [{"course_id": c["id"], **{n: s[n] for n in SESSION_COLUMNS},
                     "venue_id": s["venue"]["id"] if s["venue"] else None}
                    for *_, c in staged if c["sessions_replaced"] for s in c["sessions"]]
        if sessions:
            self.db.execute(insert(SESSIONS), sessions)
        # Translations: removed, changed and added ones.
        gone, edited, added = [], [], []
        for *_, before_course, _before, course in staged:
            had = {t["id"]: t for t in before_course["translations"]} if before_course is not None else {}
            kept = {t["id"] for t in course["translations"] if t["id"] is not None}
            gone += [tid for tid in had if tid not in kept]
            for t in course["translations"]:
                if t["id"] is None:
                    added.append({"course_id": course["id"], "locale": t["locale"], "title": t["title"],
                                  "description": t["description"]})
                elif (had[t["id"]]["title"], had[t["id"]]["description"]) != (t["title"], t["description"]):
                    edited.append({"translation_id": t["id"], "new_title": t["title"],
                                   "new_description": t["description"]})
        if gone:
            self.db.execute(delete(TRANSLATIONS).where(TRANSLATIONS.c.id.in_(gone)))
        if edited:
            self.db.execute(update(TRANSLATIONS).where(TRANSLATIONS.c.id == bindparam("translation_id")).values(
                title=bindparam("new_title"), description=bindparam("new_description")), edited)
        if added:
            self.db.execute(insert(TRANSLATIONS), added)

    def _audit(self, staged: list) -> None:
        """One audit entry per change, in row order; each row's outcome."""
        entries = []
        for row, upserts, _before_course, before, course in staged:
            row_changed = False
            for kind, record, record_before in upserts:
                names = ORGANISATION_FIELDS if kind == "organisation" else VENUE_FIELDS
                after = {name: record[name] for name in names}
                if record_before == after:
                    continue
                entries.append(self._entry("create" if record_before is None else "update", kind, record["id"],
                                           record_before, after))
                row_changed = True
                (self.changed_organisations if kind == "organisation" else self.changed_venues).add(record["id"])
            course_after = snapshot(course)
            if before == course_after:
                outcome = "updated" if row_changed else "unchanged"
            else:
                entries.append(self._entry("create" if before is None else "update", "course", course["id"],
                                           before, course_after))
                outcome = "created" if before is None else "updated"
            self.outcomes[row.number] = outcome
            if outcome != "unchanged":
                self.changed_courses.append(course["id"])
        if entries:
            self.db.execute(insert(AUDIT), entries)

    def _entry(self, action: str, entity: str, entity_id: int, before: dict | None, after: dict | None) -> dict:
        return {"at": utcnow(), "actor": self.actor, "action": action, "entity": entity, "entity_id": entity_id,
                "before": before, "after": after}


def _columns(course: dict) -> dict:
    return {name: course[name] if name != "organisation_id" else course["organisation"]["id"]
            for name in COURSE_COLUMNS}
