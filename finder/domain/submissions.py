"""What partners and the public send in: the kinds of submission, their states, problem reports,
and the listing form (its fields, how a posted form becomes a validated listing, and back)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from finder import domain, i18n
from finder.domain.values import ValidationErrors, is_email, is_web_address, slugify
from finder.i18n import lazy_gettext as _l

KINDS = {
    "new": _l("New class"),
    "change": _l("Change to a class"),
    "stop": _l("Class has stopped"),
    "report": _l("Problem report"),
}

STATUSES = {
    "pending": _l("Waiting for a decision"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "changes-requested": _l("Changes asked for"),
    "resolved": _l("Dealt with"),
}

PROBLEMS = {
    "stopped": _l("This class has stopped"),
    "wrong-time": _l("The day or time is wrong"),
    "wrong-address": _l("The address is wrong"),
    "other": _l("Something else is wrong"),
}


def kind_label(slug: str) -> str:
    return str(KINDS.get(slug, slug))


def status_label(slug: str) -> str:
    return str(STATUSES.get(slug, slug))


def problem_label(slug: str) -> str:
    return str(PROBLEMS.get(slug, slug))


# -- the listing form -------------------------------------------------------------------------

SCALAR_FIELDS = ("title", "description", "kind", "cost", "fee_note", "creche", "creche_ages", "creche_booking",
                 "mode", "languages", "join_method", "enrolment", "next_start", "contact_name", "contact_phone",
                 "contact_email", "website", "organisation", "organisation_email", "organisation_website",
                 "submitter_name", "submitter_email")
LIST_FIELDS = ("levels", "audiences", "eligibility")
SESSION_FIELDS = ("weekday", "start", "end", "frequency", "term_time_only", "venue_name", "venue_address",
                  "venue_postcode")
SESSION_ROWS = 3
TRANSLATION_ROWS = 2
MAX_ROWS = 20
_ROW_RE = re.compile(r"^(session|translation)-(\d{1,2})-([a-z_]+)$")


def venue_key(name: str, postcode: str) -> str:
    """The same key `operations.upsert_venue` gives a venue with this name and postcode."""
    return slugify(f"{name}-{postcode}")


def empty_payload() -> dict:
    return {"sessions": [], "translations": [], "levels": [], "audiences": [], "eligibility": []}


def new_payload() -> dict:
    """A blank form with the usual answers already chosen."""
    payload = empty_payload()
    payload.update({name: "" for name in SCALAR_FIELDS})
    payload.update(kind="informal", cost="free", creche="none", mode="in-person", join_method="drop-in",
                   enrolment="open", eligibility=["anyone"])
    return payload


def parse_form(form) -> dict:
    """A posted listing form (Starlette FormData) as a plain JSON-able payload, blank rows dropped."""
    payload = empty_payload()
    for name in SCALAR_FIELDS:
        value = form.get(name)
        payload[name] = value.strip() if isinstance(value, str) else ""
    for name in LIST_FIELDS:
        payload[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
    rows: dict[tuple[str, int], dict] = {}
    for key in form.keys():
        match = _ROW_RE.match(key)
        if match and int(match.group(2)) <= MAX_ROWS and isinstance(form.get(key), str):
            rows.setdefault((match.group(1), int(match.group(2))), {})[match.group(3)] = form.get(key).strip()
    for (kind, _), row in sorted(rows.items(), key=lambda item: item[0]):
        if kind == "session" and any(row.get(n) for n in ("weekday", "start", "end", "venue_name", "venue_postcode")):
            payload["sessions"].append({n: row.get(n, "") for n in SESSION_FIELDS})
        if kind == "translation" and (row.get("title") or row.get("description")):
            payload["translations"].append({"locale": row.get("locale", ""), "title": row.get("title", ""),
                                            "description": row.get("description", "")})
    return payload


def from_course(course) -> dict:
    """A live listing as a form payload, to prefill an edit."""
    payload = empty_payload()
    for name in SCALAR_FIELDS:
        payload[name] = ""
    for name in ("title", "description", "kind", "cost", "fee_note", "creche", "creche_ages", "mode", "join_method",
                 "enrolment", "contact_name", "contact_phone", "contact_email", "website"):
        payload[name] = getattr(course, name) or ""
    payload["creche_booking"] = "1" if course.creche_booking else ""
    payload["next_start"] = course.next_start.isoformat() if course.next_start else ""
    payload["languages"] = ", ".join(course.languages or [])
    for name in LIST_FIELDS:
        payload[name] = list(getattr(course, name) or [])
    payload["organisation"] = course.organisation.name
    payload["sessions"] = [{
        "weekday": s.weekday, "start": s.start_time.strftime("%H:%M"), "end": s.end_time.strftime("%H:%M"),
        "frequency": s.frequency, "term_time_only": "1" if s.term_time_only else "",
        "venue_name": s.venue.name if s.venue else "", "venue_address": s.venue.address if s.venue else "",
        "venue_postcode": s.venue.postcode if s.venue else ""} for s in course.sessions]
    payload["translations"] = [{"locale": t.locale, "title": t.title, "description": t.description}
                               for t in course.translations]
    return payload


def form_values(payload: dict, session_rows: int = SESSION_ROWS, translation_rows: int = TRANSLATION_ROWS) -> dict:
    """The payload as the flat field values a form shows, with spare blank rows to fill in."""
    values = {name: payload.get(name, "") for name in SCALAR_FIELDS}
    for name in LIST_FIELDS:
        values[name] = list(payload.get(name) or [])
    sessions = list(payload.get("sessions") or [])
    rows = max(session_rows, len(sessions) + 1)
    for n in range(1, rows + 1):
        row = sessions[n - 1] if n <= len(sessions) else {}
        for name in SESSION_FIELDS:
            values[f"session-{n}-{name}"] = row.get(name, "")
    translations = list(payload.get("translations") or [])
    rows_t = max(translation_rows, len(translations) + 1)
    for n in range(1, rows_t + 1):
        row = translations[n - 1] if n <= len(translations) else {}
        for name in ("locale", "title", "description"):
            values[f"translation-{n}-{name}"] = row.get(name, "")
    values["_session_rows"] = rows
    values["_translation_rows"] = rows_t
    return values


@dataclass
class Prepared:
    """A checked listing form: ready for `operations` to store."""

    listing: domain.Listing
    organisation: dict
    venues: dict[str, dict] = field(default_factory=dict)
    translations: dict[str, dict] = field(default_factory=dict)
    sessions: list[dict] = field(default_factory=list)  # for duplicate checks: weekday/start/end/venue key


def error_anchor(name: str) -> str:
    """The id of the form control an error should link to."""
    match = re.match(r"^session-(\d+)$", name)
    if match:
        return f"session-{match.group(1)}-weekday"
    if name == "sessions":
        return "session-1-weekday"
    match = re.match(r"^translation-(\d+)$", name)
    if match:
        return f"translation-{match.group(1)}-locale"
    return name


def prepare(payload: dict, lookup=None, *, require_submitter: bool = False) -> Prepared:
    """Check a payload with the one validator (`domain.validate_listing`) plus what only a form has
    (venue postcodes, translations, the submitter's email). Raises ValidationErrors keyed by form field."""
    from finder.geo.shapes import PostcodeError

    errors: dict[str, list] = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    venues: dict[str, dict] = {}
    data = {name: payload.get(name) for name in SCALAR_FIELDS}
    data.update({name: payload.get(name) or [] for name in LIST_FIELDS})
    data["sessions"] = []
    sessions = []
    for index, row in enumerate(payload.get("sessions") or [], start=1):
        name, postcode = (row.get("venue_name") or "").strip(), (row.get("venue_postcode") or "").strip()
        key = None
        if name or postcode:
            if not name:
                err(f"session-{index}", _l("Session %(n)s: give the name of the place, for example the library or the church hall.", n=index))
            if not postcode:
                err(f"session-{index}", _l("Session %(n)s: give the postcode of the place.", n=index))
            place = None
            if postcode and lookup is not None:
                try:
                    place = lookup(postcode)
                except PostcodeError as exc:
                    err(f"session-{index}", _l("Session %(n)s: %(problem)s", n=index, problem=exc.message))
            if name and postcode:
                postcode = place.label if place is not None and getattr(place, "precision", "") == "postcode" else postcode.upper()
                key = venue_key(name, postcode)
                venues[key] = {"key": key, "name": name, "address": (row.get("venue_address") or "").strip(),
                               "postcode": postcode,
                               "latitude": place.latitude if place is not None else None,
                               "longitude": place.longitude if place is not None else None}
        session = {"weekday": row.get("weekday"), "start": row.get("start"), "end": row.get("end"),
                   "frequency": row.get("frequency") or "weekly", "term_time_only": row.get("term_time_only"),
                   "venue": key or ("pending-venue" if name or postcode else None)}
        data["sessions"].append(session)
        sessions.append({"weekday": row.get("weekday"), "start": domain.parse_time(row.get("start")),
                         "end": domain.parse_time(row.get("end")), "venue": key,
                         "postcode": venues[key]["postcode"] if key else None})

    listing = None
    try:
        listing = domain.validate_listing(data)
    except ValidationErrors as exc:
        for name, messages in exc.errors.items():
            target = name.replace("sessions.", "session-") if name.startswith("sessions.") else name
            for message in messages:
                err(target, message)

    translations = {}
    for index, row in enumerate(payload.get("translations") or [], start=1):
        locale = i18n.match_locale(row.get("locale") or "") if row.get("locale") else None
        if locale is None or locale == "en":
            err(f"translation-{index}", _l("Translation %(n)s: choose the language.", n=index))
        elif locale in translations:
            err(f"translation-{index}", _l("Translation %(n)s: this language is already given above.", n=index))
        if not (row.get("title") or "").strip():
            err(f"translation-{index}", _l("Translation %(n)s: give the class name in this language.", n=index))
        if locale:
            translations[locale] = {"title": (row.get("title") or "").strip()[:domain.MAX_TITLE],
                                    "description": (row.get("description") or "").strip()[:domain.MAX_TEXT]}

    for name in ("organisation_email", "submitter_email"):
        value = (payload.get(name) or "").strip()
        if value and not is_email(value):
            err(name, _l("Enter an email address, like name@example.org."))
    if require_submitter and not (payload.get("submitter_email") or "").strip() and "submitter_email" not in errors:
        err("submitter_email", _l("Give your email address, so we can tell you when your class is live."))
    website = (payload.get("organisation_website") or "").strip()
    if website and not is_web_address(website):
        err("organisation_website", _l("Web addresses start with http:// or https://."))

    if errors:
        raise ValidationErrors(errors)
    organisation = {"name": listing.organisation_name, "key": slugify(listing.organisation_name),
                    "email": (payload.get("organisation_email") or "").strip(),
                    "website": website}
    return Prepared(listing=listing, organisation=organisation, venues=venues, translations=translations,
                    sessions=sessions)
