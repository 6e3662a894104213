"""The sliding-window limit behind the public forms and short links."""

from __future__ import annotations

from finder.web.kit.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_allow_counts_every_attempt_within_the_window():
    clock = Clock()
    limit = RateLimiter(2, 60, clock=clock)
    assert [limit.allow("a"), limit.allow("a"), limit.allow("a"), limit.allow("b")] == [True, True, False, True]
    clock.now += 61
    assert limit.allow("a")


def test_asking_records_nothing_and_only_recorded_uses_fill_the_window():
    clock = Clock()
    limit = RateLimiter(2, 60, clock=clock)
    assert not any(limit.full("a") for _ in range(10))
    limit.record("a")
    assert not limit.full("a")
    limit.record("a")
    assert limit.full("a") and not limit.full("b")
    clock.now += 30
    limit.record("a")  # a send already allowed still counts
    assert limit.full("a")
    clock.now += 31  # the first two have left the window; the third is still in it
    assert not limit.full("a")
    limit.record("a")
    assert limit.full("a")
