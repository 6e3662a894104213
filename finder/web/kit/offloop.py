"""Work run on a worker thread, never on the event loop, at most a given number at a time.

Each kind of work (`AtMost("searches", 2)`) has one `anyio.CapacityLimiter` per event loop; calls
beyond the limit wait their turn without holding a thread."""

from __future__ import annotations

import asyncio
import functools
import weakref

import anyio
import anyio.to_thread


class AtMost:
    def __init__(self, count: int):
        self.count = count
        self._limits: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def run(self, func, *args, **kwargs):
        loop = asyncio.get_running_loop()
        limit = self._limits.get(loop)
        if limit is None:
            limit = self._limits[loop] = anyio.CapacityLimiter(self.count)
        return await anyio.to_thread.run_sync(functools.partial(func, *args, **kwargs), limiter=limit)
