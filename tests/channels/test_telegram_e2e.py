"""Telegram end to end: updates built from real python-telegram-bot objects are posted to the
webhook of the real Rasa server (with the real action server), and the replies are read at a
fake Bot API on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.channels.telegram import replies, store
from bot.config import REPO_ROOT
from bot.db import get_engine
from bot.privacy.pseudonyms import pseudonymise
from tests.channels import telegram_updates as tg
from tests.channels.fake_telegram import Call, FakeTelegram
from tests.channels.telegram_stack import SECRET, TOKEN, TelegramStack
from tests.support.crisis import CRISIS_SCENARIOS, assert_crisis_reply

pytestmark = pytest.mark.e2e

WALTON = (53.4617, -2.9700)  # a shared location in L9


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    api = FakeTelegram(TOKEN).start()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, fake: FakeTelegram) -> Iterator[TelegramStack]:
    running = TelegramStack(tmp_path_factory.mktemp("telegram"), fake)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def user() -> int:
    return random.randint(10**8, 10**9)


def texts(calls: list[Call]) -> list[str]:
    return [c.params["text"] for c in calls]


def last_text(fake: FakeTelegram, chat_id: int) -> str:
    return texts(fake.sent_to(chat_id))[-1]


def keyboard(call: Call) -> list[tuple[str, str]]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def test_wrong_or_missing_secret_gets_403_and_reaches_nothing(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    update = tg.text_update(user, "hello")
    before = len(fake.calls)
    assert stack.post(update, secret=None)[0] == 403
    assert stack.post(update, secret="wrong")[0] == 403
    assert stack.post(update, secret=SECRET[:-1] + "X")[0] == 403
    assert stack.post(update, secret="")[0] == 403
    assert len(fake.calls) == before
    assert stack.user_texts(user) == []
    # The refused attempts did not use up the update: the real one still gets through.
    assert stack.post(update) == (200, "ok")
    assert stack.user_texts(user) == ["hello"]


def test_start_greets_after_showing_typing(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    assert stack.post(tg.text_update(user, "/start"))[0] == 200
    calls = [c for c in fake.calls if c.params.get("chat_id") == user]
    assert calls[0].method == "sendChatAction" and calls[0].params["action"] == "typing"
    greeting = fake.sent_to(user)[0]
    assert greeting.params["parse_mode"] == "HTML"
    assert "not an emergency service" in greeting.params["text"]
    assert stack.user_texts(user) == ["/greet"]


def test_signposting_by_shared_location_and_inline_buttons(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    stack.post(tg.text_update(user, "I can't afford food this week"))
    assert "Whereabouts are you?" in last_text(fake, user)

    stack.post(tg.location_update(user, *WALTON))
    sent = fake.sent_to(user)
    assert any("I'll look near L9" in text for text in texts(sent))
    results = next(c for c in reversed(sent) if "reply_markup" in c.params)
    assert "1. <b>" in results.params["text"]
    buttons = keyboard(results)
    assert ("More about 1", '/ask_details{"result_number":"1"}') in buttons
    assert ("Look somewhere else", "/change_location") in buttons
    assert stack.slots(pseudonymise("telegram", str(user)))["outcode"] == "L9"
    # The coordinates never reach the conversation: only the outward code does.
    tracker = json.dumps(stack.tracker(user))
    assert "53.46" not in tracker and "-2.97" not in tracker and "2.970" not in tracker

    tap = tg.button_update(user, '/ask_details{"result_number":"1"}', buttons)
    stack.post(tap)
    assert fake.calls_to(
        "answerCallbackQuery", lambda c: c.params["callback_query_id"] == tap.callback_query.id
    )
    details = last_text(fake, user)
    assert details.startswith("1. <b>") and "Phone:" in details
    assert "(+44 " in details  # the tappable form of the number


def test_a_duplicate_update_is_processed_once(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    update = tg.text_update(user, "hiya")
    assert stack.post(update) == (200, "ok")
    replies_after_first = len(fake.sent_to(user))
    assert stack.post(update) == (200, "duplicate")
    assert len(fake.sent_to(user)) == replies_after_first
    assert stack.user_texts(user) == ["hiya"]


def test_edited_messages_are_ignored(stack: TelegramStack, fake: FakeTelegram, user: int) -> None:
    assert stack.post(tg.edited_update(user, "I need help with housing")) == (200, "ok")
    assert fake.sent_to(user) == []
    assert stack.user_texts(user) == []


def test_stop_means_no_messages_until_start(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    stack.post(tg.text_update(user, "I need a food bank"))
    stack.post(tg.text_update(user, "/stop"))
    assert last_text(fake, user) == replies.STOPPED
    who = pseudonymise("telegram", str(user))
    assert store.get_state(get_engine(stack.db_url), who).stopped is True

    events_before = stack.user_texts(user)
    stack.post(tg.text_update(user, "hello?"))
    assert last_text(fake, user) == replies.STILL_STOPPED
    assert stack.user_texts(user) == events_before  # the assistant never saw it

    # A message the assistant sends first is not delivered while stopped.
    sent = len(fake.sent_to(user))
    stack.api(f"/conversations/{who}/trigger_intent?output_channel=latest", {"name": "greet"})
    assert len(fake.sent_to(user)) == sent

    stack.post(tg.text_update(user, "/start"))
    assert last_text(fake, user).startswith("Hello.")
    assert store.get_state(get_engine(stack.db_url), who).stopped is False


def test_the_assistant_can_write_first(stack: TelegramStack, fake: FakeTelegram, user: int) -> None:
    stack.post(tg.text_update(user, "hiya"))
    sent = len(fake.sent_to(user))
    who = pseudonymise("telegram", str(user))
    stack.api(f"/conversations/{who}/trigger_intent?output_channel=latest", {"name": "greet"})
    assert len(fake.sent_to(user)) == sent + 1


def test_awkward_messages_get_kind_answers(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    stack.post(tg.photo_update(user))
    assert last_text(fake, user).startswith("I can't see pictures")
    stack.post(tg.sticker_update(user))
    assert last_text(fake, user).startswith("I can't read stickers")
    stack.post(tg.voice_update(user))
    assert last_text(fake, user).startswith("I can't listen to voice notes")
    stack.post(tg.contact_update(user, "07700 900123"))
    assert last_text(fake, user) == replies.CONTACT
    stack.post(tg.location_update(user, 48.8566, 2.3522))  # Paris
    assert last_text(fake, user) == replies.LOCATION_FAR
    stack.post(tg.text_update(user, "/frobnicate"))
    assert last_text(fake, user) == replies.UNKNOWN_COMMAND
    stack.post(tg.text_update(user, "/help"))
    assert last_text(fake, user) == replies.COMMANDS
    assert "money" in texts(fake.sent_to(user))[-2].lower()
    stack.post(tg.photo_update(user, caption="can't pay my rent"))
    assert "Whereabouts are you?" in last_text(fake, user)
    assert stack.user_texts(user) == ["/what_can_you_do", "can't pay my rent"]

    long_text = ("I have been having a hard time and I do not know who to ask. " * 70)[:4096]
    assert stack.post(tg.text_update(user, long_text)) == (200, "ok")
    assert replies.SOMETHING_WENT_WRONG not in texts(fake.sent_to(user))
    tracker = json.dumps(stack.tracker(user))
    assert "07700" not in tracker and "900123" not in tracker


def test_groups_get_one_explanation_and_nothing_reaches_the_assistant(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    stack.post(tg.group_update(user, "morning all"))
    stack.post(tg.group_update(user, "/start@signpost_bot"))
    to_group = fake.calls_to("sendMessage", lambda c: c.params["chat_id"] == -100123456)
    assert texts(to_group)[-1] == replies.NOT_PRIVATE
    assert stack.user_texts(user) == []


def test_blocking_the_bot_stops_messages(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    from telegram import Chat, ChatMemberBanned, ChatMemberMember, ChatMemberUpdated, Update

    stack.post(tg.text_update(user, "hiya"))
    bot_user = tg.User(777000111, "Signpost", is_bot=True)
    change = ChatMemberUpdated(
        Chat(user, Chat.PRIVATE),
        tg.person(user),
        tg.message(user, "x").date,
        ChatMemberMember(bot_user),
        ChatMemberBanned(bot_user, until_date=tg.message(user, "x").date),
    )
    stack.post(Update(tg.next_id(), my_chat_member=change))
    who = pseudonymise("telegram", str(user))
    assert store.get_state(get_engine(stack.db_url), who).stopped is True


def test_identity_is_a_pseudonym_and_ids_stay_out_of_logs(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    stack.post(tg.text_update(user, "I feel really lonely"))
    tracker = stack.tracker(user)
    assert tracker["sender_id"] == pseudonymise("telegram", str(user))
    assert str(user) not in json.dumps(tracker)
    logs = "".join(p.read_text(errors="replace") for p in (stack.workdir / "logs").glob("*.log"))
    assert str(user) not in logs
    assert TOKEN.split(":")[1] not in logs and SECRET not in logs


def test_polling_feeds_the_same_webhook(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    env = {
        **os.environ,
        "SIGNPOST_TELEGRAM_BOT_TOKEN": TOKEN,
        "SIGNPOST_TELEGRAM_WEBHOOK_SECRET": SECRET,
        "SIGNPOST_TELEGRAM_API_URL": fake.api_url,
    }
    code = "from bot.telegram_cli import telegram_app; telegram_app()"
    poller = subprocess.Popen(
        [sys.executable, "-c", code, "poll", "--rasa-url", stack.url, "--timeout", "1"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        fake.queue_update(tg.text_update(user, "hiya").to_dict())
        fake.wait_for("sendMessage", where=lambda c: c.params["chat_id"] == user, timeout=60)
        assert "not an emergency service" in last_text(fake, user)
        assert fake.calls_to("deleteWebhook")  # polling and a webhook cannot both be on
    finally:
        poller.send_signal(signal.SIGINT)
        output, _ = poller.communicate(timeout=30)
    assert poller.returncode == 0, output
    assert "delivered" in output and "Stopped." in output
    assert str(user) not in output


def _keyboard_of_last(fake: FakeTelegram, user: int) -> list[tuple[str, str]]:
    with_buttons = [c for c in fake.sent_to(user) if "reply_markup" in c.params]
    assert with_buttons, "no buttons were offered"
    return keyboard(with_buttons[-1])


def _tap(stack: TelegramStack, fake: FakeTelegram, user: int, choose: str) -> str:
    """Tap the button whose title or payload is `choose`; the text of the last reply."""
    buttons = _keyboard_of_last(fake, user)
    data = next((payload for title, payload in buttons if choose in (title, payload)), None)
    assert data, f"no {choose!r} button in {buttons}"
    update = tg.button_update(user, data, buttons)
    assert stack.post(update) == (200, "ok")
    assert fake.calls_to(
        "answerCallbackQuery", lambda c: c.params["callback_query_id"] == update.callback_query.id
    )
    return last_text(fake, user)


def test_booking_an_advisor_with_inline_buttons(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    stack.post(tg.text_update(user, "I'd like to talk to an advisor"))
    assert "How would you like to talk" in last_text(fake, user)
    _tap(stack, fake, user, "Phone call")
    assert "Which would suit you?" in last_text(fake, user)
    _tap(stack, fake, user, "1")
    _tap(stack, fake, user, "/affirm")  # yes, keep a name and number
    stack.post(tg.text_update(user, "Jo"))
    stack.post(tg.text_update(user, "07123 456789"))
    _tap(stack, fake, user, "No")  # nothing to add for the advisor
    assert "Shall I book it?" in last_text(fake, user)
    done = _tap(stack, fake, user, "/affirm")
    assert done.startswith("You're booked")
    reference = stack.slots(pseudonymise("telegram", str(user)))["booking_reference"]
    assert reference and reference in done


def test_delete_command_erases_the_conversation_and_booking(
    stack: TelegramStack, fake: FakeTelegram, user: int
) -> None:
    who = pseudonymise("telegram", str(user))
    stack.post(tg.text_update(user, "I'd like to talk to an advisor"))
    _tap(stack, fake, user, "Phone call")
    _tap(stack, fake, user, "1")
    _tap(stack, fake, user, "/affirm")
    stack.post(tg.text_update(user, "Marigold"))
    stack.post(tg.text_update(user, "07123 456780"))
    _tap(stack, fake, user, "No")
    assert _tap(stack, fake, user, "/affirm").startswith("You're booked")
    reference = stack.slots(who)["booking_reference"]

    stack.post(tg.text_update(user, "/delete"))
    assert "Shall I delete it all now?" in last_text(fake, user)
    done = _tap(stack, fake, user, "Yes, delete it")
    assert done.startswith("Done. I've deleted our conversation")
    assert "is cancelled" in done

    assert stack.user_texts(user) == []  # the conversation is gone from the tracker store
    engine = get_engine(stack.db_url)
    with engine.connect() as connection:
        booking = connection.exec_driver_sql(
            "SELECT status, name, phone, conversation_id FROM booking WHERE reference = ?",
            (reference,),
        ).one()
        chats = connection.exec_driver_sql(
            "SELECT count(*) FROM telegram_chats WHERE pseudonym = ?", (who,)
        ).scalar()
    assert tuple(booking) == ("cancelled", None, None, None)
    assert chats == 0
    # And the person can start again as if new.
    stack.post(tg.text_update(user, "hiya"))
    assert stack.user_texts(user) == ["hiya"]


def test_delete_can_be_declined(stack: TelegramStack, fake: FakeTelegram, user: int) -> None:
    stack.post(tg.text_update(user, "can't pay my rent"))
    stack.post(tg.text_update(user, "/delete"))
    assert _tap(stack, fake, user, "No, keep it").startswith("OK, I haven't deleted anything")
    assert stack.user_texts(user) == ["can't pay my rent", "/delete_my_data", "/deny"]


# --- issue 7: the crisis reply comes first, in every state ------------------------------------


def _say_all(stack: TelegramStack, fake: FakeTelegram, user: int, text: str) -> list[str]:
    """The messages sent to the person for this one, in order."""
    before = len(fake.sent_to(user))
    assert stack.post(tg.text_update(user, text)) == (200, "ok")
    return [call.params["text"] for call in fake.sent_to(user)[before:]]


@pytest.mark.parametrize("state", list(CRISIS_SCENARIOS))
def test_crisis_reply_comes_first_in_every_state(
    stack: TelegramStack, fake: FakeTelegram, state: str
) -> None:
    scenario = CRISIS_SCENARIOS[state]
    user = random.randint(10**8, 10**9)  # a new person
    for step in scenario.steps:
        replies = _say_all(stack, fake, user, step.says)
        assert replies, f"no reply to {step.says!r}"
        if step.expect:
            assert step.expect in "\n".join(replies), replies
    replies = _say_all(stack, fake, user, scenario.crisis)
    assert replies, "no reply to a crisis message"
    assert_crisis_reply(replies[0], scenario.ids, silent_code=scenario.silent_code)
