"""Result cards: what a page of results shows of a course, kept in the index beside its document.

A card holds the course's own columns (not its long description), its organisation, its sessions
with their venues and its translated titles, as plain tuples in the tables' column order. It is
derived like the rest of the index (written with the document, rebuilt with it), so a page of
results is read from the same index commit that found it, with no database query. `course_of`
turns a card back into the plain records `queries.listings` makes for the index (the same
attributes and properties as the ORM objects), which every results template and the JSON take.
"""

from __future__ import annotations

from typing import Any

from finder.models import Course, CourseSession, CourseTranslation, Organisation, Venue
from finder.queries.listings import PlainCourse, PlainOrganisation, PlainSession, PlainTranslation, PlainVenue

# Left out of a card: what no list of results shows (the course page reads the database).
LEFT_OUT = {"description"}

COURSE_COLUMNS = tuple(c.key for c in Course.__table__.columns if c.key not in LEFT_OUT)
ORGANISATION_COLUMNS = tuple(c.key for c in Organisation.__table__.columns if c.key not in LEFT_OUT)
SESSION_COLUMNS = tuple(c.key for c in CourseSession.__table__.columns)
VENUE_COLUMNS = tuple(c.key for c in Venue.__table__.columns)
TRANSLATION_COLUMNS = tuple(c.key for c in CourseTranslation.__table__.columns if c.key not in LEFT_OUT)

Card = tuple


def _values(record, names: tuple[str, ...]) -> tuple:
    # A stand-in course (the search benchmarks' and unit tests' namespaces) may lack some columns.
    return tuple(getattr(record, name, None) for name in names)


def card_of(course) -> Card:
    """The card of a published course (organisation, sessions with venues, translations loaded)."""
    return (_values(course, COURSE_COLUMNS), _values(course.organisation, ORGANISATION_COLUMNS),
            tuple((_values(s, SESSION_COLUMNS), _values(s.venue, VENUE_COLUMNS) if s.venue is not None else None)
                  for s in course.sessions),
            tuple(_values(t, TRANSLATION_COLUMNS) for t in course.translations))


def _plain(kind: type, names: tuple[str, ...], values: tuple, **extra: Any):
    record = kind(dict(zip(names, values, strict=True)))
    record.__dict__.update(extra)
    return record


def course_of(card: Card):
    """A card as a plain course record (`queries.listings.PlainCourse`) with its organisation,
    sessions, venues and translations; texts left out of the card read as empty."""
    course_values, organisation_values, sessions, translations = card
    course = _plain(PlainCourse, COURSE_COLUMNS, course_values, description="")
    course.organisation = _plain(PlainOrganisation, ORGANISATION_COLUMNS, organisation_values, description="")
    venues: dict[int, Any] = {}
    course.sessions = []
    for session_values, venue_values in sessions:  # a venue shared by two sessions is one record
        venue = None
        if venue_values is not None:
            venue = venues.get(venue_values[0])
            if venue is None:
                venue = venues[venue_values[0]] = _plain(PlainVenue, VENUE_COLUMNS, venue_values)
        course.sessions.append(_plain(PlainSession, SESSION_COLUMNS, session_values, venue=venue, course=course))
    course.translations = [_plain(PlainTranslation, TRANSLATION_COLUMNS, values, description="", course=course)
                           for values in translations]
    return course
