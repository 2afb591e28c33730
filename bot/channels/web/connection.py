"""One browser's WebSocket: prove or start a session, catch up, then relay messages.

The first frame must be `hello` with the token the browser was given (or none). A valid token
resumes that session; anything else starts a new one, so a browser can only ever read the
session whose token it holds. Messages are acknowledged on receipt and handed to the
conversation's queue (work.py), which keeps going if the socket drops: the replies then wait
in the tracker for the next connection's catch-up.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.channels.web.config import WebChatConfig
from bot.channels.web.history import transcript, user_item
from bot.channels.web.hub import Hub
from bot.channels.web.output import WebChatOutput
from bot.channels.web.protocol import BadFrame, Hello, Message, Ping, RecentIds, parse_frame
from bot.channels.web.ratelimit import RateLimiter
from bot.channels.web.tokens import SessionTokens, new_session_id
from bot.channels.web.work import Conversations, Pending
from bot.privacy.pseudonyms import pseudonymise

logger = logging.getLogger(__name__)

CHANNEL = "web"
HELLO_TIMEOUT_SECONDS = 10.0
# Close codes the widget understands (4000-4999 are the application's own).
CLOSE_BAD_REQUEST = 4400
CLOSE_TOO_MANY = 4429
CLOSE_UNAVAILABLE = 4503


@dataclass
class ChannelState:
    """What all connections of the channel share."""

    config: WebChatConfig
    tokens: SessionTokens
    hub: Hub
    messages: RateLimiter  # per session
    new_sessions: RateLimiter  # per address
    frames: RateLimiter  # per connection: any frame, pings included
    recent: RecentIds
    conversations: Conversations


def _dump(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False)


class Connection:
    def __init__(self, state: ChannelState, ws: Any, agent: Any, address: str) -> None:
        self.state = state
        self.ws = ws
        self.agent = agent
        self.address = address
        self.sender_id = ""

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(_dump(frame))

    async def run(self) -> None:
        try:
            hello = parse_frame(
                await self.ws.recv(timeout=HELLO_TIMEOUT_SECONDS),
                self.state.config.max_message_chars,
            )
            if not isinstance(hello, Hello):
                raise BadFrame("hello first")
        except BadFrame:
            await self.ws.close(CLOSE_BAD_REQUEST, "hello expected")
            return
        if self.agent is None or not self.agent.is_ready():
            await self.send({"type": "error", "code": "unavailable", "retry_after": 5})
            await self.ws.close(CLOSE_UNAVAILABLE, "not ready")
            return
        if not await self._start_session(hello):
            return
        try:
            await self._relay()
        finally:
            self.state.hub.leave(self.sender_id, self.ws)

    async def _start_session(self, hello: Hello) -> bool:
        session_id = self.state.tokens.verify(hello.token)
        new = session_id is None
        if session_id is None:
            wait = self.state.new_sessions.take(self.address)
            if wait:
                await self.send({"type": "error", "code": "busy", "retry_after": int(wait)})
                await self.ws.close(CLOSE_TOO_MANY, "too many new sessions")
                return False
            session_id = new_session_id()
        self.sender_id = pseudonymise(CHANNEL, session_id)
        try:
            # Under the conversation's lock, so a reply being made now either is in this
            # history or reaches this socket live, never both and never neither.
            async with self.agent.lock_store.lock(self.sender_id):
                items = [] if new else await self._handled()
                # No await from here to the join: a message arriving from another tab now is
                # either still waiting (so in this history) or echoed to this socket, not both.
                self._add_waiting(items)
                self.state.hub.join(self.sender_id, self.ws)
        except Exception as error:
            # The conversation store or lock store is away. Nothing is lost: the widget keeps
            # what it shows and its unsent messages, says it is reconnecting, and tries again.
            logger.warning("web: could not open a session (%s)", type(error).__name__)
            await self.send({"type": "error", "code": "unavailable", "retry_after": 5})
            await self.ws.close(CLOSE_UNAVAILABLE, "store unavailable")
            return False
        count = len(items)
        reset = hello.have > count
        since = 0 if reset else hello.have
        shown = [item for item in items if item["n"] >= since][-self.state.config.history_limit :]
        await self.send(
            {
                "type": "session",
                "token": self.state.tokens.issue(session_id),
                "new": new,
                "reset": reset or new,
                "count": count,
                "items": shown,
            }
        )
        return True

    async def _handled(self) -> list[dict[str, Any]]:
        """The conversation so far, as the tracker store has it."""
        tracker = await self.agent.tracker_store.retrieve_full_tracker(self.sender_id)
        return transcript(event.as_dict() for event in tracker.events) if tracker else []

    def _add_waiting(self, items: list[dict[str, Any]]) -> None:
        """After the history: messages received from another tab, not yet handled."""
        handled = {item.get("cid") for item in items if item["from"] == "user"}
        for waiting in self.state.conversations.waiting(self.sender_id):
            if waiting.get("cid") not in handled:
                items.append({**waiting, "n": len(items)})

    async def _relay(self) -> None:
        config = self.state.config
        connection_key = str(id(self.ws))
        while True:
            raw = await self.ws.recv()
            if raw is None:  # only when the connection is going away
                return
            if self.state.frames.take(connection_key):
                await self.ws.close(CLOSE_TOO_MANY, "too many frames")
                return
            try:
                frame = parse_frame(raw, config.max_message_chars)
            except BadFrame as error:
                await self.send({"type": "error", "code": "bad_request", "detail": str(error)})
                continue
            if isinstance(frame, Ping):
                await self.send({"type": "pong"})
            elif isinstance(frame, Message):
                await self._accept(frame)
            # A second hello on the same socket is ignored: the session is fixed.

    async def _accept(self, message: Message) -> None:
        if self.state.recent.contains(self.sender_id, message.cid):
            await self.send({"type": "ack", "cid": message.cid, "duplicate": True})
            return
        wait = self.state.messages.take(self.sender_id)
        if wait:
            await self.send(
                {
                    "type": "error",
                    "code": "rate_limited",
                    "cid": message.cid,
                    "retry_after": int(wait),
                }
            )
            return
        self.state.recent.add(self.sender_id, message.cid)
        offered = self.state.hub.offered.get(self.sender_id, {})
        echo = user_item(message.text, message.cid, offered)
        # Queue it and echo it to the session's other tabs with no await in between (see
        # _start_session): each tab then counts it exactly once.
        self.state.conversations.add(
            self.sender_id,
            Pending(
                UserMessage(
                    message.text,
                    WebChatOutput(self.state.hub),
                    self.sender_id,
                    input_channel=CHANNEL,
                    metadata={"web_cid": message.cid},
                ),
                echo,
            ),
        )
        await self.state.hub.send(self.sender_id, {"type": "user", **echo}, skip=self.ws)
        await self.send({"type": "ack", "cid": message.cid})
