"""The domain: the vocabulary of ESOL provision and every rule a record must meet. Plain data and
rules, no I/O: the web forms, the importers, the ORUK importer and the commands all validate here.

- `vocabulary`: levels, kinds, days and the rest; `fields`: a course's fields, declared once;
- `values`: single values (e-mail, phone, web address, dates, yes/no, ids);
- `listing`: the one validator of a course listing; `records`: its organisation, venues and
  translations; `accounts`: back-office accounts (roles, passwords);
- `submissions`: the listing form and what people send in; `diff`: what a change would change;
  `messages`: the e-mails the site sends.
- `eligibility`: who can join free (the questions of /help/free, the rules coordinators edit, the verdicts).

A rule raises `ValidationErrors` keyed by its own field names; each caller says where an error
goes (a form field, a spreadsheet column, an ORUK problem).

The vocabulary and the validators are the room's public face, so `from finder import domain`
then `domain.LEVELS` or `domain.validate_listing(...)` reads as before.
"""

from finder.domain.listing import (
    MAX_TEXT,
    MAX_TITLE,
    Listing,
    SessionInput,
    ValidationErrors,
    parse_date,
    parse_time,
    validate_listing,
)
from finder.domain.records import validate_organisation, validate_translations, validate_venue
from finder.domain.vocabulary import (
    AUDIENCES,
    AVAILABILITY,
    COSTS,
    CRECHE,
    CRECHE_PLACES,
    ELIGIBILITY,
    ENGLISH_SYNONYMS,
    ENROLMENT,
    FREQUENCIES,
    JOIN_METHODS,
    KINDS,
    LEVELS,
    MODES,
    ORGANISATION_KINDS,
    STATUSES,
    TIMES_OF_DAY,
    WEEKDAY_INDEX,
    WEEKDAYS,
    Term,
    full_weekday,
    time_of_day,
)

__all__ = [
    "AUDIENCES", "AVAILABILITY", "COSTS", "CRECHE", "CRECHE_PLACES", "ELIGIBILITY", "ENGLISH_SYNONYMS", "ENROLMENT", "FREQUENCIES", "JOIN_METHODS",
    "KINDS", "LEVELS", "MAX_TEXT", "MAX_TITLE", "MODES", "ORGANISATION_KINDS", "STATUSES", "TIMES_OF_DAY",
    "WEEKDAY_INDEX", "WEEKDAYS", "Listing", "SessionInput", "Term", "ValidationErrors", "full_weekday", "parse_date",
    "parse_time", "time_of_day", "validate_listing", "validate_organisation", "validate_translations", "validate_venue",
]
