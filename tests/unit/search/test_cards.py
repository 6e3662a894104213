"""Result cards (finder.search.cards): a page of results read from the index shows exactly what the
database holds, and the search page and /search.json need no database query."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from finder.queries import listings
from finder.search import cards

pytestmark = pytest.mark.postgres


def _shown(course) -> dict:
    return {
        **{name: getattr(course, name) for name in cards.COURSE_COLUMNS},
        "organisation": (course.organisation.id, course.organisation.name, course.organisation.phone),
        "sessions": [(s.weekday, s.start_time, s.end_time, s.frequency, s.term_time_only,
                      s.venue.name if s.venue else None, s.venue.area if s.venue else None) for s in course.sessions],
        "venues": [(v.id, v.name, v.address, v.postcode, v.latitude, v.longitude) for v in course.venues],
        "translations": [(t.locale, t.title) for t in course.translations],
        "free": course.free, "women_only": course.women_only,
        "ar": course.translation("ar").title if course.translation("ar") else None,
    }


def test_a_card_shows_what_the_database_holds(fixture_catalogue):
    services = fixture_catalogue
    with services.sessions() as db:
        for course in db.scalars(listings.published_courses_query()):
            assert _shown(cards.course_of(cards.card_of(course))) == _shown(course), course.key


def test_a_page_of_results_reads_no_database(client, fixture_catalogue):
    statements = []

    def count(*args, **kwargs):
        statements.append(args[2] if len(args) > 2 else "")

    client.get("/search.json?q=english")  # the first request may read settings and the catalogue version
    event.listen(fixture_catalogue.engine, "before_cursor_execute", count)
    try:
        body = client.get("/search.json?q=english&creche=1").json()
        page = client.get("/search?q=english")
    finally:
        event.remove(fixture_catalogue.engine, "before_cursor_execute", count)
    assert body["total"] > 0 and page.status_code == 200
    touched = [s for s in statements if "course" in str(s).lower() and "catalogue" not in str(s).lower()
               and "evidence" not in str(s).lower()]
    assert touched == [], touched
