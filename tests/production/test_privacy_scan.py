"""After a scripted conversation on each channel (REST, web chat, Telegram, SMS) in which the
person gives a full postcode, books an advisor with their name and phone number, the tracker
store and the servers' logs hold no phone number, platform id, full postcode or name.

One stack with every channel registered (fake Telegram and Twilio APIs on 127.0.0.1), the
redacting tracker store, the safety net and logging.yml.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import pytest
import websockets
from sqlalchemy import select
from telegram import Chat, Message, MessageEntity, Update, User

from bot.booking.models import Booking
from bot.db import get_engine, session_scope
from bot.privacy.pseudonyms import pseudonymise
from bot.privacy.scan import phone_variants, scan_database
from bot.privacy.tracker_events import tracker_engine
from tests.channels import telegram_updates as tg
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC_URL,
    SERVICE_NUMBER,
    FakeTwilio,
    incoming,
    sign,
)
from tests.support.stack import BASE_CREDENTIALS, Stack

pytestmark = pytest.mark.e2e

PSEUDONYM_KEY = "privacy-scan-pseudonym-key-0123456789abcdef"
TELEGRAM_TOKEN = "4242424242:AAE-fake_token_for_privacy_scan_01234"
TELEGRAM_SECRET = "privacy-scan-webhook-secret-0123456789"
WEB_SECRET = "privacy-scan-web-session-secret-0123456789"
CREDENTIALS = (
    BASE_CREDENTIALS + "bot.channels.web.WebChatInput:\n"
    "bot.channels.telegram.TelegramInput:\nbot.channels.sms.TwilioSmsInput:\n"
    "  number_handoff: bot.booking.drafts.save_sender_number\n"
)
POSTCODE = "L9 1AD"
TELEGRAM_USER = 586_421_937
TELEGRAM_PROFILE = ("Ottolinea", "Brackenbury", "ottolinea_b")  # first, last, username
SMS_NUMBER = "+447400123457"
PEOPLE = {  # channel: (name, phone they give)
    "rest": ("Zephyrine", "0151 496 0121"),
    "web": ("Quillonna", "0151 496 0122"),
    "telegram": ("Marigoldia", "0151 496 0124"),
    "sms": ("Thaddeonne", SMS_NUMBER),  # "use the number I'm texting from"
}

Say = Callable[[str], str]


class ScanStack(Stack):
    def __init__(self, workdir: Path, telegram: FakeTelegram, twilio: FakeTwilio) -> None:
        credentials = workdir / "credentials.yml"
        credentials.write_text(CREDENTIALS)
        super().__init__(
            workdir,
            credentials=credentials,
            env={
                "SIGNPOST_PSEUDONYM_KEY": PSEUDONYM_KEY,
                "SIGNPOST_WEB_SECRET": WEB_SECRET,
                # A script types faster than a person: no rate limit in the way.
                "SIGNPOST_WEB_RATE_PER_MINUTE": "600",
                "SIGNPOST_WEB_RATE_BURST": "100",
                "SIGNPOST_TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
                "SIGNPOST_TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
                "SIGNPOST_TELEGRAM_API_URL": telegram.api_url,
                "SIGNPOST_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "SIGNPOST_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "SIGNPOST_SMS_NUMBER": SERVICE_NUMBER,
                "SIGNPOST_SMS_WEBHOOK_URL": PUBLIC_URL,
                "SIGNPOST_TWILIO_API_URL": twilio.url,
            },
        )
        self.tracker_db = workdir / "tracker.db"  # the redacting store, as endpoints.yml has
        self.telegram, self.twilio = telegram, twilio

    # --- one client per channel -------------------------------------------------------------

    def rest(self, sender: str) -> Say:
        return lambda text: self.say(sender, text)

    def telegram_chat(self, user: int) -> Say:
        def say(text: str) -> str:
            before = len(self.telegram.sent_to(user))
            body = json.dumps(_telegram_update(user, text).to_dict()).encode()
            request = urllib.request.Request(
                f"{self.url}/webhooks/telegram/webhook",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                },
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.status == 200
            sent = self.telegram.sent_to(user)[before:]
            return "\n".join(c.params.get("text", "") for c in sent)

        return say

    def sms(self, number: str) -> Say:
        def say(text: str) -> str:
            before = len(self.twilio.to(number))
            params = incoming(number, text)
            request = urllib.request.Request(
                f"{self.url}/webhooks/sms/webhook",
                data=urlencode(params).encode(),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": sign(params),
                },
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
            self.twilio.wait_for(number, before + 1, timeout=60)
            self.twilio.settle(quiet=1.0)
            return "\n".join(self.twilio.to(number)[before:])

        return say

    async def web_chat(self, script: list[str]) -> list[str]:
        """The widget's protocol over a real WebSocket: hello, then each message in turn."""
        uri = f"ws://127.0.0.1:{self.rasa_port}/webhooks/web/socket"
        origin = f"http://127.0.0.1:{self.rasa_port}"
        replies = []
        async with websockets.connect(uri, extra_headers={"Origin": origin}) as ws:
            await ws.send(json.dumps({"type": "hello", "token": None, "have": 0}))
            assert json.loads(await ws.recv())["type"] == "session"
            for text in script:
                await ws.send(
                    json.dumps({"type": "message", "cid": uuid.uuid4().hex, "text": text})
                )
                texts: list[str] = []
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
                    if frame["type"] == "bot":
                        texts.append(frame["text"])
                    elif frame["type"] == "typing" and not frame["on"] and texts:
                        break
                    elif frame["type"] == "error":
                        raise AssertionError(frame)
                replies.append("\n".join(texts))
        return replies


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScanStack]:
    telegram = FakeTelegram(TELEGRAM_TOKEN).start()
    twilio = FakeTwilio().start()
    running = ScanStack(tmp_path_factory.mktemp("privacy-scan"), telegram, twilio)
    running.start()
    try:
        yield running
    finally:
        running.stop()
        telegram.stop()
        twilio.stop()


def _telegram_update(user: int, text: str) -> Update:
    """A private text message from a person whose Telegram profile has a name and username."""
    person = User(user, TELEGRAM_PROFILE[0], False, last_name=TELEGRAM_PROFILE[1],
                  username=TELEGRAM_PROFILE[2], language_code="en")  # fmt: skip
    entities = None
    if text.startswith("/"):
        entities = [MessageEntity(MessageEntity.BOT_COMMAND, 0, len(text.split()[0]))]
    message = Message(
        tg.next_id(),
        datetime.now(timezone.utc),
        Chat(user, Chat.PRIVATE),
        from_user=person,
        text=text,
        entities=entities,
    )
    return Update(tg.next_id(), message=message)


def _typed_script(name: str, phone: str) -> list[tuple[str, str]]:
    """(message, what the reply must say) for REST, web and Telegram."""
    return [
        ("im skint and behind on my council tax", "Whereabouts"),
        (POSTCODE, "near L9"),
        ("yes", "How would you like to talk"),
        ("Phone call", "Here are the next free times"),
        ("2", "first name and a phone number"),
        ("yes", "call you"),
        (name, "number"),
        (phone, "anything you'd like the advisor to know"),
        (f"no thanks, just ask for {name}", "Shall I book it?"),
        ("yes", "You're booked"),
    ]


def _sms_script(name: str) -> list[tuple[str, str]]:
    return [
        ("im skint and behind on my council tax", "Whereabouts"),
        (POSTCODE, "near L9"),
        ("book an appointment", "How would you like to talk"),
        ("1", "Here are the next free times"),  # a phone call
        ("2", "first name and a phone number"),
        ("1", "What should the advisor call you?"),  # yes, that's OK
        (name, "number you're texting from"),
        ("1", "anything you'd like the advisor to know"),  # yes, this number
        ("1", "Shall I book it?"),  # no note
        ("1", "You're booked"),
    ]


def _run(say: Say, script: list[tuple[str, str]], channel: str) -> None:
    for message, expected in script:
        reply = say(message)
        assert expected in reply, f"{channel}: after {message!r} got {reply!r}"


def test_no_personal_data_in_the_tracker_store_or_logs_on_any_channel(stack: ScanStack) -> None:
    rest_sender = f"rest-{uuid.uuid4().hex[:12]}"
    _run(stack.rest(rest_sender), _typed_script(*PEOPLE["rest"]), "rest")

    web_script = _typed_script(*PEOPLE["web"])
    web_replies = asyncio.run(stack.web_chat([m for m, _ in web_script]))
    for (message, expected), reply in zip(web_script, web_replies, strict=True):
        assert expected in reply, f"web: after {message!r} got {reply!r}"

    telegram_say = stack.telegram_chat(TELEGRAM_USER)
    _run(telegram_say, _typed_script(*PEOPLE["telegram"]), "telegram")
    _run(stack.sms(SMS_NUMBER), _sms_script(PEOPLE["sms"][0]), "sms")

    # Every booking was made, so every name and number really went through the conversation.
    with session_scope(get_engine(stack.db_url)) as session:
        booked = {b.name for b in session.execute(select(Booking)).scalars()}
    assert booked == {name for name, _ in PEOPLE.values()}

    time.sleep(1.0)  # the last log lines flushed
    needles = [POSTCODE, POSTCODE.replace(" ", ""), str(TELEGRAM_USER), *TELEGRAM_PROFILE]
    for name, phone in PEOPLE.values():
        needles.append(name)
        needles += phone_variants(phone)
    store = tracker_engine(f"sqlite:///{stack.tracker_db}")
    try:
        assert scan_database(store, needles) == []
    finally:
        store.dispose()

    logs = "".join(p.read_text(errors="replace") for p in (stack.workdir / "logs").glob("*.log"))
    found = [n for n in needles if n.lower() in logs.lower()]
    assert found == [], found
    with sqlite3.connect(stack.tracker_db) as connection:
        rows = connection.execute("SELECT sender_id, data FROM events").fetchall()
    tracker_text = "\n".join(f"{sender} {data}" for sender, data in rows)
    # The conversations are there, under pseudonyms.
    assert pseudonymise("telegram", str(TELEGRAM_USER), PSEUDONYM_KEY.encode()) in tracker_text
    assert pseudonymise("sms", SMS_NUMBER, PSEUDONYM_KEY.encode()) in tracker_text
