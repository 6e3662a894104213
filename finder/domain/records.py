"""The rules of the records around a listing: the organisation that runs it, the venues it meets
at and its translations; and the rules for e-mail addresses, web addresses and ids they share.

Each rule takes raw values (a form, a spreadsheet row, ORUK JSON) and returns them cleaned, or
raises `ValidationErrors` keyed by the rule's own field names ("name", "email", "postcode", ...).
The caller says where each error goes, a form field, a spreadsheet column or an ORUK problem,
with `add_errors`. Plain functions, no I/O: a venue's postcode is looked up through the `lookup`
callable the caller passes in (the offline postcode directory's `lookup`, or None not to look).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from finder import i18n
from finder.domain.fields import MAX_TEXT, MAX_TITLE
from finder.domain.values import (
    ValidationErrors,
    is_email,
    is_record_id,
    is_web_address,
    yes_no,
)
from finder.domain.vocabulary import ORGANISATION_KINDS
from finder.geo import shapes
from finder.i18n import lazy_gettext as _l

# Lengths the database keeps.
MAX_NAME = MAX_TITLE
MAX_ADDRESS = 500
MAX_WEB_ADDRESS = 500
MAX_EMAIL = 200
MAX_PHONE = 40
MAX_KEY = 120  # an organisation's or a venue's id

# A canonical postcode ("L8 6SQ") to its place (.latitude, .longitude, .label); raises
# finder.geo.shapes.PostcodeError when there is no such postcode.
PostcodeLookup = Callable[[str], Any]


# -- shared value rules, with the words a person reads -------------------------------------------

def too_long(value: str, limit: int) -> list:
    return [_l("This is too long: at most %(limit)s characters.", limit=limit)] if len(value) > limit else []


def email_problems(value: str, *, required: bool = False) -> list:
    """What is wrong with an e-mail address (nothing for a blank one unless it is required)."""
    if not value:
        return [_l("Enter an email address, like name@example.org.")] if required else []
    problems = too_long(value, MAX_EMAIL)
    if not is_email(value):
        problems.append(_l("Enter an email address, like name@example.org."))
    return problems


def web_address_problems(value: str) -> list:
    """What is wrong with a web address (http:// or https:// only: never javascript: or data:)."""
    if not value:
        return []
    problems = too_long(value, MAX_WEB_ADDRESS)
    if not is_web_address(value):
        problems.append(_l("Web addresses start with http:// or https://."))
    return problems


def key_problems(key: str, limit: int | None = MAX_KEY) -> list:
    """What is wrong with an id a file gives a record (letters, digits and . _ : -)."""
    problems = too_long(key, limit) if limit is not None else []
    if not is_record_id(key):
        problems.append(_l("Use only letters, numbers and hyphens in the id (at most 160)."))
    return problems


def _text(data: Mapping, name: str) -> str:
    value = data.get(name)
    return str(value).strip() if value is not None else ""


# -- organisations ----------------------------------------------------------------------------------

def validate_organisation(data: Mapping) -> dict:
    """An organisation's name, kind, website, e-mail, phone and description, cleaned:
    {"name", "kind", "website", "email", "phone", "description"} (blank ones as ""), or
    ValidationErrors keyed by those names."""
    errors: dict[str, list] = {}

    def err(name: str, problems: list) -> None:
        if problems:
            errors.setdefault(name, []).extend(problems)

    cleaned = {name: _text(data, name) for name in ("name", "kind", "website", "email", "phone", "description")}
    cleaned["kind"] = cleaned["kind"].lower()
    if not cleaned["name"]:
        err("name", [_l("This is required.")])
    err("name", too_long(cleaned["name"], MAX_NAME))
    if cleaned["kind"] and cleaned["kind"] not in ORGANISATION_KINDS:
        err("kind", [_l("“%(value)s” is not one of the choices: %(choices)s.", value=cleaned["kind"][:40],
                        choices=", ".join(ORGANISATION_KINDS))])
    err("website", web_address_problems(cleaned["website"]))
    err("email", email_problems(cleaned["email"]))
    err("phone", too_long(cleaned["phone"], MAX_PHONE))
    if errors:
        raise ValidationErrors(errors)
    return cleaned


# -- venues -------------------------------------------------------------------------------------------

def postcode_problem(text: str, lookup: PostcodeLookup | None = None):
    """(canonical postcode, place or None, None) for a venue's full postcode that exists, else
    (..., ..., what is wrong). Without `lookup` the postcode's shape is checked, not its existence."""
    try:
        code = shapes.normalise_postcode(text)
    except shapes.PostcodeError as exc:
        if exc.hint is None:
            return None, None, exc.message
        return None, None, _l("%(problem)s %(hint)s", problem=exc.message, hint=exc.hint)
    if shapes.postcode_precision(code) != "postcode":
        return code, None, _l("Give the venue's full postcode, like L8 6SQ, not just “%(postcode)s”.", postcode=code)
    if lookup is None:
        return code, None, None
    try:
        place = lookup(code)
    except shapes.PostcodeError:
        suggestion = _suggestion(code, lookup)
        if suggestion is not None:
            return code, None, _l("The postcode “%(postcode)s” does not exist. Did you mean “%(suggestion)s”?",
                                  postcode=code, suggestion=suggestion)
        return code, None, _l("The postcode “%(postcode)s” does not exist. Check it against the venue's address.",
                              postcode=code)
    return code, place, None


def _suggestion(code: str, lookup: PostcodeLookup) -> str | None:
    """A known postcode the person may have meant (O for 0, I for 1 and the like)."""
    fix = shapes.confusable_fix(code)
    if fix is None:
        return None
    try:
        return lookup(fix[0]).label
    except shapes.PostcodeError:
        return None


def validate_venue(data: Mapping, lookup: PostcodeLookup | None = None) -> dict:
    """A venue's name, address, postcode, step-free access and directions, cleaned:
    {"name", "address", "postcode" (canonical), "latitude", "longitude" (None unless looked up),
    "step_free" (None when not given), "directions"}, or ValidationErrors keyed by
    name, address, postcode, step_free and directions."""
    errors: dict[str, list] = {}

    def err(name: str, problems: list) -> None:
        if problems:
            errors.setdefault(name, []).extend(problems)

    name, address, directions = _text(data, "name"), _text(data, "address"), _text(data, "directions")
    if not name:
        err("name", [_l("Give the venue's name.")])
    err("name", too_long(name, MAX_NAME))
    err("address", too_long(address, MAX_ADDRESS))
    postcode, place = _text(data, "postcode"), None
    if not postcode:
        err("postcode", [_l("Give the venue's postcode, for example L8 6SQ.")])
    else:
        code, place, problem = postcode_problem(postcode, lookup)
        if problem is not None:
            err("postcode", [problem])
        postcode = code or postcode
    step_free = None
    raw_step_free = data.get("step_free")
    if isinstance(raw_step_free, bool) or _text(data, "step_free"):
        step_free = yes_no(raw_step_free)
        if step_free is None:
            err("step_free", [_l("Write yes or no.")])
    err("directions", too_long(directions, MAX_TEXT))
    if errors:
        raise ValidationErrors(errors)
    return {"name": name, "address": address, "postcode": postcode,
            "latitude": place.latitude if place is not None else None,
            "longitude": place.longitude if place is not None else None,
            "step_free": step_free, "directions": directions}


# -- translations -------------------------------------------------------------------------------------

def validate_translations(rows: Sequence[Mapping], labels: Sequence | None = None) -> dict[str, dict]:
    """A listing's title and description in other languages: [{"locale", "title", "description"}, ...]
    to {locale: {"title", "description"}}, or ValidationErrors keyed "translations.<i>.locale",
    ".title" and ".description" (i counts from 1).

    `labels` says how the person knows each translation, for the messages: its number on a form
    (the default), a language code in a spreadsheet's column. Every row given is a translation:
    leave out the ones with neither a title nor a description.
    """
    errors: dict[str, list] = {}
    translations: dict[str, dict] = {}
    seen: set[str] = set()
    for index, row in enumerate(rows, start=1):
        n = labels[index - 1] if labels is not None else index

        def err(name: str, problems: list, index: int = index) -> None:
            if problems:
                errors.setdefault(f"translations.{index}.{name}", []).extend(problems)

        raw = _text(row, "locale")
        locale = i18n.match_locale(raw) if raw else None
        if locale is None or locale == i18n.DEFAULT_LOCALE:
            err("locale", [_l("Translation %(n)s: choose the language.", n=n)])
        elif locale in seen:
            err("locale", [_l("Translation %(n)s: this language is already given above.", n=n)])
        title, description = _text(row, "title"), _text(row, "description")
        if not title:
            err("title", [_l("Translation %(n)s: give the class name in this language.", n=n)])
        err("title", too_long(title, MAX_TITLE))
        err("description", too_long(description, MAX_TEXT))
        if locale is not None:
            seen.add(locale)
            translations[locale] = {"title": title, "description": description}
    if errors:
        raise ValidationErrors(errors)
    return translations


# -- putting a rule's errors where the person will see them --------------------------------------------

def add_errors(errors: dict[str, list], found: Mapping[str, list],
               names: Mapping[str, str] | Callable[[str], str] | None = None) -> None:
    """Put a rule's errors into `errors` under the caller's names (a mapping, or a function of the
    rule's name; unmapped names are kept), leaving out a message already given under that name."""
    for name, messages in found.items():
        if callable(names):
            target = names(name)
        else:
            target = (names or {}).get(name, name)
        for message in messages:
            if message not in errors.get(target, []):
                errors.setdefault(target, []).append(message)
