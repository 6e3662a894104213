"""The domain: the vocabulary of ESOL provision and every rule a record must meet. Plain data and
rules, no I/O: the web forms, the importers, the ORUK importer and the commands all validate here.

The vocabulary and the listing validator are the room's public face, so `from finder import domain`
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
from finder.domain.vocabulary import (
    AUDIENCES,
    COSTS,
    CRECHE,
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
    "AUDIENCES", "COSTS", "CRECHE", "ELIGIBILITY", "ENGLISH_SYNONYMS", "ENROLMENT", "FREQUENCIES", "JOIN_METHODS",
    "KINDS", "LEVELS", "MAX_TEXT", "MAX_TITLE", "MODES", "ORGANISATION_KINDS", "STATUSES", "TIMES_OF_DAY",
    "WEEKDAY_INDEX", "WEEKDAYS", "Listing", "SessionInput", "Term", "ValidationErrors", "full_weekday", "parse_date",
    "parse_time", "time_of_day", "validate_listing",
]
