"""A small in-memory sliding-window rate limit, per key (usually the client's IP address).

It lives in the process: with several workers each keeps its own count, and a restart
forgets it. That is enough to slow down a script hammering one form; it is not a firewall.
"""

from __future__ import annotations

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

    def allow(self, key: str) -> bool:
        """Record one attempt for `key`; False when it is over the limit for the window."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10000:
                self._forget_idle(now)
            return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]


def limiter(request, name: str, limit: int, window_seconds: float) -> RateLimiter:
    """The app's limiter called `name` (one per app, kept with its services)."""
    store = request.app.state.rate_limits
    if name not in store:
        store[name] = RateLimiter(limit, window_seconds)
    return store[name]


def client_key(request) -> str:
    return request.client.host if request.client else "unknown"
