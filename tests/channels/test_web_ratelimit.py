"""Rate limits: a burst, then a steady rate, per key, with the wait to tell the browser."""

from __future__ import annotations

import pytest

from bot.channels.web.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_steady_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("a")
    assert wait == pytest.approx(10.0)  # one every 10 s
    clock.now = 9.9
    assert limiter.take("a") == 1.0  # whole seconds, rounded up
    clock.now = 10.0
    assert limiter.take("a") == 0.0


def test_a_refused_key_is_held_for_the_wait_it_was_told() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=120, burst=1, clock=clock)  # one every 0.5 s
    assert limiter.take("a") == 0.0
    clock.now = 0.4
    assert limiter.take("a") == 1.0  # 0.1 s short, told to wait a whole second
    clock.now = 0.6  # a token is back, but a later message must not overtake the refused one
    assert limiter.take("a") == 1.0
    clock.now = 1.4
    assert limiter.take("a") == 0.0


def test_keys_are_limited_separately() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, clock=Clock())
    assert limiter.take("one") == 0.0
    assert limiter.take("one") > 0
    assert limiter.take("two") == 0.0


def test_the_table_stays_bounded() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, max_keys=100, clock=Clock())
    for n in range(1000):
        limiter.take(str(n))
    assert len(limiter._buckets) == 100


def test_refill_never_exceeds_the_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock)
    limiter.take("a")
    clock.now = 3600
    assert [limiter.take("a") == 0.0 for _ in range(3)] == [True, True, False]
