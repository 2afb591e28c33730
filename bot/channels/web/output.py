"""Replies from Rasa to the browser: one frame per bot message, to every tab of the session.

Each `send_response` call is one bot event in the tracker, so the widget can count messages
the same way the transcript does (see history.py) and ask only for what it missed.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.channels.web.history import bot_item
from bot.channels.web.hub import Hub


class WebChatOutput(OutputChannel):
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    @classmethod
    def name(cls) -> str:
        return "web"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        item = bot_item(message)
        self.hub.offered[recipient_id] = {b["payload"]: b["title"] for b in item["buttons"]}
        await self.hub.send(recipient_id, {"type": "bot", **item})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})
