""""Add to calendar": a course's recurring sessions as an iCalendar file, in Europe/London time.

Each session is one weekly (or fortnightly) event. Times are local London times with a
VTIMEZONE, so a class at 18:30 stays at 18:30 on both sides of the clock changes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from finder import domain, i18n
from finder.queries import listings
from finder.web.kit.addresses import base_url
from finder.web.kit.pages import services as app_services
from finder.web.kit.templating import localised

LONDON = ZoneInfo("Europe/London")
RRULE_DAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}


def first_date(weekday: str, on_or_after: dt.date) -> dt.date:
    """The first date with this weekday on or after the given date."""
    return on_or_after + dt.timedelta(days=(domain.WEEKDAY_INDEX[weekday] - on_or_after.weekday()) % 7)


def _starting_from(course, session, today: dt.date) -> dt.date:
    if session.valid_from:
        return session.valid_from
    if course.enrolment == "next-start" and course.next_start:
        return course.next_start
    return today


def _where(session) -> str:
    if session.venue is None:
        return i18n.gettext("Online")
    return ", ".join(part for part in (session.venue.name, session.venue.address, session.venue.postcode) if part)


def _description(course, session, text: dict, url: str) -> str:
    lines = [text["description"]] if text["description"] else []
    lines.append(i18n.gettext("Organised by %(organisation)s", organisation=course.organisation.name))
    if session.term_time_only:
        lines.append(i18n.gettext("Term time only: there are no classes in the school holidays."))
    lines.append(i18n.gettext("Check the latest details before you go: %(url)s", url=url))
    return "\n\n".join(lines)


def course_calendar(course, base_url: str, today: dt.date | None = None) -> bytes:
    """The iCalendar file for a published course (organisation and sessions loaded)."""
    today = today or dt.date.today()
    text = localised(course)
    url = f"{base_url}/courses/{course.id}"
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "esol-finder"
    stamp = (course.updated_at or dt.datetime(2000, 1, 1)).replace(tzinfo=dt.timezone.utc)

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//ESOL Finder//Course calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", text["title"])
    for index, session in enumerate(course.sessions, start=1):
        day = first_date(session.weekday, _starting_from(course, session, today))
        start = dt.datetime.combine(day, session.start_time, tzinfo=LONDON)
        end = dt.datetime.combine(day, session.end_time, tzinfo=LONDON)
        rule = {"FREQ": "WEEKLY", "BYDAY": RRULE_DAYS[session.weekday]}
        if session.frequency == "fortnightly":
            rule["INTERVAL"] = 2
        if session.valid_to:
            # With a local DTSTART, UNTIL is given in UTC (RFC 5545): the end of that day in London.
            last = dt.datetime.combine(session.valid_to, dt.time(23, 59, 59), tzinfo=LONDON)
            rule["UNTIL"] = last.astimezone(dt.timezone.utc)
        event = icalendar.Event()
        event.add("uid", f"course-{course.id}-session-{index}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", text["title"])
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("rrule", rule)
        event.add("location", _where(session))
        event.add("description", _description(course, session, text, url))
        event.add("url", url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


async def course_ics(request: Request):
    services = app_services(request)
    with services.sessions() as db:
        course = listings.course(db, request.path_params["course_id"])
    if course is None:
        raise HTTPException(404)
    body = course_calendar(course, base_url(request))
    return Response(body, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="esol-class-{course.id}.ics"'})


routes = [Route("/courses/{course_id:id}/calendar.ics", course_ics, name="course_calendar")]
