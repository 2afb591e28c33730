"""Messages waiting for the assistant, per conversation, handled one at a time and in order.

The queue belongs to the conversation, not to a socket: a message that was acknowledged is
handled even if its tab closes or reloads meanwhile, and a tab that connects while messages
are still waiting is told about them (see `waiting`), so it shows them and counts them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.channels.web.hub import Hub

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pending:
    message: UserMessage
    item: dict[str, Any]  # the message as the widget shows it (history.user_item)


class Conversations:
    def __init__(self, hub: Hub, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self.hub = hub
        self.on_new_message = on_new_message
        self._queues: dict[str, deque[Pending]] = {}
        self._current: dict[str, Pending] = {}
        self.workers: set[asyncio.Task] = set()

    def add(self, sender_id: str, pending: Pending) -> None:
        queue = self._queues.get(sender_id)
        if queue is None:
            queue = self._queues[sender_id] = deque()
            worker = asyncio.create_task(self._work(sender_id, queue))
            self.workers.add(worker)
            worker.add_done_callback(self.workers.discard)
        queue.append(pending)

    def waiting(self, sender_id: str) -> list[dict[str, Any]]:
        """The messages received but perhaps not yet in the tracker, oldest first."""
        current = self._current.get(sender_id)
        queued = list(self._queues.get(sender_id, ()))
        return [p.item for p in ([current] if current else []) + queued]

    async def _work(self, sender_id: str, queue: deque[Pending]) -> None:
        try:
            while queue:
                pending = self._current[sender_id] = queue.popleft()
                await self.hub.send(sender_id, {"type": "typing", "on": True})
                try:
                    await self.on_new_message(pending.message)
                except Exception:
                    logger.exception("web chat: handling a message failed")
                    await self.hub.send(sender_id, {"type": "error", "code": "failed"})
                finally:
                    del self._current[sender_id]
                await self.hub.send(sender_id, {"type": "typing", "on": False})
        finally:
            del self._queues[sender_id]
