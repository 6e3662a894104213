"""What partners and the public send in: the kinds of submission, their states, problem reports,
and the listing form (its fields, how a posted form becomes a validated listing, and back).

The form checks nothing by itself: the listing goes through `validate_listing`, its venues,
translations and organisation through the rules of `finder.domain.records`, and the form
only says which of its fields each error belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from finder.domain import fields, records
from finder.domain.listing import Listing, listing_snapshot, parse_time, validate_listing
from finder.domain.values import ValidationErrors, slugify
from finder.i18n import lazy_gettext as _l

SUBMISSION_KINDS = {
    "new": _l("New class"),
    "change": _l("Change to a class"),
    "stop": _l("Class has stopped"),
    "report": _l("Problem report"),
}

SUBMISSION_STATUSES = {
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
    return str(SUBMISSION_KINDS.get(slug, slug))


def status_label(slug: str) -> str:
    return str(SUBMISSION_STATUSES.get(slug, slug))


def problem_label(slug: str) -> str:
    return str(PROBLEMS.get(slug, slug))


# -- the listing form -------------------------------------------------------------------------

# The course's fields on the form (`finder.domain.fields`): the lists of choices are checkboxes;
# the rest, languages included (typed as "ar, fa"), one value each. Then what the form asks
# about the organisation and the person sending it.
LIST_FIELDS = tuple(f.name for f in fields.FORM_FIELDS if f.many and f.vocabulary is not None)
SCALAR_FIELDS = (*(f.name for f in fields.FORM_FIELDS if f.name not in LIST_FIELDS),
                 "organisation_email", "organisation_website", "submitter_name", "submitter_email")
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
    return {"sessions": [], "translations": [], **{name: [] for name in LIST_FIELDS}}


def new_payload() -> dict:
    """A blank form with the usual answers already chosen (each field's default)."""
    payload = empty_payload()
    payload.update({name: "" for name in SCALAR_FIELDS})
    payload.update({f.name: [f.default] if f.many else f.default for f in fields.FORM_FIELDS if f.default})
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


def _form_value(spec: fields.Field, value):
    """A course's value as the form shows it."""
    if spec.kind == "bool":
        return "1" if value else ""
    if spec.kind == "date":
        return value.isoformat() if value else ""
    if spec.kind == "number":
        return "" if value is None else str(value)
    if spec.many:
        return list(value or []) if spec.name in LIST_FIELDS else ", ".join(value or [])
    return value or ""


def from_course(course) -> dict:
    """A live listing as a form payload, to prefill an edit."""
    payload = empty_payload()
    for name in SCALAR_FIELDS:
        payload[name] = ""
    for spec in fields.FORM_FIELDS:
        payload[spec.name] = _form_value(spec, fields.course_value(course, spec))
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

    listing: Listing
    organisation: dict
    venues: dict[str, dict] = field(default_factory=dict)
    translations: dict[str, dict] = field(default_factory=dict)
    sessions: list[dict] = field(default_factory=list)  # for duplicate checks: weekday/start/end/venue key

    def snapshot(self) -> dict:
        """What the listing would look like, in the shape of the audit log's snapshots (for a diff)."""
        return {**listing_snapshot(self.listing), "translations": self.translations}


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


# Where the form shows the organisation rule's errors.
_ORGANISATION_FIELDS = {"name": "organisation", "email": "organisation_email", "website": "organisation_website"}


def prepare(payload: dict, lookup=None, *, require_submitter: bool = False) -> Prepared:
    """Check a payload with the one validator (`validate_listing`) and the rules of its venues,
    translations and organisation (`finder.domain.records`), plus the one thing only this form asks
    (the sender's email). `lookup` finds a postcode's place (None: the postcode's shape is checked,
    not its existence). Raises ValidationErrors keyed by form field."""
    errors: dict[str, list] = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    venues: dict[str, dict] = {}
    data: dict = {f.name: payload.get(f.name) for f in fields.FORM_FIELDS}
    data["sessions"] = []
    sessions = []
    for index, row in enumerate(payload.get("sessions") or [], start=1):
        name, postcode = (row.get("venue_name") or "").strip(), (row.get("venue_postcode") or "").strip()
        key = None
        if name or postcode:
            try:
                venue = records.validate_venue({"name": name, "address": row.get("venue_address"),
                                                "postcode": postcode}, lookup)
            except ValidationErrors as exc:
                for messages in exc.errors.values():
                    for message in messages:
                        err(f"session-{index}", _l("Session %(n)s: %(problem)s", n=index, problem=message))
            else:
                key = venue_key(venue["name"], venue["postcode"])
                venues[key] = {"key": key, "name": venue["name"], "address": venue["address"],
                               "postcode": venue["postcode"], "latitude": venue["latitude"],
                               "longitude": venue["longitude"]}
        session = {"weekday": row.get("weekday"), "start": row.get("start"), "end": row.get("end"),
                   "frequency": row.get("frequency") or "weekly", "term_time_only": row.get("term_time_only"),
                   "venue": key or ("pending-venue" if name or postcode else None)}
        data["sessions"].append(session)
        sessions.append({"weekday": row.get("weekday"), "start": parse_time(row.get("start")),
                         "end": parse_time(row.get("end")), "venue": key,
                         "postcode": venues[key]["postcode"] if key else None})

    listing = None
    try:
        listing = validate_listing(data)
    except ValidationErrors as exc:
        for name, messages in exc.errors.items():
            for message in messages:
                err(name.replace("sessions.", "session-") if name.startswith("sessions.") else name, message)

    translations: dict[str, dict] = {}
    try:
        translations = records.validate_translations(payload.get("translations") or [])
    except ValidationErrors as exc:
        for name, messages in exc.errors.items():
            for message in messages:
                err(f"translation-{name.split('.')[1]}", message)

    organisation: dict = {}
    found: dict[str, list] = {}
    try:
        organisation = records.validate_organisation({"name": payload.get("organisation"),
                                                      "email": payload.get("organisation_email"),
                                                      "website": payload.get("organisation_website")})
    except ValidationErrors as exc:
        found = exc.errors
    records.add_errors(errors, {k: v for k, v in found.items() if k in ("name", "email")}, _ORGANISATION_FIELDS)
    submitter_email = (payload.get("submitter_email") or "").strip()
    records.add_errors(errors, {"submitter_email": records.email_problems(submitter_email)})
    if require_submitter and not submitter_email and "submitter_email" not in errors:
        err("submitter_email", _l("Give your email address, so we can tell you when your class is live."))
    records.add_errors(errors, {k: v for k, v in found.items() if k == "website"}, _ORGANISATION_FIELDS)

    if errors or listing is None:
        raise ValidationErrors(errors)
    organisation = {"name": listing.organisation_name, "key": slugify(listing.organisation_name),
                    "email": organisation["email"], "website": organisation["website"]}
    return Prepared(listing=listing, organisation=organisation, venues=venues, translations=translations,
                    sessions=sessions)
