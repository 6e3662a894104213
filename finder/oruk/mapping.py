"""Courses as ORUK services (HSDS-UK 3.0): the full service, the list item, service_at_location.

A course is a service, its organisation an organization, each venue a location (with one
address), each session a schedule, and the vocabulary (level, crèche, languages, …) attributes
linking to the app's taxonomy terms. Optional fields are left out when empty, so that every
`uri`, `email` and `date-time` present is valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from finder import domain, i18n
from finder.domain.values import is_email, is_web_address
from finder.oruk import ids
from finder.oruk.vocabulary import course_terms, term_json

RRULE_DAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
STEP_FREE = "Step-free access"
TERM_TIME_ONLY = "Term time only"


def _put(data: dict, name: str, value, valid: Callable[[str], bool] | None = None) -> None:
    """Set an optional field, left out when empty or (with `valid`, one of the domain's value rules) invalid."""
    if value in (None, "", []):
        return
    if valid is not None and not valid(str(value)):
        return
    data[name] = value


def _timestamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc, microsecond=0).isoformat().replace("+00:00", "Z")


def service_id(course) -> str:
    return ids.entity_id("service", course.key)


def organization_json(org) -> dict:
    data = {"id": ids.entity_id("organization", org.key), "name": org.name, "description": org.description or ""}
    _put(data, "email", org.email, is_email)
    _put(data, "website", org.website, is_web_address)
    return data


def split_address(address: str) -> tuple[str, str]:
    """'1 Clarence Street, Liverpool' -> ('1 Clarence Street', 'Liverpool')."""
    parts = [p.strip() for p in (address or "").split(",") if p.strip()]
    if len(parts) >= 2:
        return ", ".join(parts[:-1]), parts[-1]
    return (parts[0] if parts else ""), ""


def location_json(venue) -> dict:
    location_id = ids.entity_id("location", venue.key)
    line, city = split_address(venue.address)
    data = {"id": location_id, "location_type": "physical", "name": venue.name}
    _put(data, "description", venue.directions)
    if venue.latitude is not None and venue.longitude is not None:
        data["latitude"], data["longitude"] = round(venue.latitude, 6), round(venue.longitude, 6)
    data["addresses"] = [{
        "id": ids.stable("address", venue.key), "location_id": location_id, "address_1": line, "city": city,
        "state_province": "", "postal_code": venue.postcode or "", "country": "GB", "address_type": "physical",
    }]
    data["accessibility"] = ([{"id": ids.stable("accessibility", venue.key), "location_id": location_id,
                               "description": STEP_FREE}] if venue.step_free else [])
    return data


def _first_date(weekday: str, on_or_after: dt.date) -> dt.date:
    return on_or_after + dt.timedelta(days=(domain.WEEKDAY_INDEX[weekday] - on_or_after.weekday()) % 7)


def schedule_json(course, session, index: int) -> dict:
    sid = service_id(course)
    data = {"id": ids.stable("schedule", course.key, str(index)), "service_id": sid, "freq": "WEEKLY",
            "interval": 2 if session.frequency == "fortnightly" else 1, "byday": RRULE_DAYS[session.weekday],
            "opens_at": session.start_time.strftime("%H:%M"), "closes_at": session.end_time.strftime("%H:%M"),
            "attending_type": "online" if session.venue is None else "in person"}
    if session.venue is not None:
        data["service_at_location_id"] = ids.stable("service_at_location", course.key, session.venue.key)
    if session.valid_from:
        data["valid_from"] = session.valid_from.isoformat()
        data["dtstart"] = _first_date(session.weekday, session.valid_from).isoformat()
    elif course.enrolment == "next-start" and course.next_start:
        data["dtstart"] = _first_date(session.weekday, course.next_start).isoformat()  # the next course starts
    if session.valid_to:
        data["valid_to"] = session.valid_to.isoformat()
    with i18n.use_locale(i18n.DEFAULT_LOCALE):
        data["description"] = i18n.gettext(
            "%(day)s %(start)s to %(end)s", day=i18n.weekday_name(domain.WEEKDAY_INDEX[session.weekday]),
            start=i18n.format_time(session.start_time), end=i18n.format_time(session.end_time))
        if session.frequency == "fortnightly":
            data["description"] += ", " + str(domain.FREQUENCIES["fortnightly"].label).lower()
    if session.term_time_only:
        data["notes"] = TERM_TIME_ONLY
    return data


def attributes_json(course, base_url: str) -> list[dict]:
    sid = service_id(course)
    return [{"id": ids.stable("attribute", course.key, term.taxonomy.name, term.slug), "link_id": sid,
             "link_type": "service", "link_entity": "service", "taxonomy_term_id": term.id,
             "taxonomy_term": term_json(term, base_url)}
            for term in course_terms(course)]


def cost_options_json(course) -> list[dict]:
    with i18n.use_locale(i18n.DEFAULT_LOCALE):
        option = {"id": ids.stable("cost_option", course.key), "service_id": service_id(course),
                  "option": str(domain.COSTS[course.cost].label) if course.cost in domain.COSTS else course.cost}
    if course.cost == "free":
        option["amount"] = 0
    _put(option, "amount_description", course.fee_note)
    return [option]


def contacts_json(course) -> list[dict]:
    phone = course.contact_phone
    if not (course.contact_name or phone or course.contact_email):
        return []
    contact = {"id": ids.stable("contact", course.key), "service_id": service_id(course)}
    _put(contact, "name", course.contact_name)
    _put(contact, "email", course.contact_email, is_email)
    if phone:
        contact["phones"] = [{"id": ids.stable("phone", course.key), "number": phone}]
    return [contact]


def languages_json(course) -> list[dict]:
    sid = service_id(course)
    with i18n.use_locale(i18n.DEFAULT_LOCALE):
        return [{"id": ids.stable("language", course.key, code), "service_id": sid, "name": i18n.language_name(code),
                 "code": code.split("_")[0]} for code in course.languages or []]


def _service_fields(course, base_url: str) -> dict:
    data = {"id": service_id(course), "organization_id": ids.entity_id("organization", course.organisation.key),
            "name": course.title, "description": course.description or "",
            "status": "active" if course.status == "published" else "inactive"}
    _put(data, "url", course.website or f"{base_url}/courses/{course.id}", is_web_address)
    _put(data, "email", course.contact_email, is_email)
    _put(data, "fees", course.fee_note)
    if course.last_checked:
        data["assured_date"] = course.last_checked.isoformat()
    _put(data, "last_modified", _timestamp(course.updated_at))
    return data


def service_list_item(course, base_url: str) -> dict:
    data = _service_fields(course, base_url)
    data["organization"] = organization_json(course.organisation)
    return data


def service_at_location_id(course, venue) -> str:
    return ids.stable("service_at_location", course.key, venue.key)


def service_json(course, base_url: str, with_locations: bool = True) -> dict:
    """The fully nested service (organisation, sessions and venues loaded)."""
    data = _service_fields(course, base_url)
    data["organization"] = organization_json(course.organisation)
    if with_locations:
        data["service_at_locations"] = [
            {"id": service_at_location_id(course, venue), "service_id": data["id"],
             "location_id": ids.entity_id("location", venue.key), "location": location_json(venue)}
            for venue in course.venues]
    data["schedules"] = [schedule_json(course, s, i) for i, s in enumerate(course.sessions, start=1)]
    data["languages"] = languages_json(course)
    data["cost_options"] = cost_options_json(course)
    data["contacts"] = contacts_json(course)
    data["attributes"] = attributes_json(course, base_url)
    data["service_areas"] = []
    data["funding"] = []
    return data


def service_at_location_json(course, venue, base_url: str, full: bool = True) -> dict:
    """One course at one venue. The full form also carries the service's name and status at the
    top, so it validates both as a service_at_location and as the published OpenAPI's service."""
    location = location_json(venue)
    if not full:
        location = {k: v for k, v in location.items() if k not in ("addresses", "accessibility")}
    data = {"id": service_at_location_id(course, venue), "service_id": service_id(course),
            "location_id": location["id"], "location": location,
            "service": service_json(course, base_url, with_locations=False) if full else service_list_item(course, base_url)}
    if full:
        data["name"] = course.title
        data["status"] = data["service"]["status"]
    return data
