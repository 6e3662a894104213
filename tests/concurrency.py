"""Counting how many calls of a function run at once (for tests of limits on concurrent work)."""

from __future__ import annotations

import threading
import time


class AtOnce:
    """Wraps `func`; each call is held `hold` seconds before it runs, and `most` is the largest number
    of calls that were running at the same time."""

    def __init__(self, func, hold: float = 0.05):
        self.func, self.hold = func, hold
        self.running = self.most = 0
        self._lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.hold)
            return self.func(*args, **kwargs)
        finally:
            with self._lock:
                self.running -= 1
