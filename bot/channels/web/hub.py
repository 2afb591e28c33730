"""The open sockets of each conversation, so replies reach every tab of the session that asked.

Keyed by the pseudonymous sender id (never the raw session id). A socket that has gone is
dropped when sending to it fails; the reply is in the tracker for the next connection.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class Socket(Protocol):
    async def send(self, data: str) -> None: ...


class Hub:
    def __init__(self) -> None:
        self._sockets: dict[str, set[Socket]] = {}
        # The buttons last offered in each conversation, to show a clicked payload as its title.
        self.offered: dict[str, dict[str, str]] = {}

    def join(self, sender_id: str, socket: Socket) -> None:
        self._sockets.setdefault(sender_id, set()).add(socket)

    def leave(self, sender_id: str, socket: Socket) -> None:
        sockets = self._sockets.get(sender_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._sockets[sender_id]
                self.offered.pop(sender_id, None)

    async def send(self, sender_id: str, frame: dict[str, Any], skip: Socket | None = None) -> None:
        data = json.dumps(frame, ensure_ascii=False)
        # The sockets are listed before the first await: connection.py relies on that.
        sockets = [s for s in self._sockets.get(sender_id, ()) if s is not skip]
        # Each send is its own task: Sanic raises CancelledError into a send on a socket that
        # is closing, which must not cancel the reply being made (nor Rasa saving it).
        results = await asyncio.gather(*(s.send(data) for s in sockets), return_exceptions=True)
        for socket, result in zip(sockets, results, strict=True):
            if isinstance(result, BaseException):
                logger.debug("dropping a closed web chat socket: %r", result)
                self.leave(sender_id, socket)
