"""'Add to calendar': the .ics keeps classes at their London times across the clock change."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from tests import factories

pytestmark = pytest.mark.postgres

UTC = dt.timezone.utc


def _load(services, **session_extra):
    data = factories.catalogue([
        factories.course("evening", "Evening ESOL", "college", [
            factories.session("mon", "18:30", "20:30", valid_from="2026-10-05", valid_to="2026-11-30"),
            factories.session("wed", "10:00", "12:00", frequency="fortnightly", valid_from="2026-10-07",
                              valid_to="2026-11-30", term_time_only=True),
        ]),
    ])
    services.catalogue.load_catalogue(data)


def _events(client, course_id):
    response = client.get(f"/courses/{course_id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar, recurring_ical_events.of(calendar).between(dt.date(2026, 9, 1), dt.date(2027, 1, 31))


def test_weekly_class_stays_at_half_past_six_local_on_both_sides_of_the_october_clock_change(services, client, ids):
    _load(services)
    calendar, events = _events(client, ids()["evening"])
    mondays = sorted(e["DTSTART"].dt for e in events if e["DTSTART"].dt.weekday() == 0)
    assert [d.date() for d in mondays] == [dt.date(2026, 10, 5) + dt.timedelta(weeks=n) for n in range(9)]
    london = ZoneInfo("Europe/London")
    assert all(d.astimezone(london).time() == dt.time(18, 30) for d in mondays)
    before, after = mondays[2], mondays[3]  # 19 October (BST) and 26 October (GMT): clocks go back on the 25th
    assert before.astimezone(UTC) == dt.datetime(2026, 10, 19, 17, 30, tzinfo=UTC)
    assert after.astimezone(UTC) == dt.datetime(2026, 10, 26, 18, 30, tzinfo=UTC)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"


def test_fortnightly_session_repeats_every_two_weeks_and_says_term_time_only(services, client, ids):
    _load(services)
    _, events = _events(client, ids()["evening"])
    wednesdays = sorted(e["DTSTART"].dt.date() for e in events if e["DTSTART"].dt.weekday() == 2)
    assert wednesdays == [dt.date(2026, 10, 7), dt.date(2026, 10, 21), dt.date(2026, 11, 4), dt.date(2026, 11, 18)]
    wednesday = next(e for e in events if e["DTSTART"].dt.weekday() == 2)
    assert "Term time only" in str(wednesday["DESCRIPTION"])
    assert "1 Clarence Street" in str(wednesday["LOCATION"]) and "L3 5TR" in str(wednesday["LOCATION"])


def test_course_page_offers_the_calendar_and_unknown_courses_have_none(services, client, ids):
    _load(services)
    course_id = ids()["evening"]
    assert f'href="/courses/{course_id}/calendar.ics"' in client.get(f"/courses/{course_id}").text
    assert client.get("/courses/999999/calendar.ics").status_code == 404
