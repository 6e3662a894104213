"""Back-office accounts: creating users, checking passwords (argon2), lockout, password change.

Coordinators manage everything; partner editors manage their own organisation's listings.
After MAX_FAILED_LOGINS wrong passwords in a row an account is locked for LOCKOUT, whoever tries.
The rules an account's details must meet (roles, e-mail, password) are `finder.domain.accounts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from finder.domain.accounts import normalise_email, password_problems, validate_account
from finder.domain.values import ValidationErrors
from finder.i18n import lazy_gettext as _l
from finder.models import Organisation, User, utcnow
from finder.operations.catalogue import audit

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)

_hasher = PasswordHasher()
# Checked against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only here to spend the same time")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass
class LoginResult:
    user: User | None
    outcome: str  # "ok" | "wrong" | "locked"
    locked_until: dt.datetime | None = None


class Accounts:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def get(self, user_id: int) -> User | None:
        with self.sessions() as db:
            return db.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        with self.sessions() as db:
            return db.scalar(select(User).where(User.email == normalise_email(email)))

    def all(self) -> list[User]:
        with self.sessions() as db:
            return list(db.scalars(select(User).order_by(User.role, User.name)))

    def count(self) -> int:
        with self.sessions() as db:
            return db.scalar(select(func.count(User.id))) or 0

    def create_user(self, *, email: str, name: str, role: str, password: str, confirm: str | None = None,
                    organisation_key: str | None = None, organisation_id: int | None = None,
                    actor: str = "system") -> User:
        """Create an account, or raise ValidationErrors keyed by form field."""
        errors: dict[str, list] = {}
        try:
            validate_account(email=email, name=name, role=role, password=password, confirm=confirm)
        except ValidationErrors as exc:
            errors.update(exc.errors)
        email, name = normalise_email(email), (name or "").strip()
        with self.sessions.begin() as db:
            organisation = None
            if organisation_key:
                organisation = db.scalar(select(Organisation).where(Organisation.key == organisation_key))
            elif organisation_id:
                organisation = db.get(Organisation, organisation_id)
            if role == "partner" and organisation is None:
                errors["organisation"] = [_l("Choose the organisation this partner editor works for.")]
            if "email" not in errors and db.scalar(select(User.id).where(User.email == email)) is not None:
                errors["email"] = [_l("There is already an account with this email address.")]
            if errors:
                raise ValidationErrors(errors)
            user = User(email=email, name=name, role=role, password_hash=hash_password(password),
                        organisation=organisation if role == "partner" else None, failed_logins=0)
            db.add(user)
            db.flush()
            audit(db, actor, "create", "user", user.id, None,
                  {"email": email, "name": name, "role": role,
                   "organisation": organisation.key if organisation is not None and role == "partner" else None})
        return user

    def authenticate(self, email: str, password: str, now: dt.datetime | None = None) -> LoginResult:
        now = now or utcnow()
        with self.sessions.begin() as db:
            user = db.scalar(select(User).where(User.email == normalise_email(email)))
            if user is None:
                password_matches(_DUMMY_HASH, password or "")
                return LoginResult(None, "wrong")
            if user.locked_until is not None and user.locked_until > now:
                return LoginResult(None, "locked", user.locked_until)
            if not password_matches(user.password_hash, password or ""):
                user.failed_logins = (user.failed_logins or 0) + 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.locked_until = now + LOCKOUT
                    user.failed_logins = 0
                    audit(db, "system", "locked", "user", user.id, None, {"until": user.locked_until.isoformat()})
                    return LoginResult(None, "locked", user.locked_until)
                return LoginResult(None, "wrong")
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            db.flush()
            return LoginResult(user, "ok")

    def change_password(self, user_id: int, current: str, new: str, confirm: str) -> User:
        with self.sessions.begin() as db:
            user = db.get(User, user_id)
            if user is None:
                raise LookupError(user_id)
            errors: dict[str, list] = {}
            if not password_matches(user.password_hash, current or ""):
                errors["current_password"] = [_l("Your current password is not right.")]
            problems = password_problems(new, confirm, user.email)
            if problems:
                errors["new_password"] = problems
            if errors:
                raise ValidationErrors(errors)
            user.password_hash = hash_password(new)
            db.flush()
            audit(db, user.email, "password-changed", "user", user.id, None, None)
            return user
