"""What partners and the public send in: the kinds of submission, their states, problem reports,
and the listing form (its fields, how a posted form becomes a validated listing, and back)."""

from __future__ import annotations

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
