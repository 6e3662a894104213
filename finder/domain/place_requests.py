"""A request for a place (issue 13, point 4): what a newcomer may send to a course's organisation, and
the rules it must meet. Plain rules, no I/O. Nothing here is ever public or indexed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from finder.domain.values import ValidationErrors, as_bool, is_email, is_language_code, is_phone
from finder.domain.vocabulary import LEVELS
from finder.i18n import isolate
from finder.i18n import lazy_gettext as _l

MAX_NAME = 100
MAX_CONTACT = 254
MAX_NOTE = 500
CONTACT_WAYS = ("phone", "email")
EXAMPLE_PHONE = "07700 900123"  # Ofcom's range for drama: never a real number
FIELDS = ("name", "contact_by", "phone", "email", "language", "level", "creche", "note", "consent")


@dataclass(frozen=True)
class PlaceRequestData:
    name: str
    contact_by: str
    contact: str
    language: str
    level: str
    needs_creche: bool
    note: str


def delete_after(sent: dt.datetime, retention_days: int) -> dt.datetime:
    """When a request sent at `sent` is deleted at the latest."""
    return sent + dt.timedelta(days=retention_days)


def validate(data) -> PlaceRequestData:
    """The form's answers as a request, or ValidationErrors with a plain message per field. Consent is required."""
    errors: dict[str, list] = {}

    def text(name: str) -> str:
        return " ".join(str(data.get(name) or "").split())

    name = text("name")
    if not name:
        errors["name"] = [_l("Write your name, so the organisation knows who to contact.")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_l("Your name must be at most %(limit)s characters.", limit=MAX_NAME)]
    contact_by = text("contact_by")
    contact = ""
    if contact_by not in CONTACT_WAYS:
        errors["contact_by"] = [_l("Choose how the organisation should contact you: by phone or by e-mail.")]
    elif contact_by == "phone":
        contact = text("phone")
        if not contact or not is_phone(contact):
            errors["phone"] = [_l("Write a phone number, for example %(phone)s.", phone=isolate(EXAMPLE_PHONE))]
    else:
        contact = text("email")
        if not contact or len(contact) > MAX_CONTACT or not is_email(contact):
            errors["email"] = [_l("Write an e-mail address, for example name@example.org.")]
    language = text("language")
    if language and not is_language_code(language.replace("_", "-").split("-")[0]):
        errors["language"] = [_l("Choose your language from the list.")]
    level = text("level")
    if level and level not in LEVELS:
        errors["level"] = [_l("Choose a level from the list, or “I don't know”.")]
    note = str(data.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = [_l("Your message must be at most %(limit)s characters.", limit=MAX_NOTE)]
    if not as_bool(data.get("consent")):
        errors["consent"] = [_l("Tick the box to agree that we send your details to the organisation. "
                                "Without it we cannot send your request.")]
    if errors:
        raise ValidationErrors(errors)
    return PlaceRequestData(name=name, contact_by=contact_by, contact=contact, language=language[:12], level=level,
                            needs_creche=as_bool(data.get("creche")), note=note)
