"""End to end over SMS: the trained model, the real Rasa server (with the SMS channel from a
credentials file) and the real action server, a fake Twilio API on 127.0.0.1, and webhook
requests signed as Twilio signs them. A person with a basic phone finds help using only
numbered replies; forged requests reach nothing; STOP holds across a restart.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.channels.sms import keywords
from bot.channels.sms.formatting import is_gsm7, segments
from bot.privacy.pseudonyms import pseudonymise
from tests.channels.fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC_URL,
    SERVICE_NUMBER,
    FakeTwilio,
    incoming,
    sign,
)
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

PSEUDONYM_KEY = "sms-e2e-pseudonym-key-0123456789abcdef"
CREDENTIALS = (
    "rest:\nbot.channels.sms.TwilioSmsInput:\n"
    "  number_handoff: bot.booking.drafts.save_sender_number\n"
)


class SmsStack(Stack):
    """A Stack whose Rasa server gets the SMS settings and a credentials file naming it."""

    def __init__(self, workdir: Path, twilio: FakeTwilio) -> None:
        credentials = workdir / "credentials.yml"
        credentials.write_text(CREDENTIALS)
        super().__init__(
            workdir,
            credentials=credentials,
            env={
                "SIGNPOST_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "SIGNPOST_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "SIGNPOST_SMS_NUMBER": SERVICE_NUMBER,
                "SIGNPOST_SMS_WEBHOOK_URL": PUBLIC_URL,
                "SIGNPOST_TWILIO_API_URL": twilio.url,
                "SIGNPOST_PSEUDONYM_KEY": PSEUDONYM_KEY,
            },
        )
        self.twilio = twilio

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/sms/webhook"

    def post(self, params: dict[str, str], signature: str | None) -> int:
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        request = urllib.request.Request(
            self.webhook, data=urlencode(params).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def text(self, number: str, body: str, expect_reply: bool = True) -> str:
        """Send a signed text as Twilio would; all the texts sent back for it, joined."""
        before = len(self.twilio.to(number))
        params = incoming(number, body)
        started = time.monotonic()
        assert self.post(params, sign(params)) == 200
        assert time.monotonic() - started < 2.0, "Twilio must get its answer at once"
        if expect_reply:
            self.twilio.wait_for(number, before + 1, timeout=60)
        self.twilio.settle(quiet=1.0)
        return "\n---\n".join(self.twilio.to(number)[before:])

    def tracker(self, number: str) -> dict[str, Any]:
        sender = pseudonymise("sms", number, PSEUDONYM_KEY.encode())
        with urllib.request.urlopen(
            f"{self.url}/conversations/{sender}/tracker?token={self.token}", timeout=10
        ) as response:
            return json.loads(response.read())

    def user_texts(self, number: str) -> list[str]:
        events = self.tracker(number).get("events") or []
        return [e.get("text") or "" for e in events if e.get("event") == "user"]


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, twilio: FakeTwilio) -> Iterator[SmsStack]:
    running = SmsStack(tmp_path_factory.mktemp("sms-e2e"), twilio)
    running.start()
    yield running
    running.stop()


def _each_text_fits(stack: SmsStack, number: str) -> None:
    for body in stack.twilio.to(number):
        assert is_gsm7(body), body
        assert segments(body) <= 3, body


def test_signposting_by_numbered_replies(stack: SmsStack) -> None:
    number = "+447700900101"
    reply = stack.text(number, "hiya")
    assert "not an emergency service" in reply
    assert "Reply 1 to 4:\n1 Money and debt\n2 Housing" in reply

    reply = stack.text(number, "2")  # Housing
    assert "Whereabouts are you?" in reply

    reply = stack.text(number, "L9 1AD")
    assert re.search(r"^1\. .*\n.*miles? away", reply, flags=re.MULTILINE)
    assert "\n2. " in reply and "\n3. " in reply
    assert "0151 496 01" in reply
    assert "Reply 1, 2 or 3 to find out more about one, MORE to see more" in reply

    reply = stack.text(number, "2")  # result number 2 this time
    assert reply.startswith("2. ") and "Phone: 0151 496 01" in reply

    reply = stack.text(number, "MORE")
    assert reply.startswith("Here are some more:\n4. ") or "\n4. " in reply
    assert "Reply 4, 5 or 6 to find out more about one" in reply

    reply = stack.text(number, "5")
    assert reply.startswith("5. ")

    reply = stack.text(number, "Crosby")  # a place on its own: look there instead
    assert "near L23" in reply and re.search(r"^1\. ", reply, flags=re.MULTILINE)

    _each_text_fits(stack, number)
    tracker = stack.tracker(number)
    assert tracker["sender_id"] == pseudonymise("sms", number, PSEUDONYM_KEY.encode())
    assert tracker["slots"]["need"] == "housing"
    assert stack.user_texts(number)[:6] == [
        "hiya",
        "/need_housing",
        "L9 1AD",
        '/ask_details{"result_number":"2"}',
        "/show_more",
        '/ask_details{"result_number":"5"}',
    ]
    dumped = json.dumps(tracker)
    assert "7700900101" not in dumped and "447700" not in dumped


def test_booking_by_numbered_replies_with_the_number_texted_from(stack: SmsStack) -> None:
    number = "+447400123456"  # valid for phonenumbers; only ever sent to the fake Twilio
    steps = []

    def text(body: str) -> str:
        reply = stack.text(number, body)
        steps.append((body, reply))
        return reply

    assert "How would you like to talk" in text("book an appointment")
    reply = text("1")  # phone call
    assert "Here are the next free times" in reply
    chosen = re.search(r"^2\. (.+)$", reply, flags=re.MULTILINE).group(1)
    assert "first name and a phone number" in text("2")  # the second time offered
    assert "What should the advisor call you?" in text("1")  # yes, that's OK
    assert "number you're texting from" in text("Jo")
    assert "anything you'd like the advisor to know" in text("1")  # yes, use this number
    summary = text("1")  # no note
    assert chosen in summary and "ending 456" in summary
    confirmation = text("1")  # yes, book it
    assert "You're booked" in confirmation, steps
    _each_text_fits(stack, number)

    # The number reached the booking (and only the booking), not the conversation.
    from sqlalchemy import select

    from bot.booking.models import Booking
    from bot.db import get_engine, session_scope

    with session_scope(get_engine(stack.db_url)) as session:
        phones = [b.phone for b in session.execute(select(Booking)).scalars()]
    assert "+447400123456" in phones
    dumped = json.dumps(stack.tracker(number))
    assert "7400123456" not in dumped and "07400" not in dumped


def test_categories_by_number_and_a_crisis_in_the_middle(stack: SmsStack) -> None:
    number = "+447700900102"
    reply = stack.text(number, "blah blah")
    assert "Reply 1 to 12:" in reply and "\n3 Food" in reply
    assert "Whereabouts are you?" in stack.text(number, "3")
    reply = stack.text(number, "i dont want to be here anymore")
    for crisis_number in ("999", "116 123", "85258"):
        assert crisis_number in reply
    _each_text_fits(stack, number)


def test_forged_requests_reach_nothing(stack: SmsStack) -> None:
    number = "+447700900103"
    params = incoming(number, "hello")
    assert stack.post(params, None) == 403
    assert stack.post(params, sign(params, token="not-the-auth-token")) == 403
    assert stack.post(params, sign(params, url="https://other.example/sms")) == 403
    assert stack.post(params, sign(params, url=stack.webhook)) == 403  # the server's own URL
    stack.twilio.settle(quiet=1.0)
    assert stack.twilio.to(number) == []
    assert stack.user_texts(number) == []


def test_awkward_texts_get_kind_replies(stack: SmsStack) -> None:
    number = "+447700900104"
    assert stack.text(number, "") == keywords.EMPTY
    assert "words" in stack.text(number, "😊😊😊")
    assert stack.text(number, ("I have been having a hard time. " * 60)[:1600])
    assert stack.text(number, "Мне нужна помощь с жильём")
    picture = incoming(number, "", NumMedia="1", MediaUrl0="https://api.twilio.com/x/Media/ME1")
    before = len(stack.twilio.to(number))
    assert stack.post(picture, sign(picture)) == 200
    assert stack.twilio.wait_for(number, before + 1)[-1] == keywords.MEDIA_ONLY
    _each_text_fits(stack, number)


def test_stop_holds_across_a_restart_until_start(stack: SmsStack) -> None:
    number = "+447700900105"
    stack.text(number, "hello")
    assert stack.text(number, "STOP") == keywords.STOPPED
    stack.stop()
    stack.start()

    assert stack.text(number, "hello again", expect_reply=False) == ""
    assert "hello again" not in stack.user_texts(number)
    assert "START" in stack.text(number, "HELP")
    assert stack.text(number, "START") == keywords.RESTARTED
    assert "What's on your mind?" in stack.text(number, "hiya")
    assert stack.user_texts(number)[-1] == "hiya"


def test_the_server_logs_hold_no_phone_numbers(stack: SmsStack) -> None:
    logs = "".join(path.read_text() for path in (stack.workdir / "logs").glob("*.log"))
    assert "SMS webhook: refused" in logs  # the forged requests above were logged...
    assert "7700900" not in logs  # ...but no number (all test numbers are +447700900xxx)
