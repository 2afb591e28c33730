"""Telegram updates for tests, built from real python-telegram-bot objects."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    Contact,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Location,
    Message,
    MessageEntity,
    PhotoSize,
    Sticker,
    Update,
    User,
    Voice,
)

_ids = itertools.count(1000)


def next_id() -> int:
    return next(_ids)


def person(user_id: int) -> User:
    return User(user_id, "Sam", is_bot=False, language_code="en")


def private(user_id: int) -> Chat:
    return Chat(user_id, Chat.PRIVATE)


def message(user_id: int, text: str | None = None, chat: Chat | None = None, **kw: Any) -> Message:
    entities = kw.pop("entities", None)
    if text and text.startswith("/") and entities is None:
        command = text.split()[0]
        entities = [MessageEntity(MessageEntity.BOT_COMMAND, 0, len(command))]
    return Message(
        next_id(),
        dt.datetime.now(dt.timezone.utc),
        chat or private(user_id),
        from_user=person(user_id),
        text=text,
        entities=entities,
        **kw,
    )


def text_update(user_id: int, text: str, update_id: int | None = None, **kw: Any) -> Update:
    return Update(update_id or next_id(), message=message(user_id, text, **kw))


def edited_update(user_id: int, text: str) -> Update:
    edited = message(user_id, text, edit_date=dt.datetime.now(dt.timezone.utc))
    return Update(next_id(), edited_message=edited)


def location_update(user_id: int, latitude: float, longitude: float) -> Update:
    return Update(next_id(), message=message(user_id, location=Location(longitude, latitude)))


def contact_update(user_id: int, phone: str = "07700 900123") -> Update:
    contact = Contact(phone, "Sam", user_id=user_id)
    return Update(next_id(), message=message(user_id, contact=contact))


def photo_update(user_id: int, caption: str | None = None) -> Update:
    photo = (PhotoSize("file-1", "unique-1", 90, 90),)
    return Update(next_id(), message=message(user_id, photo=photo, caption=caption))


def sticker_update(user_id: int) -> Update:
    sticker = Sticker("file-2", "unique-2", 512, 512, False, False, Sticker.REGULAR)
    return Update(next_id(), message=message(user_id, sticker=sticker))


def voice_update(user_id: int) -> Update:
    return Update(next_id(), message=message(user_id, voice=Voice("file-3", "unique-3", 4)))


def group_update(user_id: int, text: str) -> Update:
    group = Chat(-100123456, Chat.SUPERGROUP, title="Community group")
    return Update(next_id(), message=message(user_id, text, chat=group))


def button_update(user_id: int, data: str, buttons: list[tuple[str, str]] | None = None) -> Update:
    """A tap on an inline button under one of the bot's messages."""
    rows = [[InlineKeyboardButton(title, callback_data=data)] for title, data in buttons or []]
    markup = InlineKeyboardMarkup(rows) if rows else None
    bot_message = Message(
        next_id(),
        dt.datetime.now(dt.timezone.utc),
        private(user_id),
        from_user=User(777000111, "Signpost", is_bot=True),
        text="Here are some places...",
        reply_markup=markup,
    )
    query = CallbackQuery(
        f"cq-{next_id()}", person(user_id), f"ci-{user_id}", data=data, message=bot_message
    )
    return Update(next_id(), callback_query=query)
