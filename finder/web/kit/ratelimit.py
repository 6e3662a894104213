"""Sliding-window rate limits, per key (usually the client's address), and `client_key`: which
address a request comes from, the one function every limit asks.

The app's limits (`limiter`) count in the database (`rate_hits`), so every instance behind a proxy
shares one count and a restart forgets nothing; a key is kept only as a keyed hash (HMAC with the
secret key), never the address itself, and hits older than their window are deleted as new ones come.
Two instances answering at the very same moment may let one extra use through: enough to slow down a
script hammering one form; it is not a firewall. A `RateLimiter` made without `sessions` counts in
this process's memory instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections import deque

from sqlalchemy import delete, func, select

from finder.models import RateHit, utcnow


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float, clock=time.monotonic, *, sessions=None, name: str = "",
                 secret: str = ""):
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self.sessions = sessions
        self.name = name[:60]
        self.secret = secret.encode("utf-8")
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    # -- in the database, shared by every instance ----------------------------------------
    def _hash(self, key: str) -> str:
        return hmac.new(self.secret, key.encode("utf-8", "replace"), hashlib.sha256).hexdigest()

    def _db_count(self, db, key_hash: str, now: dt.datetime) -> int:
        since = now - dt.timedelta(seconds=self.window)
        return db.scalar(select(func.count()).select_from(RateHit).where(
            RateHit.name == self.name, RateHit.key_hash == key_hash, RateHit.at > since)) or 0

    def _db_add(self, db, key_hash: str, now: dt.datetime) -> None:
        db.add(RateHit(name=self.name, key_hash=key_hash, at=now))
        if secrets.randbelow(100) == 0:  # now and then, forget this limit's hits older than its window
            db.execute(delete(RateHit).where(RateHit.name == self.name,
                                             RateHit.at <= now - dt.timedelta(seconds=self.window)))

    # -- in memory -------------------------------------------------------------------------
    def _recent(self, key: str, now: float) -> deque:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def allow(self, key: str) -> bool:
        """Record one attempt for `key`; False when it is over the limit for the window."""
        if self.sessions is not None:
            now, key_hash = utcnow(), self._hash(key)
            with self.sessions.begin() as db:
                if self._db_count(db, key_hash, now) >= self.limit:
                    return False
                self._db_add(db, key_hash, now)
            return True
        now_m = self.clock()
        with self._lock:
            hits = self._recent(key, now_m)
            if len(hits) >= self.limit:
                return False
            hits.append(now_m)
            if len(self._hits) > 10000:
                self._forget_idle(now_m)
            return True

    def full(self, key: str) -> bool:
        """Whether `key` has used up the window, recording nothing (for limits that count only
        what was accepted: ask first, `record` after)."""
        if self.sessions is not None:
            with self.sessions() as db:
                return self._db_count(db, self._hash(key), utcnow()) >= self.limit
        now = self.clock()
        with self._lock:
            full = len(self._recent(key, now)) >= self.limit
            if not self._hits[key]:
                del self._hits[key]
            return full

    def record(self, key: str) -> None:
        """Count one accepted use for `key`."""
        if self.sessions is not None:
            with self.sessions.begin() as db:
                self._db_add(db, self._hash(key), utcnow())
            return
        now = self.clock()
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._hits) > 10000:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]


def limiter(request, name: str, limit: int, window_seconds: float) -> RateLimiter:
    """The app's limiter called `name`, counting in the database every instance shares."""
    store = request.app.state.rate_limits
    if name not in store:
        services = request.app.state.services
        store[name] = RateLimiter(limit, window_seconds, sessions=services.sessions, name=name,
                                  secret=services.settings.secret_key)
    return store[name]


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(value: str) -> str:
    """One X-Forwarded-For entry as an address: ports and IPv6 brackets taken off, IPv4-mapped IPv6
    written as IPv4; whatever is not an address is kept as it was (a name, or junk)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1:value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return value[:100]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False  # a unix socket, a test client's name: never a proxy we trust
    return any(ip.version == net.version and ip in net for net in networks)


def client_address(peer: str, forwarded_for: list[str], trusted_proxies: tuple[str, ...]) -> str:
    """Who is asking: the peer's address, unless the peer is a trusted proxy (ESOL_FINDER_TRUSTED_PROXIES);
    then the right-most address in X-Forwarded-For that is not a trusted proxy (each proxy adds the
    address it heard from at the right, so everything left of that could be written by the client)."""
    peer = _address(peer) if peer else "unknown"
    networks = _networks(tuple(trusted_proxies))
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [_address(hop) for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else peer  # every hop a proxy of ours: the first is as far back as we know


def client_key(request) -> str:
    """The address a request comes from, for rate limits and the login back-off."""
    settings = request.app.state.services.settings
    return client_address(request.client.host if request.client else "",
                          request.headers.getlist("x-forwarded-for"), settings.trusted_proxies)
