"""A small in-memory sliding-window rate limit, per key (usually the client's IP address), and
`client_key`: which address a request comes from, the one function every limit asks.

It lives in the process: with several workers each keeps its own count, and a restart
forgets it. That is enough to slow down a script hammering one form; it is not a firewall.
"""

from __future__ import annotations

import functools
import ipaddress
import threading
import time
from collections import deque


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float, clock=time.monotonic):
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def allow(self, key: str) -> bool:
        """Record one attempt for `key`; False when it is over the limit for the window."""
        now = self.clock()
        with self._lock:
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10000:
                self._forget_idle(now)
            return True

    def full(self, key: str) -> bool:
        """Whether `key` has used up the window, recording nothing (for limits that count only
        what was accepted: ask first, `record` after)."""
        now = self.clock()
        with self._lock:
            full = len(self._recent(key, now)) >= self.limit
            if not self._hits[key]:
                del self._hits[key]
            return full

    def record(self, key: str) -> None:
        """Count one accepted use for `key`."""
        now = self.clock()
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._hits) > 10000:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]


def limiter(request, name: str, limit: int, window_seconds: float) -> RateLimiter:
    """The app's limiter called `name` (one per app, kept with its services)."""
    store = request.app.state.rate_limits
    if name not in store:
        store[name] = RateLimiter(limit, window_seconds)
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
