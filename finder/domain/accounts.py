"""The rules of a back-office account: its e-mail address, name, role and password, how long wrong
passwords make the next try wait, and who may have a reset link e-mailed.

Plain rules, no I/O: `finder.operations.accounts` hashes the passwords, counts wrong ones and
writes the accounts, and adds what only the database can say (an e-mail address already used,
the organisation a partner editor works for).
"""

from __future__ import annotations

import datetime as dt

from finder.domain.records import email_problems
from finder.domain.values import ValidationErrors
from finder.i18n import lazy_gettext as _l

ROLES = {"coordinator": _l("Coordinator"), "partner": _l("Partner editor")}
MIN_PASSWORD_LENGTH = 10
# Who may have a link to choose a new password e-mailed to them. Partner editors get theirs from a
# coordinator, as they got their account; add "partner" here to let them reset it themselves.
RESET_ROLES = frozenset({"coordinator"})


def normalise_email(email: str) -> str:
    """The form an account's e-mail address is kept and looked up in."""
    return (email or "").strip().lower()


def password_problems(password: str, confirm: str, email: str = "") -> list:
    """What is wrong with a new password and its confirmation (nothing when it will do)."""
    problems = []
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems.append(_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    elif email and password.strip().lower() == normalise_email(email):
        problems.append(_l("Do not use your email address as your password."))
    if password != confirm:
        problems.append(_l("The two passwords are not the same."))
    return problems


def validate_account(*, email: str, name: str, role: str, password: str, confirm: str | None = None) -> dict:
    """A new account's details, cleaned ({"email", "name", "role"}), or ValidationErrors keyed
    email, name, role and password. Without `confirm` the password is taken as confirmed."""
    errors: dict[str, list] = {}
    email, name = normalise_email(email), (name or "").strip()
    problems = email_problems(email, required=True)
    if problems:
        errors["email"] = problems
    if not name:
        errors["name"] = [_l("Enter the person's name.")]
    if role not in ROLES:
        errors["role"] = [_l("Choose coordinator or partner editor.")]
    problems = password_problems(password, password if confirm is None else confirm, email)
    if problems:
        errors["password"] = problems
    if errors:
        raise ValidationErrors(errors)
    return {"email": email, "name": name, "role": role}


# Wrong passwords: a few cost nothing, then each one makes the next try wait, longer and longer,
# but never for ever (a wait, not a lock).
BACKOFF_FIRST_WAIT = dt.timedelta(minutes=15)
BACKOFF_LONGEST_WAIT = dt.timedelta(days=1)


def login_wait(failures: int, allowed: int) -> dt.timedelta:
    """How long the next try waits after `failures` wrong passwords in a row: nothing before
    `allowed` of them, 15 minutes at `allowed`, twice as long with each one after, a day at most."""
    if failures < allowed:
        return dt.timedelta(0)
    return min(BACKOFF_FIRST_WAIT * 2 ** min(failures - allowed, 16), BACKOFF_LONGEST_WAIT)
