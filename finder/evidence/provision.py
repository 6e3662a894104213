"""What exists: published courses and weekly sessions counted by district and by every dimension
coordinators ask about, and the monthly snapshot that shows change over time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from finder.domain import evidence as rules
from finder.domain.vocabulary import time_of_day
from finder.models import ProvisionSnapshot, SnapshotMonth
from finder.queries.listings import catalogue_version, published_courses_query

ALL_DISTRICTS = "*"  # the row for the whole city


@dataclass(frozen=True)
class SessionFacts:
    day: str
    time: str
    district: str
    point: tuple[float, float] | None


@dataclass
class CourseFacts:
    """What counting needs of a published course: no names of people, no addresses."""

    id: int
    title: str
    organisation: str
    kind: str
    levels: tuple[str, ...]
    creche: str
    women: bool
    free: bool
    mode: str
    languages: tuple[str, ...]
    sessions: list[SessionFacts] = field(default_factory=list)

    @property
    def districts(self) -> set[str]:
        found = {s.district for s in self.sessions if s.district}
        if not found and self.mode in ("online", "blended"):
            found = {rules.ONLINE_DISTRICT}
        return found

    @property
    def points(self) -> list[tuple[float, float]]:
        return [s.point for s in self.sessions if s.point is not None]

    def sessions_in(self, district: str) -> list[SessionFacts]:
        if district in (ALL_DISTRICTS, rules.ONLINE_DISTRICT):
            return list(self.sessions)
        return [s for s in self.sessions if s.district == district]


_facts_cache: dict[tuple[int, str], tuple[int, list[CourseFacts]]] = {}  # engine -> (catalogue version, facts)


def course_facts(db: Session) -> list[CourseFacts]:
    """Every published course, as plain facts; kept until the catalogue changes (its version goes up),
    so the public statistics page does not read the whole catalogue on every visit."""
    version = catalogue_version(db)
    bind = db.get_bind()
    key = (id(bind), str(bind.engine.url))
    cached = _facts_cache.get(key)
    if cached is not None and cached[0] == version and version:
        return cached[1]
    facts = _read_facts(db)
    _facts_cache.clear()  # one database per process in the app; tests make many
    _facts_cache[key] = (version, facts)
    return facts


def _read_facts(db: Session) -> list[CourseFacts]:
    facts = []
    for course in db.scalars(published_courses_query()):
        sessions = []
        for session in course.sessions:
            venue = session.venue
            point = (venue.latitude, venue.longitude) if venue is not None and venue.latitude is not None \
                and venue.longitude is not None else None
            sessions.append(SessionFacts(session.weekday, time_of_day(session.start_time),
                                         rules.clean_district(venue.area) if venue is not None else "", point))
        facts.append(CourseFacts(course.id, course.title, course.organisation.name, course.kind,
                                 tuple(course.levels or ()), course.creche, course.women_only, course.free,
                                 course.mode, tuple(course.languages or ()), sessions))
    return facts


Counts = dict[tuple[str, str, str], list[int]]  # (district, dimension, value) -> [courses, sessions]


def count_provision(facts: list[CourseFacts]) -> Counts:
    """Courses and weekly sessions by district × dimension × value, plus "all", "variety" and the
    whole city (district "*"). A course that meets in two districts counts in each."""
    counts: Counts = defaultdict(lambda: [0, 0])
    combinations: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for course in facts:
        for district in sorted(course.districts) + [ALL_DISTRICTS]:
            here = course.sessions_in(district)
            weekly = len(here)

            def add(dimension: str, value: str, sessions: int = weekly, district: str = district) -> None:
                cell = counts[(district, dimension, value)]
                cell[0] += 1
                cell[1] += sessions

            add("all", "")
            for level in course.levels:
                add("level", level)
            add("kind", course.kind)
            add("creche", course.creche)
            add("women", "1" if course.women else "0")
            add("free", "1" if course.free else "0")
            add("mode", course.mode)
            for code in course.languages:
                add("speaks", code)
            for dimension, values in (("time", [s.time for s in here]), ("day", [s.day for s in here])):
                for value in sorted(set(values)):
                    add(dimension, value, values.count(value))
            for level in course.levels or ("mixed",):
                for time in {s.time for s in here}:
                    combinations[district].add((level, time, course.creche))
    for district, found in combinations.items():
        counts[(district, "variety", "")] = [rules.variety(found), 0]
    return dict(counts)


def current(sessions: sessionmaker[Session]) -> Counts:
    with sessions() as db:
        return count_provision(course_facts(db))


def take_snapshot(sessions: sessionmaker[Session], today: dt.date | None = None) -> bool:
    """Keep this month's provision counts; False when this month's snapshot was already taken
    (by another worker, the command or an earlier visit: the month is a unique key)."""
    today = today or dt.date.today()
    month = rules.month_key(today)
    with sessions() as db:
        if db.scalar(select(SnapshotMonth.id).where(SnapshotMonth.month == month)) is not None:
            return False
        counts = count_provision(course_facts(db))
        db.add(SnapshotMonth(month=month, taken_on=today))
        db.add_all(ProvisionSnapshot(month=month, district=district, dimension=dimension, value=value,
                                     courses=courses, sessions=weekly)
                   for (district, dimension, value), (courses, weekly) in counts.items())
        try:
            db.commit()
        except IntegrityError:
            db.rollback()
            return False
    return True


def snapshot_months(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as db:
        return list(db.scalars(select(SnapshotMonth.month).order_by(SnapshotMonth.month)))


@dataclass(frozen=True)
class TrendPoint:
    month: str
    courses: int
    sessions: int
    variety: int


def trend(sessions: sessionmaker[Session], district: str = ALL_DISTRICTS, months: list[str] | None = None
          ) -> list[TrendPoint]:
    """Courses, weekly sessions and variety per snapshot month, for one district or the whole city."""
    with sessions() as db:
        statement = select(ProvisionSnapshot.month, ProvisionSnapshot.dimension, ProvisionSnapshot.courses,
                           ProvisionSnapshot.sessions).where(
            ProvisionSnapshot.district == district, ProvisionSnapshot.dimension.in_(("all", "variety")))
        if months is not None:
            statement = statement.where(ProvisionSnapshot.month.in_(months))
        rows = db.execute(statement).all()
        taken = list(db.scalars(select(SnapshotMonth.month).order_by(SnapshotMonth.month)))
    found: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for month, dimension, courses, weekly in rows:
        found[month][dimension] = (courses, weekly)
    return [TrendPoint(month, found[month].get("all", (0, 0))[0], found[month].get("all", (0, 0))[1],
                       found[month].get("variety", (0, 0))[0])
            for month in taken if months is None or month in months]


def snapshot_rows(sessions: sessionmaker[Session]) -> list[ProvisionSnapshot]:
    with sessions() as db:
        return list(db.scalars(select(ProvisionSnapshot).order_by(
            ProvisionSnapshot.month, ProvisionSnapshot.district, ProvisionSnapshot.dimension,
            ProvisionSnapshot.value)))
