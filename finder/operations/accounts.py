"""Back-office accounts: creating users, checking passwords (argon2), the login back-off, server-side
sessions, password change and reset by e-mail, disabling.

Coordinators manage everything; partner editors manage their own organisation's listings.
Wrong passwords are counted per e-mail address *and* client together, and per client
(`LoginThrottle`): someone guessing from their own connection makes only their own next tries wait,
never the account's owner logging in from theirs; nothing here says whether an address has an
account (the same answers, one argon2 check each, known address or not).
A login is a row of `login_sessions`: the browser holds a random id, the table its SHA-256; logging
out, a new password, "log out everywhere" and disabling delete rows, and a session ends 12 hours
after logging in however much it is used. A reset link is a random token e-mailed to a coordinator,
kept as its SHA-256, good for one use within an hour.
The rules an account's details must meet (roles, e-mail, password, back-off) are `finder.domain.accounts`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from finder.domain.accounts import RESET_ROLES, login_wait, normalise_email, password_problems, validate_account
from finder.domain.values import ValidationErrors
from finder.i18n import lazy_gettext as _l
from finder.models import LoginFailure, LoginSession, Organisation, PasswordResetToken, User, utcnow
from finder.operations.catalogue import audit

SESSION_LIFETIME = dt.timedelta(hours=12)  # from logging in; using the session does not extend it
RESET_LINK_LIFETIME = dt.timedelta(hours=1)
RESET_LINKS_PER_HOUR = 3  # more asks for one account in an hour get the same answer and no e-mail

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked against when there is no account to check (an unknown e-mail address, a disabled account,
    a client told to wait), so every answer costs the same one argon2 check. Made at the first login,
    not on import: argon2 takes 64 MiB while it hashes, which every serving process would otherwise hold
    at its peak before it has answered anything."""
    return _hasher.hash("not a real password, only here to spend the same time")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """What the database keeps of a session id or reset token: its SHA-256 (they are random and long,
    so a fast hash will do), so a copy of the database logs nobody in."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


@dataclass
class _Failures:
    count: int
    last: dt.datetime


class LoginThrottle:
    """Wrong passwords, per (e-mail address, client) and per client.

    After PAIR_ALLOWED_FAILURES wrong passwords for one address from one client, that client's next try
    for that address waits (15 minutes, doubling with each further failure, a day at most: see
    `finder.domain.accounts.login_wait`); other clients, the owner's among them, are not affected. After
    CLIENT_ALLOWED_FAILURES from one client, whatever the addresses, every try from it waits the same
    way. Addresses are counted whether or not they have an account. A failure-free FORGET_AFTER
    forgets the count; a right password forgets that address's count from that client.

    Given `sessions`, the counts live in the database (`login_failures`), so every instance behind a
    proxy shares them and a restart forgets nothing; each key is kept only as a keyed hash (HMAC with
    `secret`), never the address or e-mail as they came. Without, they live in this process's memory
    (at most `max_entries`, the stalest forgotten first).
    """

    PAIR_ALLOWED_FAILURES = 5
    CLIENT_ALLOWED_FAILURES = 20
    FORGET_AFTER = dt.timedelta(days=2)

    def __init__(self, sessions: sessionmaker[Session] | None = None, secret: str = "", max_entries: int = 50000):
        self.sessions = sessions
        self.secret = secret.encode("utf-8")
        self.max_entries = max_entries
        self._counts: OrderedDict[tuple[str, ...], _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        if self.sessions is not None:
            with self.sessions() as db:
                return db.scalar(select(func.count()).select_from(LoginFailure)) or 0
        return len(self._counts)

    @staticmethod
    def _keys(email: str, client: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        client = (client or "")[:100]
        return ("pair", normalise_email(email)[:320], client), ("client", client)

    def _hash(self, key: tuple[str, ...]) -> str:
        return hmac.new(self.secret, "\x00".join(key).encode("utf-8", "replace"), hashlib.sha256).hexdigest()

    def _entry(self, key: tuple[str, ...]) -> _Failures | None:
        if self.sessions is None:
            return self._counts.get(key)
        with self.sessions() as db:
            row = db.get(LoginFailure, self._hash(key))
            return _Failures(row.count, row.last) if row is not None else None

    def _wait(self, key: tuple[str, ...], allowed: int, now: dt.datetime) -> dt.timedelta:
        entry = self._entry(key)
        if entry is None or now - entry.last >= self.FORGET_AFTER:
            return dt.timedelta(0)
        return max(entry.last + login_wait(entry.count, allowed) - now, dt.timedelta(0))

    def wait(self, email: str, client: str, now: dt.datetime) -> dt.timedelta:
        """How long this client must wait before trying this address again (zero: it may now)."""
        pair, own = self._keys(email, client)
        with self._lock:
            return max(self._wait(pair, self.PAIR_ALLOWED_FAILURES, now),
                       self._wait(own, self.CLIENT_ALLOWED_FAILURES, now))

    def failed(self, email: str, client: str, now: dt.datetime) -> None:
        if self.sessions is not None:
            for key in self._keys(email, client):
                self._count_failure(self._hash(key), now)
            return
        with self._lock:
            for key in self._keys(email, client):
                entry = self._counts.pop(key, None)
                if entry is None or now - entry.last >= self.FORGET_AFTER:
                    entry = _Failures(0, now)
                entry.count += 1
                entry.last = max(entry.last, now)
                self._counts[key] = entry  # the most recently failed last
            while len(self._counts) > self.max_entries:
                self._counts.popitem(last=False)

    def _count_failure(self, key_hash: str, now: dt.datetime) -> None:
        assert self.sessions is not None
        for attempt in (1, 2):
            try:
                with self.sessions.begin() as db:
                    row = db.get(LoginFailure, key_hash, with_for_update=True)
                    if row is None:
                        db.add(LoginFailure(key_hash=key_hash, count=1, last=now))
                    elif now - row.last >= self.FORGET_AFTER:
                        row.count, row.last = 1, now
                    else:
                        row.count, row.last = row.count + 1, max(row.last, now)
                    if secrets.randbelow(50) == 0:  # now and then, forget counts nobody has added to for long
                        db.execute(delete(LoginFailure).where(LoginFailure.last < now - self.FORGET_AFTER))
                return
            except IntegrityError:  # another instance counted the first failure at the same moment
                if attempt == 2:
                    raise

    def succeeded(self, email: str, client: str) -> None:
        pair, _ = self._keys(email, client)
        if self.sessions is not None:
            with self.sessions.begin() as db:
                db.execute(delete(LoginFailure).where(LoginFailure.key_hash == self._hash(pair)))
            return
        with self._lock:
            self._counts.pop(pair, None)


@dataclass
class LoginResult:
    user: User | None
    outcome: str  # "ok" | "wrong" | "locked" (this client waits `retry_after` before trying this address)
    retry_after: dt.timedelta | None = None


class Accounts:
    def __init__(self, sessions: sessionmaker[Session], throttle: LoginThrottle | None = None):
        self.sessions = sessions
        self.throttle = throttle if throttle is not None else LoginThrottle(sessions)

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
        # Hashed before the transaction, so no database connection waits on argon2.
        password_hash = hash_password(password) if "password" not in errors else ""
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
            user = User(email=email, name=name, role=role, password_hash=password_hash,
                        organisation=organisation if role == "partner" else None, failed_logins=0)
            db.add(user)
            db.flush()
            audit(db, actor, "create", "user", user.id, None,
                  {"email": email, "name": name, "role": role,
                   "organisation": organisation.key if organisation is not None and role == "partner" else None})
        return user

    # -- logging in --------------------------------------------------------------------------------

    def authenticate(self, email: str, password: str, client: str = "", now: dt.datetime | None = None) -> LoginResult:
        """Check a password typed for `email` by `client` (who is asking: their address, see
        `finder.web.kit.ratelimit.client_key`). Always one argon2 check, and answers that depend only
        on the password and on this client's own failures, never on whether the address has an account."""
        now = now or utcnow()
        email = normalise_email(email)
        wait = self.throttle.wait(email, client, now)
        if wait:
            password_matches(_dummy_hash(), password or "")
            return LoginResult(None, "locked", wait)
        with self.sessions() as db:
            user = db.scalar(select(User).where(User.email == email))
        # Outside any transaction: argon2 takes a while, and a connection should not wait on it.
        matches = password_matches(user.password_hash if user is not None else _dummy_hash(), password or "")
        if user is None or user.disabled_at is not None or not matches:
            self.throttle.failed(email, client, now)
            wait = self.throttle.wait(email, client, now)
            return LoginResult(None, "locked", wait) if wait else LoginResult(None, "wrong")
        self.throttle.succeeded(email, client)
        rehashed = hash_password(password) if _hasher.check_needs_rehash(user.password_hash) else None
        with self.sessions.begin() as db:
            stored = db.get(User, user.id)
            if stored is None:
                return LoginResult(None, "wrong")
            stored.last_login_at = now
            if rehashed is not None:
                stored.password_hash = rehashed
            db.flush()
            return LoginResult(stored, "ok")

    # -- sessions ----------------------------------------------------------------------------------

    def start_session(self, user_id: int, now: dt.datetime | None = None) -> str:
        """A new login session for the account: returns the random id for the browser's cookie
        (the database keeps its digest). LookupError when the account is gone or disabled."""
        now = now or utcnow()
        token = new_token()
        with self.sessions.begin() as db:
            user = db.get(User, user_id)
            if user is None or user.disabled_at is not None:
                raise LookupError(user_id)
            db.execute(delete(LoginSession).where(LoginSession.expires_at <= now))  # tidy up the ended ones
            db.add(LoginSession(token_hash=token_digest(token), user_id=user_id, created_at=now,
                                expires_at=now + SESSION_LIFETIME))
        return token

    def session_user(self, token: str, now: dt.datetime | None = None) -> User | None:
        """The account logged in with this session id, while the session lasts and the account is enabled."""
        if not token or not isinstance(token, str) or len(token) > 200:
            return None
        now = now or utcnow()
        with self.sessions() as db:
            return db.scalar(select(User).join(LoginSession, LoginSession.user_id == User.id)
                             .where(LoginSession.token_hash == token_digest(token), LoginSession.expires_at > now,
                                    User.disabled_at.is_(None)))

    def end_session(self, token: str) -> None:
        if token and isinstance(token, str):
            with self.sessions.begin() as db:
                db.execute(delete(LoginSession).where(LoginSession.token_hash == token_digest(token)))

    def end_sessions(self, user_id: int) -> int:
        """Log the account out everywhere; how many sessions ended."""
        with self.sessions.begin() as db:
            return _end_sessions(db, user_id)

    # -- changing the password -------------------------------------------------------------------

    def change_password(self, user_id: int, current: str, new: str, confirm: str) -> User:
        """Set a new password, checking the current one; every session of the account ends (the
        caller starts a new one for the browser that changed it) and any reset link stops working."""
        user = self.get(user_id)
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
        password_hash = hash_password(new)
        with self.sessions.begin() as db:
            stored = db.get(User, user_id)
            if stored is None:
                raise LookupError(user_id)
            stored.password_hash = password_hash
            _end_sessions(db, user_id)
            db.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user_id))
            db.flush()
            audit(db, stored.email, "password-changed", "user", stored.id, None, None)
            return stored

    def request_password_reset(self, email: str, now: dt.datetime | None = None) -> tuple[User, str] | None:
        """A new one-time link token for an enabled coordinator's account, or None: no such account,
        not a coordinator, disabled, or RESET_LINKS_PER_HOUR already asked for in the last hour. The
        caller e-mails the link and answers the same whichever it was."""
        now = now or utcnow()
        with self.sessions.begin() as db:
            db.execute(delete(PasswordResetToken).where(PasswordResetToken.expires_at <= now))
            user = db.scalar(select(User).where(User.email == normalise_email(email)))
            if user is None or user.disabled_at is not None or user.role not in RESET_ROLES:
                return None
            recent = db.scalar(select(func.count(PasswordResetToken.id)).where(
                PasswordResetToken.user_id == user.id, PasswordResetToken.created_at > now - RESET_LINK_LIFETIME))
            if (recent or 0) >= RESET_LINKS_PER_HOUR:
                return None
            token = new_token()
            db.add(PasswordResetToken(token_hash=token_digest(token), user_id=user.id, created_at=now,
                                      expires_at=now + RESET_LINK_LIFETIME))
            audit(db, "system", "password-reset-sent", "user", user.id, None, None)
            return user, token

    def reset_link_user(self, token: str, now: dt.datetime | None = None) -> User | None:
        """Whose password this link may set: None once used, expired, made up, or the account disabled."""
        if not token or not isinstance(token, str) or len(token) > 200:
            return None
        now = now or utcnow()
        with self.sessions() as db:
            return db.scalar(select(User).join(PasswordResetToken, PasswordResetToken.user_id == User.id).where(
                PasswordResetToken.token_hash == token_digest(token), PasswordResetToken.expires_at > now,
                PasswordResetToken.used_at.is_(None), User.disabled_at.is_(None)))

    def reset_password(self, token: str, new: str, confirm: str, now: dt.datetime | None = None) -> User:
        """Set a new password with a reset link: LookupError when the link does not work (any more),
        ValidationErrors (key new_password) when the password will not do, which leaves the link
        usable. The link is used up, and every session of the account ends."""
        now = now or utcnow()
        user = self.reset_link_user(token, now)
        if user is None:
            raise LookupError("reset link")
        problems = password_problems(new, confirm, user.email)
        if problems:
            raise ValidationErrors({"new_password": problems})
        password_hash = hash_password(new)
        with self.sessions.begin() as db:
            # Claimed with one conditional UPDATE, so two requests with the same link cannot both use it.
            claimed = db.execute(update(PasswordResetToken).where(
                PasswordResetToken.token_hash == token_digest(token), PasswordResetToken.expires_at > now,
                PasswordResetToken.used_at.is_(None)).values(used_at=now))
            stored = db.get(User, user.id)
            if getattr(claimed, "rowcount", 0) != 1 or stored is None or stored.disabled_at is not None:
                raise LookupError("reset link")
            stored.password_hash = password_hash
            _end_sessions(db, stored.id)
            db.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == stored.id,
                                                        PasswordResetToken.used_at.is_(None)))
            db.flush()
            audit(db, stored.email, "password-reset", "user", stored.id, None, None)
            return stored

    # -- disabling ---------------------------------------------------------------------------------

    def set_disabled(self, user_id: int, disabled: bool, actor: str, now: dt.datetime | None = None) -> User:
        """Disable an account (it cannot log in; its sessions and reset links end) or enable it again."""
        with self.sessions.begin() as db:
            user = db.get(User, user_id)
            if user is None:
                raise LookupError(user_id)
            if disabled and user.disabled_at is None:
                user.disabled_at = now or utcnow()
                _end_sessions(db, user.id)
                db.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
                audit(db, actor, "disabled", "user", user.id, None, None)
            elif not disabled and user.disabled_at is not None:
                user.disabled_at = None
                audit(db, actor, "enabled", "user", user.id, None, None)
            db.flush()
            return user


def _end_sessions(db: Session, user_id: int) -> int:
    result = db.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)
