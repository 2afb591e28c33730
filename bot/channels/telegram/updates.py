"""What a Telegram update is, for the assistant: a message, a command, a button, a shared
location... or something to ignore. Pure: reads python-telegram-bot objects, sends nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, MessageEntityType

COMMANDS = frozenset({"start", "help", "stop", "delete"})
MEDIA_KINDS = (
    "photo",
    "sticker",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "document",
)
# Not words, but the person sent them on purpose: answer kindly rather than ignore.
OTHER_CONTENT = ("dice", "poll", "game", "story", "paid_media", "checklist")
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s|$)")


@dataclass(frozen=True)
class Incoming:
    """One update, reduced to what the channel acts on.

    ``kind`` is one of: text, command, button, location, contact, media, not_private,
    blocked, edited, ignore.
    """

    kind: str
    update_id: int
    user_id: int | None = None
    chat_id: int | None = None
    text: str = ""
    command: str = ""
    media_kind: str = ""
    latitude: float | None = None
    longitude: float | None = None
    callback_id: str | None = None
    button_title: str | None = None


def command_of(text: str) -> str | None:
    """ "/start@signpost_bot hello" -> "start"; None if the text is not a command."""
    found = _COMMAND.match(text)
    return found.group(1).lower() if found else None


def plain_text(text: str) -> str:
    """Typed text, never read as a Rasa intent: a leading "/" would make it one."""
    return text.lstrip("/").strip()


def _addressed_to_bot(message: Message) -> bool:
    """In a group: a command, an @mention, or a reply to one of our messages."""
    text = message.text or message.caption or ""
    if command_of(text):
        return True
    entities = message.entities or message.caption_entities or ()
    if any(entity.type == MessageEntityType.MENTION for entity in entities):
        return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.is_bot)


def _button_title(update: Update) -> str | None:
    query = update.callback_query
    message = query.message if query else None
    markup = message.reply_markup if isinstance(message, Message) else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None


def _membership(update: Update, change: ChatMemberUpdated) -> Incoming:
    if change.chat.type == ChatType.PRIVATE and change.new_chat_member.status in (
        ChatMemberStatus.BANNED,
        ChatMemberStatus.LEFT,
    ):
        return Incoming("blocked", update.update_id, change.from_user.id, change.chat.id)
    return Incoming("ignore", update.update_id)


def _message(update: Update, message: Message) -> Incoming:
    user = message.from_user
    if user is None or user.is_bot:
        return Incoming("ignore", update.update_id)
    base = {"update_id": update.update_id, "user_id": user.id, "chat_id": message.chat.id}
    if message.chat.type != ChatType.PRIVATE:
        return Incoming("not_private" if _addressed_to_bot(message) else "ignore", **base)
    if message.text is not None:
        command = command_of(message.text)
        if command:
            return Incoming("command", command=command, **base)
        return Incoming("text", text=plain_text(message.text), **base)
    if message.location is not None:
        return Incoming(
            "location",
            latitude=message.location.latitude,
            longitude=message.location.longitude,
            **base,
        )
    if message.contact is not None:
        return Incoming("contact", **base)
    for kind in MEDIA_KINDS:
        if getattr(message, kind, None):
            return Incoming(
                "media", media_kind=kind, text=plain_text(message.caption or ""), **base
            )
    if any(getattr(message, kind, None) for kind in OTHER_CONTENT):
        return Incoming("media", media_kind="other", **base)
    return Incoming("ignore", **base)  # service messages: pinned, timer changed...


def classify(update: Update) -> Incoming:
    """Decide what an update is. Never raises for any well-formed update."""
    if update.edited_message or update.edited_channel_post or update.edited_business_message:
        return Incoming("edited", update.update_id)
    if update.callback_query is not None:
        query = update.callback_query
        chat = query.message.chat if query.message else None
        if chat is not None and chat.type != ChatType.PRIVATE:
            return Incoming("ignore", update.update_id, callback_id=query.id)
        return Incoming(
            "button",
            update.update_id,
            user_id=query.from_user.id,
            chat_id=chat.id if chat else query.from_user.id,
            text=query.data or "",
            callback_id=query.id,
            button_title=_button_title(update),
        )
    if update.my_chat_member is not None:
        return _membership(update, update.my_chat_member)
    if update.message is not None:
        return _message(update, update.message)
    return Incoming("ignore", update.update_id)
