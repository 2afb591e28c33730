"""The transcript a browser sees again after a reload: the user's and the assistant's messages
from the conversation's events in the tracker store, numbered from the start.

The numbers let a reconnecting browser ask only for what it missed ("I have 12").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.channels.web.cards import to_blocks

# What a person sees instead of a button's payload when it was not one of the offered buttons.
KNOWN_PAYLOADS = {"/talk_to_person": "Talk to a person"}
# Sent by the widget to start a conversation; the person did not type it.
HIDDEN_PAYLOADS = frozenset({"/greet"})


def bot_item(message: dict[str, Any]) -> dict[str, Any]:
    """A reply as the widget shows it: the text, its blocks (cards), and its buttons."""
    text = message.get("text") or ""
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in message.get("buttons") or message.get("quick_replies") or []
        if isinstance(b, dict) and b.get("payload")
    ]
    return {
        "from": "bot",
        "text": text,
        "blocks": to_blocks(text, message.get("custom")),
        "buttons": buttons,
    }


def user_item(text: str, cid: str | None, offered: dict[str, str]) -> dict[str, Any]:
    """A person's message; a button payload is shown as the button's title."""
    shown = offered.get(text) or KNOWN_PAYLOADS.get(text) or text
    item: dict[str, Any] = {"from": "user", "text": shown}
    if cid:
        item["cid"] = cid
    if text in HIDDEN_PAYLOADS:
        item["hidden"] = True
    return item


def transcript(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every user and bot message in the events (as `tracker.events` serialised), in order."""
    items: list[dict[str, Any]] = []
    offered: dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "user":
            metadata = event.get("metadata") or {}
            cid = metadata.get("web_cid") if isinstance(metadata, dict) else None
            items.append(user_item(event.get("text") or "", cid, offered))
        elif kind == "bot":
            data = event.get("data") or {}
            item = bot_item({"text": event.get("text"), **data})
            offered = {b["payload"]: b["title"] for b in item["buttons"]}
            items.append(item)
    for number, item in enumerate(items):
        item["n"] = number
    return items
