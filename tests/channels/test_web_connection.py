"""A browser opening a session while the conversation store is away: it is told to retry, and
nothing it shows or has queued is reset (the real channel state and Rasa lock store; only the
WebSocket and the broken tracker store stand in)."""

from __future__ import annotations

import json
from typing import Any

from rasa.core.lock_store import InMemoryLockStore

from bot.channels.web.channel import WebChatInput
from bot.channels.web.config import WebChatConfig
from bot.channels.web.connection import CLOSE_UNAVAILABLE, Connection
from bot.channels.web.tokens import new_session_id


class FakeSocket:
    def __init__(self, first: dict[str, Any]) -> None:
        self.incoming = [json.dumps(first)]
        self.sent: list[dict[str, Any]] = []
        self.closed: tuple[int, str] | None = None

    async def recv(self, timeout: float | None = None) -> str | None:
        return self.incoming.pop(0) if self.incoming else None

    async def send(self, data: str) -> None:
        self.sent.append(json.loads(data))

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


class BrokenTrackerStore:
    async def retrieve_full_tracker(self, sender_id: str) -> None:
        raise ConnectionError("database is away")


class Agent:
    def __init__(self) -> None:
        self.lock_store = InMemoryLockStore()
        self.tracker_store = BrokenTrackerStore()

    def is_ready(self) -> bool:
        return True


async def _nothing(message: Any) -> None:
    return None


async def test_a_returning_browser_is_told_to_retry_when_the_store_is_away() -> None:
    channel = WebChatInput(WebChatConfig.from_env({}))
    state = channel._state(_nothing)
    token = state.tokens.issue(new_session_id())  # a browser coming back to its session
    ws = FakeSocket({"type": "hello", "token": token, "have": 6})

    await Connection(state, ws, Agent(), "127.0.0.1").run()

    assert ws.sent == [{"type": "error", "code": "unavailable", "retry_after": 5}]
    assert ws.closed is not None and ws.closed[0] == CLOSE_UNAVAILABLE
    # No "session" frame went out, so the widget resets nothing it shows.
    assert not any(frame["type"] == "session" for frame in ws.sent)
