"""Telegram retries an update it thinks was not delivered; each update_id is handled once.

Kept in memory, per process: enough for Telegram's retries, which come to the same server
within minutes. A restart forgets, so a retry that straddles a restart could repeat once.
"""

from __future__ import annotations

from collections import OrderedDict

DEFAULT_SIZE = 10_000


class RecentUpdates:
    """The last `size` update ids seen."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        """True the first time an id is seen (and remembers it), False after."""
        if update_id in self._ids:
            self._ids.move_to_end(update_id)
            return False
        self._ids[update_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True

    def forget(self, update_id: int) -> None:
        """Let an update be tried again (it failed before anything was done)."""
        self._ids.pop(update_id, None)
