"""Finding records by their ORUK UUID: a map from UUIDs to course and venue ids, built from the
published catalogue and kept until the catalogue version changes (derived and disposable)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import select

from finder.models import Course, CourseSession, Venue
from finder.oruk import ids
from finder.queries import listings


@dataclass
class Directory:
    version: int
    services: dict[str, int] = field(default_factory=dict)  # service uuid -> course id
    locations: dict[str, tuple[int, int]] = field(default_factory=dict)  # service_at_location uuid -> (course, venue)
    venues_of: dict[int, list[int]] = field(default_factory=dict)  # course id -> venue ids, in session order



def build(db) -> Directory:
    directory = Directory(listings.catalogue_version(db))
    keys = dict(db.execute(select(Course.id, Course.key).where(Course.status == "published")).all())
    for course_id, key in keys.items():
        directory.services[ids.entity_id("service", key)] = course_id
    pairs = db.execute(select(CourseSession.course_id, Venue.id, Venue.key).join(Venue, CourseSession.venue_id == Venue.id)
                       .where(CourseSession.course_id.in_(select(Course.id).where(Course.status == "published")))
                       .order_by(CourseSession.course_id, CourseSession.id))
    for course_id, venue_id, venue_key in pairs:
        venues = directory.venues_of.setdefault(course_id, [])
        if venue_id not in venues:
            venues.append(venue_id)
            directory.locations[ids.stable("service_at_location", keys[course_id], venue_key)] = (course_id, venue_id)
    return directory


class DirectoryCache:
    """The directory of the current catalogue version, kept between requests (derived and disposable)."""

    def __init__(self):
        self._current: Directory | None = None
        self._lock = threading.Lock()

    def get(self, db) -> Directory:
        version = listings.catalogue_version(db)
        with self._lock:
            if self._current is None or self._current.version != version:
                self._current = build(db)
            return self._current


def directory(services) -> Directory:
    """The current directory: rebuilt when the catalogue has changed since it was made."""
    with services.sessions() as db:
        return services.oruk_directory.get(db)
