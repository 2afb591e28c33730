"""Token-bucket rate limits, kept in memory per key (a session, or an address).

One Rasa process owns a browser's socket (socket connections are sticky), so an in-memory
limit per process is enough. The table is bounded: the least recently seen keys go first.

Once a key is refused it is held for the whole wait it was told, even if a token comes back
sooner: otherwise a later message could get through before an earlier, refused one is sent
again, and a conversation's messages would arrive out of order.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable


class RateLimiter:
    """Allow `burst` events at once, refilled at `per_minute` a minute, for each key."""

    def __init__(
        self,
        per_minute: int,
        burst: int,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self._clock = clock
        # key -> (tokens, when counted, held until)
        self._buckets: OrderedDict[str, tuple[float, float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """0 if allowed (and counted); otherwise the whole seconds to wait before trying again."""
        now = self._clock()
        tokens, last, held_until = self._buckets.get(key, (self.burst, now, 0.0))
        if now < held_until:
            return float(math.ceil(held_until - now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._store(key, (tokens - 1.0, now, 0.0))
            return 0.0
        wait = float(math.ceil((1.0 - tokens) / self.rate)) if self.rate > 0 else math.inf
        self._store(key, (tokens, now, now + wait))
        return wait

    def _store(self, key: str, value: tuple[float, float, float]) -> None:
        self._buckets[key] = value
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
