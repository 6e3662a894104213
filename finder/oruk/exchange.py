"""Whole catalogues to and from Open Referral UK JSON, so listings flow to and from council directories.

Export writes every published course as a fully nested HSDS-UK 3.0 service, with the taxonomies
the attributes use. Import reads such a file (our export, a list of services, or an API page
with `contents`), turns each active service back into a listing, and hands the lot to
`Catalogue.load_catalogue`: every listing goes through the one validator and every organisation
through the organisation rules (`finder.domain.records`), and either all are written in one
transaction or none is. Records keep their identity both ways: our own keys come
back to the same courses, and a foreign service's UUID becomes its key ("oruk-<uuid>").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from finder import domain
from finder.domain import fields, records
from finder.domain.numbers import NumberError, parse_latitude, parse_longitude
from finder.models import Course, Organisation, Venue
from finder.oruk import PROFILE_URL, VERSION, ids
from finder.oruk.mapping import STEP_FREE, TERM_TIME_ONLY, service_json
from finder.oruk.selection import catalogue_languages
from finder.oruk.vocabulary import TAXONOMIES, taxonomy_json, term_from_json
from finder.queries import listings

DAYS = {"MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun"}


def export_document(services) -> dict:
    base_url = services.settings.base_url
    with services.sessions() as db:
        courses = list(db.scalars(listings.published_courses_query()))
        languages = catalogue_languages(db)
        return {
            "version": VERSION,
            "profile": PROFILE_URL,
            "source": base_url,
            "generated": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "taxonomies": [taxonomy_json(t, base_url, languages, with_terms=True) for t in TAXONOMIES],
            "services": [service_json(course, base_url) for course in courses],
        }


# -- import -------------------------------------------------------------------------------

class ImportProblem(ValueError):
    """The file is not ORUK JSON we can read (as opposed to a listing that fails validation)."""


@dataclass
class Known:
    """ORUK ids of the records already in the catalogue, so they are updated, not duplicated."""

    organizations: dict[str, str] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    services: dict[str, str] = field(default_factory=dict)
    # What ORUK has no field for, kept from the course already here: {course key: {field: value}}.
    kept: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def from_database(cls, db) -> "Known":
        courses = db.execute(select(Course.key, *(getattr(Course, name) for name in fields.NOT_IN_ORUK))).all()
        return cls(
            organizations={ids.entity_id("organization", k): k for k in db.scalars(select(Organisation.key))},
            locations={ids.entity_id("location", k): k for k in db.scalars(select(Venue.key))},
            services={ids.entity_id("service", key): key for key, *_kept in courses},
            kept={key: dict(zip(fields.NOT_IN_ORUK, kept, strict=True)) for key, *kept in courses},
        )


@dataclass
class ImportPlan:
    catalogue: dict
    skipped: list[str] = field(default_factory=list)  # services not active, by name
    new: int = 0
    existing: int = 0


def services_in(document) -> list[dict]:
    if isinstance(document, list):
        items = document
    elif isinstance(document, dict) and isinstance(document.get("services"), list):
        items = document["services"]
    elif isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = document["contents"]
    elif isinstance(document, dict) and document.get("id") and document.get("name"):
        items = [document]
    else:
        raise ImportProblem("No services found: expected a list of services, {\"services\": [...]} or a page with \"contents\".")
    if not all(isinstance(item, dict) for item in items):
        raise ImportProblem("Every service must be a JSON object.")
    return items


def _text(value) -> str:
    return str(value).strip() if value is not None else ""


def _venue(location: dict, known: Known, organisation_key: str) -> dict:
    address = (location.get("addresses") or [{}])[0] or {}
    line, city = _text(address.get("address_1")), _text(address.get("city"))
    step_free = any(_text(a.get("description")).lower() == STEP_FREE.lower() for a in location.get("accessibility") or [])
    venue = {"key": ids.key_for("location", _text(location.get("id")), known.locations),
             "organisation": organisation_key, "name": _text(location.get("name")) or line or "Venue",
             "address": ", ".join(p for p in (line, city) if p), "postcode": _text(address.get("postal_code")).upper(),
             "step_free": step_free, "directions": _text(location.get("description"))}
    if location.get("latitude") is not None and location.get("longitude") is not None:
        try:
            venue["latitude"] = parse_latitude(location["latitude"])
            venue["longitude"] = parse_longitude(location["longitude"])
        except NumberError:
            raise ImportProblem(f"Location “{venue['name']}” has a latitude or longitude that is not a point on "
                                f"the map (latitude -90 to 90, longitude -180 to 180).") from None
    return venue


def _website(service: dict, source: str) -> str:
    """The service's own web address; a link to the exporting finder's course page is not one."""
    url = _text(service.get("url"))
    if source and url.startswith(source.rstrip("/") + "/courses/"):
        return ""
    return url


def _course(service: dict, key: str, organisation_key: str, venue_by_sal: dict[str, str],
            default_levels: tuple[str, ...], source: str = "") -> dict:
    values: dict[str, list[str]] = {}
    for attribute in service.get("attributes") or []:
        term = term_from_json((attribute or {}).get("taxonomy_term") or {})
        if term is not None:
            values.setdefault(term.taxonomy.field, []).append(term.slug)
    if "languages" not in values:
        values["languages"] = [_text(lang.get("code")) for lang in service.get("languages") or [] if _text(lang.get("code"))]
    cost_options = service.get("cost_options") or []
    if "cost" not in values and cost_options:
        amount = cost_options[0].get("amount")
        values["cost"] = ["free" if amount in (0, 0.0) else "fee"]
    fee_note = next((_text(o.get("amount_description")) for o in cost_options if _text(o.get("amount_description"))),
                    _text(service.get("fees")))
    contact = (service.get("contacts") or [{}])[0] or {}
    phone = next((_text(p.get("number")) for p in contact.get("phones") or [] if _text(p.get("number"))), "")
    sessions = []
    for schedule in service.get("schedules") or []:
        day = _text(schedule.get("byday")).split(",")[0].strip().upper()
        sessions.append({
            "weekday": DAYS.get(day, day.lower()), "start": _text(schedule.get("opens_at"))[:5],
            "end": _text(schedule.get("closes_at"))[:5],
            "venue": venue_by_sal.get(_text(schedule.get("service_at_location_id"))),
            "frequency": "fortnightly" if str(schedule.get("interval") or 1) in ("2", "2.0") else "weekly",
            "term_time_only": TERM_TIME_ONLY.lower() in _text(schedule.get("notes")).lower(),
            "valid_from": _text(schedule.get("valid_from")) or None, "valid_to": _text(schedule.get("valid_to")) or None,
        })
    single = {t.field for t in TAXONOMIES if not t.many}
    course = {
        "key": key, "organisation": organisation_key, "title": _text(service.get("name")),
        "description": _text(service.get("description")), "website": _website(service, source),
        "contact_email": _text(service.get("email")) or _text(contact.get("email")),
        "contact_name": _text(contact.get("name")), "contact_phone": phone, "fee_note": fee_note,
        "last_checked": _text(service.get("assured_date"))[:10] or None, "sessions": sessions,
        "levels": values.get("levels") or list(default_levels),
    }
    for name, found in values.items():
        if name != "levels":
            course[name] = found[0] if name in single else found
    starts = sorted(_text(s.get("dtstart"))[:10] for s in service.get("schedules") or [] if _text(s.get("dtstart")))
    if course.get("enrolment") == "next-start" and starts:
        course["next_start"] = starts[0]
    return course


def plan_import(document, known: Known, default_levels: tuple[str, ...] = ()) -> ImportPlan:
    """The catalogue (organisations, venues, courses) an ORUK document stands for."""
    organisations: dict[str, dict] = {}
    venues: dict[str, dict] = {}
    courses = []
    plan = ImportPlan(catalogue={})
    source = _text(document.get("source")) if isinstance(document, dict) else ""
    for service in services_in(document):
        if _text(service.get("status") or "active").lower() != "active":
            plan.skipped.append(_text(service.get("name")) or _text(service.get("id")))
            continue
        org = service.get("organization") or {}
        org_id = _text(org.get("id") or service.get("organization_id"))
        if not org_id:
            raise ImportProblem(f"Service “{_text(service.get('name'))}” has no organization.")
        org_key = ids.key_for("organization", org_id, known.organizations)
        organisations.setdefault(org_key, {
            "key": org_key, "name": _text(org.get("name")) or org_key, "description": _text(org.get("description")),
            "email": _text(org.get("email")), "website": _text(org.get("website"))})
        venue_by_sal = {}
        for sal in service.get("service_at_locations") or []:
            location = (sal or {}).get("location") or {}
            if not location.get("id"):
                continue
            venue = _venue(location, known, org_key)
            venues.setdefault(venue["key"], venue)
            venue_by_sal[_text(sal.get("id"))] = venue["key"]
        service_id = _text(service.get("id"))
        key = ids.key_for("service", service_id, known.services)
        if service_id in known.services:
            plan.existing += 1
        else:
            plan.new += 1
        courses.append({**known.kept.get(key, {}), **_course(service, key, org_key, venue_by_sal, default_levels, source)})
    plan.catalogue = {"organisations": list(organisations.values()), "venues": list(venues.values()), "courses": courses}
    return plan


# The organisation rule's fields, as a problem names them (the catalogue's names, as for a course).
_ORGANISATION_FIELDS = {"name": "organisation", "kind": "organisation_kind", "website": "organisation_website",
                        "email": "organisation_email", "phone": "organisation_phone"}


def check_plan(plan: ImportPlan) -> None:
    """Validate every organisation and listing as the import would (raises domain.ValidationErrors
    keyed "<key>: <field>"), writing nothing."""
    venue_keys = {v["key"] for v in plan.catalogue["venues"]}
    names = {o["key"]: o["name"] for o in plan.catalogue["organisations"]}
    problems: dict[str, list] = {}
    for organisation in plan.catalogue["organisations"]:
        try:
            records.validate_organisation(organisation)
        except domain.ValidationErrors as exc:
            for name, messages in exc.errors.items():
                problems[f"{organisation['key']}: {_ORGANISATION_FIELDS[name]}"] = messages
    for raw in plan.catalogue["courses"]:
        try:
            domain.validate_listing(dict(raw, organisation=names.get(raw["organisation"], "")), known_venues=venue_keys)
        except domain.ValidationErrors as exc:
            for name, messages in exc.errors.items():
                problems[f"{raw['key']}: {name}"] = messages
    if problems:
        raise domain.ValidationErrors(problems)


def import_document(services, document, *, dry_run: bool = False, default_levels: tuple[str, ...] = (),
                    actor: str = "oruk-import"):
    """Plan, validate and (unless dry_run) load the document. Returns (plan, load report or None)."""
    with services.sessions() as db:
        known = Known.from_database(db)
    plan = plan_import(document, known, default_levels)
    check_plan(plan)  # organisations and listings alike, before anything is written
    if dry_run:
        return plan, None
    report = services.catalogue.load_catalogue(plan.catalogue, status="published", source="oruk", actor=actor)
    return plan, report
