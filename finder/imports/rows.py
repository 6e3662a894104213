"""One spreadsheet row → the organisation, venues and course it describes, checked.

The course itself goes through `finder.domain.validate_listing`, the one validator; the
checks here are the ones only a spreadsheet needs (which column is wrong, a postcode that
does not exist, a venue or id used twice in one file). Errors name the row as the person
sees it in their spreadsheet and the column, in plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from finder import domain
from finder.domain.values import slugify
from finder.geo import shapes as geo
from finder.i18n import lazy_gettext as _l
from finder.imports import columns

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,159}$")
_EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_YES = ("yes", "y", "true", "1", "on")
_NO = ("no", "n", "false", "0", "off")
_DAYS = {**{slug: slug for slug in domain.WEEKDAYS},
         **{name: name[:3] for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                       "sunday")},
         "tues": "tue", "weds": "wed", "thur": "thu", "thurs": "thu"}
# Lengths the database keeps, for the columns the domain validator does not see.
_LIMITS = {"organisation_website": 500, "organisation_email": 200, "organisation_phone": 40,
           "venue_name": 200, "venue_address": 500, "organisation_id": 120, "venue_id": 120}
# Course fields the validator reports on, by the column that holds them.
_FIELD_COLUMN = {"organisation": "organisation", "sessions": "session_1_day"}


@dataclass
class RowError:
    row: int
    column: str
    message: object  # a lazy translation: rendered in the reader's language

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class PreparedRow:
    """A checked row, ready for `Catalogue.import_rows`."""

    number: int
    key: str
    listing: domain.Listing
    organisation: dict
    venues: list[dict] = field(default_factory=list)  # venues this row describes (name, postcode, ...)
    status: str | None = None
    translations: dict | None = None


@dataclass
class Lookups:
    """What the database already holds, to match rows without ids to existing records."""

    organisation_keys: dict[str, str] = field(default_factory=dict)       # lower-case name -> key
    venue_keys: dict[tuple[str, str], str] = field(default_factory=dict)  # (lower-case name, postcode) -> key
    known_venues: set[str] = field(default_factory=set)
    postcodes: object = None  # has .lookup(text) raising finder.geo.PostcodeError


def normalise_postcode(text: str) -> str | None:
    """"l86sq" → "L8 6SQ"; None when it is not shaped like a postcode."""
    try:
        return geo.normalise_postcode(text or "")
    except geo.PostcodeError:
        return None


def _yes_no(value: str) -> bool | None:
    value = value.strip().lower()
    if value in _YES:
        return True
    if value in _NO or not value:
        return False
    return None


class RowChecker:
    """Checks the rows of one file in order, remembering ids and venues seen in earlier rows."""

    def __init__(self, headings: list[str], lookups: Lookups):
        self.headings = set(headings)
        self.lookups = lookups
        self.course_rows: dict[str, int] = {}
        self.venues_seen: dict[str, tuple[int, tuple]] = {}
        self.organisations_seen: dict[str, tuple[int, str]] = {}
        self.translation_locales = [code for code in columns.TRANSLATED_LOCALES
                                    if f"title_{code.lower()}" in self.headings
                                    or f"description_{code.lower()}" in self.headings]

    # -- one row ----------------------------------------------------------------------
    def check(self, number: int, values: dict[str, str]) -> PreparedRow | list[RowError]:
        errors: list[RowError] = []

        def err(column, message):
            errors.append(RowError(number, column, message))

        def cell(name):
            return values.get(name, "").strip()

        for name, limit in _LIMITS.items():
            if len(cell(name)) > limit:
                err(name, _l("This is too long: at most %(limit)s characters.", limit=limit))

        organisation = self._organisation(number, values, err)
        mode = cell("mode").lower() or "in-person"
        main_venue, venues = self._venue(number, values, "venue_", err)
        venue_given = any(cell(f"venue_{name}") for name in ("id", "name", "address", "postcode"))

        sessions, session_numbers, reported = [], [], set()
        venue_missing = False
        for n in range(1, columns.MAX_SESSIONS + 1):
            session, venue = self._session(number, n, values, main_venue, err, reported)
            if venue is not None:
                venues.append(venue)
            if session is None:
                continue
            if session["venue"] is None and mode != "online" and not venue_missing and not venue_given:
                venue_missing = True
                err("venue_name", _l("Say where the class meets: give the venue's name and postcode, "
                                     "or set mode to online."))
            sessions.append(session)
            session_numbers.append(n)
        if not sessions and not reported:
            err("session_1_day", _l("Give at least one session: the day and the start and end times."))

        data = {name: cell(name) for name in (
            "title", "organisation", "description", "kind", "levels", "audiences", "cost", "fee_note", "eligibility",
            "creche", "creche_ages", "creche_booking", "mode", "languages", "join_method", "enrolment", "next_start",
            "contact_name", "contact_phone", "contact_email", "website", "last_checked")}
        data["sessions"] = sessions
        listing = None
        try:
            listing = domain.validate_listing(data)
        except domain.ValidationErrors as exc:
            for name, messages in exc.errors.items():
                column = _FIELD_COLUMN.get(name, name)
                if name == "sessions" and (reported or not sessions):
                    continue
                if name.startswith("sessions."):
                    index = int(name.split(".")[1]) - 1
                    n = session_numbers[index]
                    if n in reported or sessions[index]["venue"] is None:
                        continue  # already said, in the column that is wrong
                    column = f"session_{n}_day"
                for message in messages:
                    err(column, message)

        status = cell("status").lower() or None
        if status is not None and status not in domain.STATUSES:
            err("status", _l("“%(value)s” is not one of the choices: %(choices)s.", value=status[:40],
                             choices=", ".join(domain.STATUSES)))

        translations = self._translations(values, err)
        key = self._course_key(number, values, organisation, err)

        if errors or listing is None:
            order = {name: index for index, name in enumerate(columns.NAMES)}
            return sorted(errors, key=lambda error: order.get(error.column, len(order)))
        return PreparedRow(number=number, key=key, listing=listing, organisation=organisation,
                           venues=venues, status=status, translations=translations)

    # -- parts of a row ---------------------------------------------------------------
    def _course_key(self, number, values, organisation, err) -> str:
        key = values.get("id", "").strip()
        if key and not _ID_RE.match(key):
            err("id", _l("Use only letters, numbers and hyphens in the id (at most 160)."))
        if not key:
            key = slugify(f"{organisation.get('name', '')}-{values.get('title', '')}")[:160]
        if key in self.course_rows:
            err("id", _l("Row %(row)s already has this course. Each course needs its own row and its own id.",
                         row=self.course_rows[key]))
        else:
            self.course_rows[key] = number
        return key

    def _organisation(self, number, values, err) -> dict:
        name = values.get("organisation", "").strip()
        key = values.get("organisation_id", "").strip()
        if key and not _ID_RE.match(key):
            err("organisation_id", _l("Use only letters, numbers and hyphens in the id (at most 160)."))
        key = key or self.lookups.organisation_keys.get(name.lower()) or slugify(name)
        data = {"key": key, "name": name}
        kind = values.get("organisation_kind", "").strip().lower()
        if kind:
            if kind not in domain.ORGANISATION_KINDS:
                err("organisation_kind", _l("“%(value)s” is not one of the choices: %(choices)s.", value=kind[:40],
                                            choices=", ".join(domain.ORGANISATION_KINDS)))
            data["kind"] = kind
        website = values.get("organisation_website", "").strip()
        if website:
            if not re.match(r"^https?://[^\s<>\"]+$", website):
                err("organisation_website", _l("Web addresses start with http:// or https://."))
            data["website"] = website
        email = values.get("organisation_email", "").strip()
        if email:
            if not _EMAIL_RE.match(email):
                err("organisation_email", _l("This does not look like an email address."))
            data["email"] = email
        phone = values.get("organisation_phone", "").strip()
        if phone:
            data["phone"] = phone
        if name:
            seen = self.organisations_seen.get(key)
            if seen is not None and seen[1] != name:
                err("organisation", _l("Row %(row)s gives this organisation id the name “%(name)s”. "
                                       "Use the same name, or another id.", row=seen[0], name=seen[1][:60]))
            elif seen is None:
                self.organisations_seen[key] = (number, name)
        return data

    def _venue(self, number, values, prefix, err) -> tuple[str | None, list[dict]]:
        """The venue described by the columns starting with `prefix`: (its key, [its data if given])."""
        def cell(name):
            return values.get(prefix + name, "").strip()

        key, name, address, postcode = cell("id"), cell("name"), cell("address"), cell("postcode")
        step_free, directions = cell("step_free"), cell("directions")
        if not (key or name or address or postcode):
            return None, []
        if key and not _ID_RE.match(key):
            err(prefix + "id", _l("Use only letters, numbers and hyphens in the id (at most 160)."))
            return None, []
        if key and not (name or address or postcode):
            if key in self.lookups.known_venues or key in self.venues_seen:
                return key, []
            err(prefix + "id", _l("There is no venue with the id “%(venue)s”. Give its name and postcode "
                                 "too.", venue=key[:60]))
            return None, []
        if not name:
            err(prefix + "name", _l("Give the venue's name."))
        normalised = None
        data = {"key": "", "name": name, "postcode": postcode}
        if not postcode:
            err(prefix + "postcode", _l("Give the venue's postcode, for example L8 6SQ."))
        else:
            normalised, place, problem = self._postcode(postcode)
            if problem is not None:
                err(prefix + "postcode", problem)
                normalised = None
            else:
                data.update(postcode=normalised, latitude=place.latitude, longitude=place.longitude)
        if not (name and normalised):
            return None, []
        key = key or self.lookups.venue_keys.get((name.lower(), normalised)) or slugify(f"{name}-{normalised}")
        data["key"] = key
        if address:
            data["address"] = address
        if directions:
            data["directions"] = directions
        if step_free:
            flag = _yes_no(step_free)
            if flag is None:
                err(prefix + "step_free", _l("Write yes or no."))
            data["step_free"] = bool(flag)
        identity = (name, normalised, address)
        seen = self.venues_seen.get(key)
        if seen is not None and seen[1] != identity:
            err(prefix + "id", _l("Row %(row)s describes a different venue with this id. Use the same name, "
                                 "address and postcode, or another id.", row=seen[0]))
        elif seen is None:
            self.venues_seen[key] = (number, identity)
        return key, [data]

    def _postcode(self, text: str):
        """(normalised postcode, place, None), or (.., .., a message saying what is wrong)."""
        try:
            code = geo.normalise_postcode(text)
        except geo.PostcodeError as exc:
            if exc.hint is None:
                return None, None, exc.message
            return None, None, _l("%(problem)s %(hint)s", problem=exc.message, hint=exc.hint)
        if geo.postcode_precision(code) != "postcode":
            return code, None, _l("Give the venue's full postcode, like L8 6SQ, not just “%(postcode)s”.",
                                  postcode=code)
        try:
            place = self.lookups.postcodes.lookup(code)
        except geo.PostcodeError:
            suggestion = self._suggestion(code)
            if suggestion is not None:
                return code, None, _l("The postcode “%(postcode)s” does not exist. Did you mean “%(suggestion)s”?",
                                      postcode=code, suggestion=suggestion)
            return code, None, _l("The postcode “%(postcode)s” does not exist. Check it against the venue's "
                                  "address.", postcode=code)
        return code, place, None

    def _suggestion(self, code: str) -> str | None:
        """A known postcode the person may have meant (O for 0, I for 1 and the like)."""
        fix = geo.confusable_fix(code)
        if fix is None:
            return None
        try:
            return self.lookups.postcodes.lookup(fix[0]).label
        except geo.PostcodeError:
            return None

    def _session(self, number, n, values, main_venue, err, reported):
        prefix = f"session_{n}_"

        def cell(name):
            return values.get(prefix + name, "").strip()

        if not any(cell(name) for name in columns.SESSION_FIELDS):
            return None, None
        def bad(name, message):
            reported.add(n)
            err(prefix + name, message)

        def bad_venue(column, message):
            reported.add(n)
            err(column, message)

        day_text = cell("day").lower()
        day = _DAYS.get(day_text)
        if not day_text:
            bad("day", _l("Give the day of the week, for example mon."))
        elif day is None:
            bad("day", _l("“%(value)s” is not a day of the week. Write mon, tue, wed, thu, fri, sat or sun.",
                          value=day_text[:20]))
        times = {}
        for name in ("start", "end"):
            text = cell(name)
            times[name] = domain.parse_time(text)
            if not text:
                bad(name, _l("Give the time, for example 18:30."))
            elif times[name] is None:
                bad(name, _l("“%(value)s” is not a time. Write it as HH:MM on the 24-hour clock, for example 18:30.",
                             value=text[:20]))
        if times["start"] and times["end"] and times["end"] <= times["start"]:
            bad("end", _l("The class must end after it starts."))
        frequency = cell("frequency").lower() or "weekly"
        if frequency not in domain.FREQUENCIES:
            bad("frequency", _l("Write weekly or fortnightly."))
        term_time = _yes_no(cell("term_time_only"))
        if term_time is None:
            bad("term_time_only", _l("Write yes or no."))
        dates = {}
        for name in ("from", "until"):
            try:
                dates[name] = domain.parse_date(cell(name))
            except ValueError:
                dates[name] = None
                bad(name, _l("Write the date as YYYY-MM-DD, for example 2026-09-14."))
        if dates["from"] and dates["until"] and dates["until"] < dates["from"]:
            bad("until", _l("This date is before the first date."))
        venue_key, venue_data = self._venue(number, values, f"{prefix}venue_", bad_venue)
        if n in reported:
            return None, (venue_data[0] if venue_data else None)
        session = {"weekday": day, "start": cell("start"), "end": cell("end"), "frequency": frequency,
                   "term_time_only": bool(term_time), "valid_from": dates["from"], "valid_to": dates["until"],
                   "venue": venue_key or main_venue}
        return session, (venue_data[0] if venue_data else None)

    def _translations(self, values, err) -> dict | None:
        if not self.translation_locales:
            return None
        translations = {}
        for code in self.translation_locales:
            suffix = code.lower()
            title = values.get(f"title_{suffix}", "").strip()
            description = values.get(f"description_{suffix}", "").strip()
            if len(title) > domain.MAX_TITLE:
                err(f"title_{suffix}", _l("This is too long: at most %(limit)s characters.", limit=domain.MAX_TITLE))
            if len(description) > domain.MAX_TEXT:
                err(f"description_{suffix}", _l("This is too long: at most %(limit)s characters.",
                                                limit=domain.MAX_TEXT))
            translations[code] = {"title": title, "description": description}
        return translations
