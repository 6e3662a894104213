"""One spreadsheet row → the organisation, venues and course it describes, checked.

The course goes through `finder.domain.validate_listing`, the one validator, and its
organisation, venues and translations through the rules of `finder.domain.records`; this
module says which column each error belongs to, and adds the checks only a spreadsheet needs
(ids, a venue or id used twice in one file, the day and time columns of each session). Errors
name the row as the person sees it in their spreadsheet and the column, in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from finder import domain
from finder.domain import fields, records
from finder.domain.values import ValidationErrors, is_record_id, slugify, yes_no
from finder.geo import shapes as geo
from finder.i18n import lazy_gettext as _l
from finder.imports import columns

_DAYS = {**{slug: slug for slug in domain.WEEKDAYS},
         **{name: name[:3] for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                       "sunday")},
         "tues": "tue", "weds": "wed", "thur": "thu", "thurs": "thu"}
# Course fields the validator reports on, by the column that holds them.
_FIELD_COLUMN = {"organisation": "organisation", "sessions": "session_1_day"}
# The organisation rule's fields, by the column that holds them.
_ORGANISATION_COLUMNS = {"name": "organisation", "kind": "organisation_kind", "website": "organisation_website",
                         "email": "organisation_email", "phone": "organisation_phone"}


@dataclass(slots=True)  # one per row of a file of up to 100,000: no __dict__ each
class RowError:
    row: int
    column: str
    message: object  # a lazy translation: rendered in the reader's language

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass(slots=True)  # one per row of a file of up to 100,000: no __dict__ each
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
        # Sessions the file has no column for are blank in every row: not looked at.
        self.session_numbers = [n for n in range(1, columns.MAX_SESSIONS + 1)
                                if any(f"session_{n}_{name}" in self.headings for name in columns.SESSION_FIELDS)]
        self._places: dict[str, object] = {}  # postcode -> its place
        self.lookup = self._lookup if getattr(lookups.postcodes, "lookup", None) is not None else None

    def _lookup(self, code: str):
        """The postcode directory's lookup, remembered: a file names the same few postcodes again and again."""
        found = self._places.get(code)
        if found is None:  # one that does not exist raises PostcodeError each time (rare: the row is wrong)
            found = self._places[code] = self.lookups.postcodes.lookup(code)  # type: ignore[attr-defined]
        return found

    # -- one row ----------------------------------------------------------------------
    def check(self, number: int, values: dict[str, str]) -> PreparedRow | list[RowError]:
        errors: list[RowError] = []

        def err(column, message):
            errors.append(RowError(number, column, message))

        def cell(name):
            return values.get(name, "").strip()

        mode = cell("mode").lower() or "in-person"
        main_venue, venues = self._venue(number, values, "venue_", err)
        venue_given = any(cell(f"venue_{name}") for name in ("id", "name", "address", "postcode"))

        sessions, session_numbers, reported = [], [], set()
        venue_missing = False
        for n in self.session_numbers:
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

        data: dict = {spec.name: cell(spec.name) for spec in fields.LISTING_FIELDS}
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

        # After the listing, which checks the organisation's name too: said once is enough.
        organisation = self._organisation(number, values, err, errors)
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
        for problem in records.key_problems(key, limit=None) if key else []:
            err("id", problem)
        if not key:
            key = slugify(f"{organisation.get('name', '')}-{values.get('title', '')}")[:160]
        if key in self.course_rows:
            err("id", _l("Row %(row)s already has this course. Each course needs its own row and its own id.",
                         row=self.course_rows[key]))
        else:
            self.course_rows[key] = number
        return key

    def _organisation(self, number, values, err, errors) -> dict:
        name = values.get("organisation", "").strip()
        key = values.get("organisation_id", "").strip()
        for problem in records.key_problems(key) if key else []:
            err("organisation_id", problem)
        key = key or self.lookups.organisation_keys.get(name.lower()) or slugify(name)
        data = {"key": key, "name": name}
        try:
            cleaned = records.validate_organisation(
                {rule_name: values.get(column, "") for rule_name, column in _ORGANISATION_COLUMNS.items()})
        except ValidationErrors as exc:
            for rule_name, messages in exc.errors.items():
                column = _ORGANISATION_COLUMNS[rule_name]
                for message in messages:
                    if not any(e.column == column and e.message == message for e in errors):
                        err(column, message)
        else:
            # Blank columns are left out: the organisation keeps what it has.
            data.update({k: v for k, v in cleaned.items() if v and k in ("kind", "website", "email", "phone")})
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
        if not (key or name or address or postcode):
            return None, []
        if key and not is_record_id(key):
            for problem in records.key_problems(key):
                err(prefix + "id", problem)
            return None, []
        for problem in records.too_long(key, records.MAX_KEY):
            err(prefix + "id", problem)
        if key and not (name or address or postcode):
            if key in self.lookups.known_venues or key in self.venues_seen:
                return key, []
            err(prefix + "id", _l("There is no venue with the id “%(venue)s”. Give its name and postcode "
                                 "too.", venue=key[:60]))
            return None, []
        try:
            venue = records.validate_venue({"name": name, "address": address, "postcode": postcode,
                                            "step_free": cell("step_free"), "directions": cell("directions")},
                                           self.lookup)
        except ValidationErrors as exc:
            for rule_name, messages in exc.errors.items():
                for message in messages:
                    err(prefix + rule_name, message)
            return None, []
        normalised = venue["postcode"]
        key = key or self.lookups.venue_keys.get((name.lower(), normalised)) or slugify(f"{name}-{normalised}")
        data = {"key": key, "name": name, "postcode": normalised, "latitude": venue["latitude"],
                "longitude": venue["longitude"]}
        # Blank columns are left out: the venue keeps what it has.
        data.update({k: venue[k] for k in ("address", "directions") if venue[k]})
        if venue["step_free"] is not None:
            data["step_free"] = venue["step_free"]
        identity = (name, normalised, address)
        seen = self.venues_seen.get(key)
        if seen is not None and seen[1] != identity:
            err(prefix + "id", _l("Row %(row)s describes a different venue with this id. Use the same name, "
                                 "address and postcode, or another id.", row=seen[0]))
        elif seen is None:
            self.venues_seen[key] = (number, identity)
        return key, [data]

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
        term_time = yes_no(cell("term_time_only"))
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
        """The row's title and description in each language the file has columns for; both blank
        means the course has no translation in that language (one it had is removed)."""
        if not self.translation_locales:
            return None
        texts = {code: {"locale": code, "title": values.get(f"title_{code.lower()}", "").strip(),
                        "description": values.get(f"description_{code.lower()}", "").strip()}
                 for code in self.translation_locales}
        given = [code for code, text in texts.items() if text["title"] or text["description"]]
        try:
            records.validate_translations([texts[code] for code in given], labels=[c.lower() for c in given])
        except ValidationErrors as exc:
            for name, messages in exc.errors.items():
                _, index, part = name.split(".")
                column = f"{'description' if part == 'description' else 'title'}_{given[int(index) - 1].lower()}"
                for message in messages:
                    err(column, message)
        return {code: {"title": text["title"], "description": text["description"]} for code, text in texts.items()}
