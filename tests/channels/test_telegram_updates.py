"""What each kind of Telegram update means to the channel, from real python-telegram-bot
objects sent through JSON as Telegram would send them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from telegram import Chat, ChatMemberBanned, ChatMemberMember, ChatMemberUpdated, Update

from bot.channels.telegram.location import outcode_from_coordinates
from bot.channels.telegram.updates import classify, command_of
from bot.geography import Gazetteer
from tests.channels import telegram_updates as tg


def _through_json(update: Update) -> Update:
    return Update.de_json(json.loads(json.dumps(update.to_dict())), None)


def test_text_is_passed_on_and_can_never_be_an_intent() -> None:
    incoming = classify(_through_json(tg.text_update(42, "can't pay my rent")))
    assert (incoming.kind, incoming.text, incoming.user_id, incoming.chat_id) == (
        "text",
        "can't pay my rent",
        42,
        42,
    )
    sneaky = classify(_through_json(tg.text_update(42, "/ need_food", entities=[])))
    assert (sneaky.kind, sneaky.text) == ("text", "need_food")


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/start", "start"),
        ("/HELP", "help"),
        ("/stop@signpost_bot", "stop"),
        ("/delete me", "delete"),
    ],
)
def test_commands(text: str, command: str) -> None:
    incoming = classify(_through_json(tg.text_update(7, text)))
    assert (incoming.kind, incoming.command) == ("command", command)


def test_command_parsing() -> None:
    assert command_of("/start abc") == "start"
    assert command_of("/ start") is None
    assert command_of("hello /start") is None


def test_edited_messages_are_not_new_messages() -> None:
    assert classify(_through_json(tg.edited_update(7, "actually L9"))).kind == "edited"


def test_button_tap_carries_payload_and_title() -> None:
    update = tg.button_update(7, "/show_more", [("Show more", "/show_more")])
    incoming = classify(_through_json(update))
    assert incoming.kind == "button"
    assert (incoming.text, incoming.button_title) == ("/show_more", "Show more")
    assert incoming.callback_id == update.callback_query.id


def test_location_contact_and_media() -> None:
    where = classify(_through_json(tg.location_update(7, 53.4617, -2.97)))
    assert (where.kind, where.latitude, where.longitude) == ("location", 53.4617, -2.97)
    assert classify(_through_json(tg.contact_update(7))).kind == "contact"
    photo = classify(_through_json(tg.photo_update(7, caption="/can't afford food")))
    assert (photo.kind, photo.media_kind, photo.text) == ("media", "photo", "can't afford food")
    assert classify(_through_json(tg.sticker_update(7))).media_kind == "sticker"
    assert classify(_through_json(tg.voice_update(7))).media_kind == "voice"


def test_groups_get_an_answer_only_when_they_address_the_bot() -> None:
    assert classify(_through_json(tg.group_update(7, "anyone up for a walk?"))).kind == "ignore"
    addressed = classify(_through_json(tg.group_update(7, "/start@signpost_bot")))
    assert addressed.kind == "not_private"


def test_blocking_the_bot_is_noticed() -> None:
    user = tg.person(7)
    bot_user = tg.User(777000111, "Signpost", is_bot=True)
    change = ChatMemberUpdated(
        Chat(7, Chat.PRIVATE),
        user,
        tg.message(7, "x").date,
        ChatMemberMember(bot_user),
        ChatMemberBanned(bot_user, until_date=dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)),
    )
    incoming = classify(_through_json(Update(5, my_chat_member=change)))
    assert (incoming.kind, incoming.user_id) == ("blocked", 7)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_a_shared_location_becomes_only_an_outward_code(gazetteer: Gazetteer) -> None:
    shared = outcode_from_coordinates(gazetteer, 53.4617, -2.9700)  # Walton, Liverpool
    assert (shared.outcode, shared.problem) == ("L9", None)
    assert outcode_from_coordinates(gazetteer, 53.6450, -3.0100).outcode.startswith("PR")


@pytest.mark.parametrize(
    ("latitude", "longitude", "problem"),
    [
        (48.8566, 2.3522, "far"),
        (40.7, -74.0, "far"),
        (91.0, 0.0, "unreadable"),
        (None, 1.0, "unreadable"),
    ],
)
def test_far_or_impossible_locations_are_explained(
    gazetteer: Gazetteer, latitude: float, longitude: float, problem: str
) -> None:
    shared = outcode_from_coordinates(gazetteer, latitude, longitude)
    assert (shared.outcode, shared.problem) == (None, problem)
