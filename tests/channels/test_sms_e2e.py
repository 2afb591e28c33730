"""End to end over SMS: the trained model, the real Rasa server (with the SMS channel from a
credentials file) and the real action server, a fake Twilio API on 127.0.0.1, and webhook
requests signed as Twilio signs them. A person with a basic phone finds help using only
numbered replies; forged requests reach nothing; STOP holds across a restart.
"""

from __future__ import annotations

import json
import random
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
from bot.channels.sms.formatting import GSM7, is_gsm7, measure, segments
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
from tests.support.crisis import CRISIS_SCENARIOS, assert_crisis_reply
from tests.support.stack import BASE_CREDENTIALS, Stack

pytestmark = pytest.mark.e2e

PSEUDONYM_KEY = "sms-e2e-pseudonym-key-0123456789abcdef"
CREDENTIALS = (
    BASE_CREDENTIALS + "bot.channels.sms.TwilioSmsInput:\n"
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

    def turn(self, number: str, body: str) -> str:
        """Send a text; the assistant's answer, which must be one text of at most 3 segments."""
        before = len(self.twilio.to(number))
        reply = self.text(number, body)
        sent = self.twilio.to(number)[before:]
        assert len(sent) == 1, sent
        length = measure(sent[0])
        assert length.encoding == GSM7 and length.segments <= 3, (length, sent[0])
        return reply

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
    """Every turn is one text of at most 3 segments: results and details too, with each
    service's phone number and the reply options."""
    number = "+447700900101"
    reply = stack.turn(number, "hiya")
    assert "not an emergency service" in reply
    assert "Reply 1 to 4:\n1 Money and debt\n2 Housing" in reply

    reply = stack.turn(number, "2")  # Housing
    assert "Whereabouts are you?" in reply

    reply = stack.turn(number, "L9 1AD")
    results = re.findall(r"^([123])\.? (.+?)(?: \(|$).*?(0151 496 0\d\d\d)", reply, re.M)
    assert [n for n, _, _ in results] == ["1", "2", "3"], reply
    assert "miles" in reply or "mile)" in reply
    assert re.search(r"Reply 1, 2 or 3 (to find out more about one|for details), MORE", reply)

    reply = stack.turn(number, "2")  # result number 2 this time
    assert reply.startswith(f"2. {results[1][1]}")
    assert f"Call {results[1][2]}" in reply or f"Phone: {results[1][2]}" in reply
    assert re.search(r"\bL\d+ \d[A-Z]{2}\b", reply)  # the address, to the postcode

    reply = stack.turn(number, "MORE")
    assert reply.startswith("Here are some more:\n")
    assert re.search(r"^4\.? .*0151 496 0\d\d\d", reply, flags=re.MULTILINE | re.DOTALL)
    assert re.search(r"Reply 4, 5 or 6 (to find out more about one|for details)", reply)

    reply = stack.turn(number, "5")
    assert reply.startswith("5. ")

    reply = stack.turn(number, "Crosby")  # a place on its own: look there instead
    assert "near L23" in reply and re.search(r"^1\.? .*0151 ", reply, flags=re.MULTILINE)

    _each_text_fits(stack, number)
    tracker = stack.tracker(number)
    assert tracker["sender_id"] == pseudonymise("sms", number, PSEUDONYM_KEY.encode())
    assert tracker["slots"]["need"] == "housing"
    said = stack.user_texts(number)[:6]
    assert said[2] in ("L9 1AD", "L9 [postcode]")  # the tracker store may mask postcodes
    assert said[:2] + said[3:] == [
        "hiya",
        "/need_housing",
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
        reply = stack.turn(number, body)  # every step one text, read-back included
        steps.append((body, reply))
        return reply

    # Out of the hub's hours the offer comes after the 24/7 lines (Samaritans, Shout, 111),
    # which are never shortened: then, and only then, two texts.
    reply = stack.text(number, "book an appointment")
    assert "How would you like to talk" in reply
    assert reply.count("\n---\n") == (1 if "116 123" in reply else 0)
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


def test_delete_by_text_erases_everything_and_a_later_text_starts_afresh(
    stack: SmsStack,
) -> None:
    number = "+447700900106"
    who = pseudonymise("sms", number, PSEUDONYM_KEY.encode())
    stack.turn(number, "I need help finding a food bank")
    assert "Reply 1, 2 or 3" in stack.turn(number, "L9")  # results: their options are stored
    assert _sms_rows(stack, who) == 1

    reply = stack.turn(number, "DELETE")
    assert "Reply 1 or 2:" in reply and "delete" in reply.lower()
    assert stack.user_texts(number)[-1] == "/delete_my_data"
    reply = stack.turn(number, "1")  # yes, delete it
    assert "deleted" in reply
    assert _sms_rows(stack, who) == 0  # nothing about the number is left...
    assert stack.user_texts(number) == []  # ...nor the conversation

    reply = stack.turn(number, "hiya")  # a later text works as for anyone new
    assert "What's on your mind?" in reply
    assert stack.user_texts(number) == ["hiya"]
    assert _sms_rows(stack, who) == 1


def _sms_rows(stack: SmsStack, who: str) -> int:
    from sqlalchemy import text as sql_text

    from bot.db import get_engine

    with get_engine(stack.db_url).connect() as connection:
        query = sql_text("SELECT count(*) FROM sms_numbers WHERE pseudonym = :who")
        return int(connection.execute(query, {"who": who}).scalar_one())


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


# --- issue 7: the crisis reply comes first, in every state ------------------------------------


def _texts_for(stack: SmsStack, number: str, text: str) -> list[str]:
    """The texts sent back for this one, in order."""
    before = len(stack.twilio.to(number))
    stack.text(number, text)
    return stack.twilio.to(number)[before:]


@pytest.mark.parametrize("state", list(CRISIS_SCENARIOS))
def test_crisis_reply_comes_first_in_every_state(stack: SmsStack, state: str) -> None:
    scenario = CRISIS_SCENARIOS[state]
    number = f"+4477009{random.randint(0, 99999):05d}"
    for step in scenario.steps:
        replies = _texts_for(stack, number, step.says)
        assert replies, f"no reply to {step.says!r}"
        if step.expect:
            assert step.expect in "\n".join(replies), replies
    replies = _texts_for(stack, number, scenario.crisis)
    # The first text holds every number needed, written so a basic phone can show it.
    assert_crisis_reply(replies[0], scenario.ids, silent_code=scenario.silent_code)
    assert all(is_gsm7(text) for text in replies), replies
