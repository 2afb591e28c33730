"""The SMS webhook, over real HTTP: the channel's blueprint on a real Sanic server on
127.0.0.1, requests signed by the twilio SDK's own RequestValidator, replies delivered to a fake
Twilio API through the real SDK client. Behind the channel is a small stand-in assistant (the
end-to-end tests in test_sms_e2e.py use the real Rasa and action servers).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from sqlalchemy import text as sql_text

from bot.channels.sms import keywords
from bot.channels.sms.channel import TwilioSmsInput
from bot.channels.sms.conversation import USE_SENDER_NUMBER
from bot.channels.sms.formatting import is_gsm7, segments
from bot.channels.sms.settings import SmsSettings
from bot.db import get_engine
from bot.privacy.erasure import erase_person
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
from tests.support.stack import free_port

PHONE = "+447700900123"
OTHER_PHONE = "+447700900456"


def settings(api_url: str, **changes: Any) -> SmsSettings:
    values = {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "sms_number": SERVICE_NUMBER,
        "webhook_url": PUBLIC_URL,
        "api_base_url": api_url,
        **changes,
    }
    return SmsSettings(**values)


@dataclass
class StandIn:
    """A stand-in for the assistant behind the channel: records messages, answers each."""

    received: list[UserMessage] = field(default_factory=list)
    answer: Callable[[UserMessage], Awaitable[list[dict]]] | None = None

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        replies = (
            await self.answer(message) if self.answer else [{"text": f"You said: {message.text}"}]
        )
        for reply in replies:
            await message.output_channel.send_response(message.sender_id, dict(reply))

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.received]


@dataclass
class Webhook:
    """The channel's webhook on a real local server, and a client to post to it."""

    base: str
    session: aiohttp.ClientSession
    channel: TwilioSmsInput

    @property
    def url(self) -> str:
        return f"{self.base}/webhooks/sms/webhook"

    async def post(
        self,
        params: dict[str, str],
        signature: str | None = "sign",
        query: str = "",
    ) -> tuple[int, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
        if signature == "sign":
            signature = sign(params, PUBLIC_URL + (f"?{query}" if query else ""))
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        url = self.url + (f"?{query}" if query else "")
        async with self.session.post(url, data=urlencode(params), headers=headers) as response:
            return response.status, await response.text()

    async def text(self, number: str, body: str, **extra: str) -> tuple[int, str]:
        return await self.post(incoming(number, body, **extra))

    async def idle(self, timeout: float = 15.0) -> None:
        """Wait until every text received so far has been handled."""
        conversations = self.channel._conversations
        if conversations is not None:
            await asyncio.wait_for(conversations.drain(timeout), timeout + 1)


@asynccontextmanager
async def serve(channel: TwilioSmsInput, assistant: StandIn) -> AsyncIterator[Webhook]:
    """The channel's blueprint on a real Sanic server, as Rasa mounts it."""
    # Sanic 21.12 rewrites its own methods when an app starts; in test mode it keeps the
    # originals, so a second app in the same process can start too.
    Sanic.test_mode = True
    app = Sanic(f"sms_test_{uuid.uuid4().hex[:8]}", configure_logging=False)
    app.blueprint(channel.blueprint(assistant), url_prefix="/webhooks/sms")
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None  # already listening; startup() readies the routes
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        async with aiohttp.ClientSession() as session:
            yield Webhook(f"http://127.0.0.1:{port}", session, channel)
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def assistant() -> StandIn:
    return StandIn()


@pytest.fixture
def make_channel(twilio: FakeTwilio, tmp_path: Path) -> Callable[..., TwilioSmsInput]:
    def make(**changes: Any) -> TwilioSmsInput:
        handoff = changes.pop("number_handoff", None)
        return TwilioSmsInput(
            settings(twilio.url, **changes),
            number_handoff=handoff,
            database_url=f"sqlite:///{tmp_path / 'sms.db'}",
        )

    return make


@pytest.fixture
async def webhook(
    make_channel: Callable[..., TwilioSmsInput], assistant: StandIn
) -> AsyncIterator[Webhook]:
    async with serve(make_channel(), assistant) as running:
        yield running


def waiting(twilio: FakeTwilio, number: str, count: int = 1) -> Awaitable[list[str]]:
    return asyncio.to_thread(twilio.wait_for, number, count, 15.0)


# --- authenticity ---------------------------------------------------------------------------


async def test_a_signed_message_reaches_the_assistant_and_the_reply_reaches_twilio(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    status, body = await webhook.text(PHONE, "I can\u2019t pay my rent")
    assert status == 200
    assert body.strip().endswith("<Response></Response>")  # empty TwiML: replies go by REST

    replies = await waiting(twilio, PHONE)
    assert replies == ["You said: I can't pay my rent"]  # GSM-7 apostrophe on the way out
    assert twilio.sent[0].sender == SERVICE_NUMBER

    (message,) = assistant.received
    assert message.text == "I can\u2019t pay my rent"
    assert message.sender_id == pseudonymise("sms", PHONE)
    assert message.input_channel == "sms"
    assert message.metadata == {"sms_number_available": True, "service_data": True}
    assert "7700900123" not in repr(vars(message))


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="unsigned"),
        pytest.param("", id="empty"),
        pytest.param(sign(incoming(PHONE, "hello"), token="not-the-token"), id="wrong-token"),
        pytest.param("bm90IGEgc2lnbmF0dXJl", id="garbage"),
    ],
)
async def test_a_request_without_a_valid_signature_gets_403_and_reaches_nothing(
    webhook: Webhook,
    assistant: StandIn,
    twilio: FakeTwilio,
    signature: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    params = incoming(PHONE, "my secret message")
    caplog.set_level(logging.DEBUG)
    status, _ = await webhook.post(params, signature=signature)
    assert status == 403
    await webhook.idle()
    await asyncio.sleep(0.2)
    assert assistant.received == []
    assert twilio.requests == 0
    assert "refused" in caplog.text
    assert "my secret message" not in caplog.text and "7700900123" not in caplog.text


async def test_a_request_signed_for_another_url_is_refused(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    params = incoming(PHONE, "hello")
    elsewhere = sign(params, url="https://other.example/webhooks/sms/webhook")
    assert (await webhook.post(params, signature=elsewhere))[0] == 403
    # Signed for the address the server itself sees (no proxy in the way) is wrong too:
    # Twilio signs the public address it was given, and only that is accepted.
    local = sign(params, url=webhook.url)
    assert (await webhook.post(params, signature=local))[0] == 403
    await asyncio.sleep(0.2)
    assert assistant.received == [] and twilio.requests == 0


async def test_a_signed_request_with_a_changed_body_is_refused(
    webhook: Webhook, assistant: StandIn
) -> None:
    params = incoming(PHONE, "hello")
    signature = sign(params)
    forged = {**params, "From": OTHER_PHONE}
    assert (await webhook.post(forged, signature=signature))[0] == 403
    extra_field = {**params, "Body": "hello", "Extra": ""}
    assert (await webhook.post(extra_field, signature=signature))[0] == 403
    assert assistant.received == []


async def test_a_signed_request_for_another_account_is_refused(
    webhook: Webhook, assistant: StandIn
) -> None:
    params = incoming(PHONE, "hello", AccountSid="AC" + "f" * 32)
    assert (await webhook.post(params))[0] == 403
    assert assistant.received == []


async def test_the_query_string_twilio_was_given_is_part_of_the_check(
    make_channel: Callable[..., TwilioSmsInput], assistant: StandIn, twilio: FakeTwilio
) -> None:
    async with serve(make_channel(webhook_url=PUBLIC_URL + "?site=liverpool"), assistant) as hook:
        params = incoming(PHONE, "hello")
        assert (await hook.post(params, query="site=liverpool"))[0] == 200
        changed = sign(params, PUBLIC_URL + "?site=liverpool")
        assert (await hook.post(params, signature=changed, query="site=sefton"))[0] == 403
        await hook.idle()
    assert len(assistant.received) == 1


async def test_without_settings_the_webhook_says_not_configured(assistant: StandIn) -> None:
    async with serve(TwilioSmsInput(SmsSettings()), assistant) as hook:
        status, body = await hook.text(PHONE, "hello")
        health = await hook.session.get(f"{hook.base}/webhooks/sms/")
        assert health.status == 200
    assert status == 503 and "not configured" in body
    assert assistant.received == []


async def test_a_repeated_delivery_is_handled_once(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    params = incoming(PHONE, "hello")
    assert (await webhook.post(params))[0] == 200
    assert (await webhook.post(params))[0] == 200
    await webhook.idle()
    await asyncio.sleep(0.3)
    assert len(assistant.received) == 1
    assert len(twilio.to(PHONE)) == 1


async def test_a_delivery_status_callback_is_not_a_message(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    callback = {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": "SM" + uuid.uuid4().hex,
        "MessageStatus": "delivered",
        "SmsStatus": "delivered",
        "From": SERVICE_NUMBER,
        "To": PHONE,
        "ApiVersion": "2010-04-01",
    }
    assert (await webhook.post(callback))[0] == 200
    await webhook.idle()
    assert assistant.received == [] and twilio.requests == 0


# --- answering ------------------------------------------------------------------------------


async def test_twilio_gets_its_answer_at_once_while_a_slow_turn_runs(
    make_channel: Callable[..., TwilioSmsInput], twilio: FakeTwilio
) -> None:
    async def slow(message: UserMessage) -> list[dict]:
        await asyncio.sleep(2.0)
        return [{"text": "Sorry for the wait."}]

    async with serve(make_channel(), StandIn(answer=slow)) as hook:
        started = time.monotonic()
        status, _ = await hook.text(PHONE, "hello")
        acknowledged = time.monotonic() - started
        assert status == 200 and acknowledged < 1.0
        assert await waiting(twilio, PHONE) == ["Sorry for the wait."]


async def test_texts_from_one_number_are_answered_in_order(
    make_channel: Callable[..., TwilioSmsInput], twilio: FakeTwilio
) -> None:
    delays = {"first": 0.6, "second": 0.0, "third": 0.2}

    async def uneven(message: UserMessage) -> list[dict]:
        await asyncio.sleep(delays[message.text or ""])
        return [{"text": f"Re: {message.text}"}]

    async with serve(make_channel(), StandIn(answer=uneven)) as hook:
        for word in delays:
            await hook.text(PHONE, word)
        assert await waiting(twilio, PHONE, 3) == ["Re: first", "Re: second", "Re: third"]


RESULTS_TEXT = (
    "Here are some places near L9 that help with housing:\n\n"
    "1. Talk things through with an advisor (Liverpool & Sefton Wellbeing Hubs)\n"
    "   0.3 miles away, at Walton Wellbeing Hub. Open now until 5pm.\n   Call 0151 496 0100"
)
RESULT_BUTTONS = [
    {"title": "More about 1", "payload": '/ask_details{"result_number":"1"}'},
    {"title": "More about 2", "payload": '/ask_details{"result_number":"2"}'},
    {"title": "Show more", "payload": "/show_more"},
    {"title": "Look somewhere else", "payload": "/change_location"},
]
CATEGORY_BUTTONS = [
    {"title": "Money and debt", "payload": "/need_money"},
    {"title": "Housing", "payload": "/need_housing"},
    {"title": "Food", "payload": "/need_food"},
]


async def test_buttons_become_numbered_options_and_a_number_selects_one(
    make_channel: Callable[..., TwilioSmsInput], twilio: FakeTwilio
) -> None:
    async def answer(message: UserMessage) -> list[dict]:
        if message.text == "hi":
            return [{"text": "What's on your mind?", "buttons": CATEGORY_BUTTONS}]
        if message.text == "/need_housing":
            return [{"text": RESULTS_TEXT, "buttons": RESULT_BUTTONS}]
        if (message.text or "").startswith("/ask_details"):
            return [{"text": "2. Young people's housing drop-in", "buttons": RESULT_BUTTONS}]
        return [{"text": f"Got {message.text}"}]

    assistant = StandIn(answer=answer)
    async with serve(make_channel(), assistant) as hook:
        await hook.text(PHONE, "hi")
        (menu,) = await waiting(twilio, PHONE, 1)
        assert "Reply 1, 2 or 3:\n1 Money and debt\n2 Housing\n3 Food" in menu

        await hook.text(PHONE, "2")
        results = (await waiting(twilio, PHONE, 2))[1]
        assert "Reply 1 or 2 to find out more about one, MORE to see more" in results
        assert "0151 496 0100" in results

        await hook.text(PHONE, "2")  # now "2" is result number 2, not the second category
        await hook.text(PHONE, "more")
        await hook.text(PHONE, "what about 7")  # not an option: passed on as it is
        await waiting(twilio, PHONE, 5)
    assert assistant.texts() == [
        "hi",
        "/need_housing",
        '/ask_details{"result_number":"2"}',
        "/show_more",
        "what about 7",
    ]


async def test_a_long_turn_is_split_into_texts_of_at_most_three_segments(
    make_channel: Callable[..., TwilioSmsInput], twilio: FakeTwilio
) -> None:
    sentence = "Call the Walton hub on 0151 496 0100 \u2014 they\u2019re open until 5pm\u2026 "
    long_text = sentence * 12

    async def answer(message: UserMessage) -> list[dict]:
        return [{"text": long_text}]

    async with serve(make_channel(), StandIn(answer=answer)) as hook:
        await hook.text(PHONE, "hello")
        await hook.idle()
    texts = twilio.to(PHONE)
    assert len(texts) >= 2
    for text in texts:
        assert is_gsm7(text) and segments(text) <= 3
        assert "0151 496 0100" in text or "0151" not in text  # never split inside a number
    assert " ".join(texts).count("0151 496 0100") == 12


# --- keywords -------------------------------------------------------------------------------


async def test_stop_start_and_help(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    await webhook.text(PHONE, "STOP")
    assert await waiting(twilio, PHONE) == [keywords.STOPPED]

    await webhook.text(PHONE, "hello?")
    await webhook.text(PHONE, "are you there")
    await webhook.idle()
    assert len(twilio.to(PHONE)) == 1  # nothing more after STOP
    assert assistant.received == []

    await webhook.text(PHONE, "help")
    help_reply = (await waiting(twilio, PHONE, 2))[1]
    assert "automated assistant" in help_reply and "999" in help_reply
    assert "START" in help_reply and segments(help_reply) <= 2

    await webhook.text(PHONE, "Start")
    assert (await waiting(twilio, PHONE, 3))[2] == keywords.RESTARTED
    await webhook.text(PHONE, "hello again")
    assert (await waiting(twilio, PHONE, 4))[3] == "You said: hello again"
    assert assistant.texts() == ["hello again"]


@pytest.mark.parametrize("word", ["UNSUBSCRIBE", "cancel", "End.", " quit ", "stop!"])
async def test_every_stop_word_stops(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio, word: str
) -> None:
    await webhook.text(PHONE, word)
    await webhook.text(PHONE, "hello")
    await webhook.idle()
    assert twilio.to(PHONE) == [keywords.STOPPED]
    assert assistant.received == []


async def test_stop_inside_a_sentence_is_for_the_assistant(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    await webhook.text(PHONE, "cancel my appointment")
    await webhook.idle()
    assert assistant.texts() == ["cancel my appointment"]


async def test_stop_handled_by_twilio_is_recorded_without_a_second_confirmation(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    await webhook.text(PHONE, "STOP", OptOutType="STOP")
    await webhook.text(PHONE, "hello")
    await webhook.idle()
    assert twilio.to(PHONE) == []
    await webhook.text(PHONE, "YES", OptOutType="START")  # Twilio counts YES as START
    await webhook.text(PHONE, "hello")
    assert await waiting(twilio, PHONE) == ["You said: hello"]


async def test_a_number_twilio_reports_unsubscribed_is_stopped_here_too(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    twilio.fail_next(400, 21610)
    await webhook.text(PHONE, "hello")
    await webhook.idle()
    await webhook.text(PHONE, "hello again")
    await webhook.idle()
    assert len(assistant.received) == 1  # the second never reached the assistant
    assert twilio.requests == 1


async def test_a_crisis_message_after_stop_still_gets_the_numbers(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    await webhook.text(PHONE, "STOP")
    await webhook.text(PHONE, "i want to end my life")
    replies = await waiting(twilio, PHONE, 2)
    assert "116 123" in replies[1] and "999" in replies[1]
    assert assistant.received == []


@pytest.mark.parametrize("word", ["DELETE", "delete", "Delete my data.", " delete my data "])
async def test_delete_starts_the_assistants_delete_my_data_conversation(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio, word: str
) -> None:
    await webhook.text(PHONE, word)
    await waiting(twilio, PHONE)
    assert assistant.texts() == [keywords.DELETE_PAYLOAD]
    assert assistant.received[0].metadata == {"sms_number_available": True, "service_data": True}


async def test_delete_as_a_word_in_a_sentence_or_a_numbered_reply_is_not_the_keyword(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    await webhook.text(PHONE, "how do I delete my booking")
    await webhook.idle()
    assert assistant.texts() == ["how do I delete my booking"]


async def test_delete_after_stop_says_how_and_reaches_nothing(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    await webhook.text(PHONE, "STOP")
    await webhook.text(PHONE, "delete")
    replies = await waiting(twilio, PHONE, 2)
    assert replies == [keywords.STOPPED, keywords.DELETE_WHILE_STOPPED]
    assert assistant.received == []


async def test_a_number_erased_during_a_turn_stays_erased_and_can_start_again(
    make_channel: Callable[..., TwilioSmsInput], twilio: FakeTwilio, tmp_path: Path
) -> None:
    """The assistant's erasure (bot/privacy/erasure.py) deletes the number's row while the
    turn runs; the options saved after the turn must not bring it back."""
    database_url = f"sqlite:///{tmp_path / 'sms.db'}"  # the channel's, see make_channel
    who = pseudonymise("sms", PHONE)

    async def answer(message: UserMessage) -> list[dict]:
        if message.text == keywords.DELETE_PAYLOAD:
            buttons = [
                {"title": "Yes, delete it", "payload": "/affirm"},
                {"title": "No, keep it", "payload": "/deny"},
            ]
            return [{"text": "Shall I delete it all now?", "buttons": buttons}]
        if message.text == "/affirm":
            await asyncio.to_thread(erase_person, get_engine(database_url), [message.sender_id])
            return [{"text": "Done. I've deleted everything."}]
        return [{"text": f"You said: {message.text}", "buttons": CATEGORY_BUTTONS}]

    def rows() -> list[tuple]:
        with get_engine(database_url).connect() as connection:
            return connection.execute(sql_text("SELECT * FROM sms_numbers")).fetchall()

    assistant = StandIn(answer=answer)
    async with serve(make_channel(), assistant) as hook:
        await hook.text(PHONE, "DELETE")
        assert "Reply 1 or 2:\n1 Yes, delete it" in (await waiting(twilio, PHONE, 1))[0]
        await hook.text(PHONE, "1")
        assert (await waiting(twilio, PHONE, 2))[1] == "Done. I've deleted everything."
        await hook.idle()
        assert rows() == []  # nothing about the number is left

        await hook.text(PHONE, "hello")
        assert (await waiting(twilio, PHONE, 3))[2].startswith("You said: hello")
        await hook.text(PHONE, "2")  # the new options are remembered again
        await hook.idle()
    assert assistant.texts() == [keywords.DELETE_PAYLOAD, "/affirm", "hello", "/need_housing"]
    assert [row[0] for row in rows()] == [who]


# --- awkward messages -------------------------------------------------------------------------


async def test_a_picture_or_an_empty_text_gets_a_kind_reply(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    picture = incoming(
        PHONE,
        "",
        NumMedia="1",
        MediaUrl0=f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM1/Media/ME1",
        MediaContentType0="image/jpeg",
    )
    assert (await webhook.post(picture))[0] == 200
    assert await waiting(twilio, PHONE) == [keywords.MEDIA_ONLY]
    await webhook.text(OTHER_PHONE, "")
    assert await waiting(twilio, OTHER_PHONE) == [keywords.EMPTY]
    assert assistant.received == []


async def test_a_picture_with_words_passes_the_words_on(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio
) -> None:
    await webhook.post(incoming(PHONE, "this letter came", NumMedia="1", MediaUrl0="https://x/y"))
    await webhook.idle()
    assert assistant.texts() == ["this letter came"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("😊😊😊", id="emoji"),
        pytest.param("Потрібна допомога з житлом", id="cyrillic"),
        pytest.param("أحتاج مساعدة في السكن", id="arabic"),
        pytest.param(("I have been having a hard time lately. " * 50)[:1600], id="1600-chars"),
    ],
)
async def test_awkward_texts_reach_the_assistant_and_get_an_answer(
    webhook: Webhook, assistant: StandIn, twilio: FakeTwilio, body: str
) -> None:
    await webhook.text(PHONE, body)
    replies = await waiting(twilio, PHONE)
    assert assistant.texts() == [body.strip()]
    assert replies and all(segments(reply) <= 3 for reply in replies)


async def test_when_the_assistant_fails_the_person_gets_a_kind_reply(
    make_channel: Callable[..., TwilioSmsInput], twilio: FakeTwilio
) -> None:
    async def broken(message: UserMessage) -> list[dict]:
        raise RuntimeError(f"boom: {message.text}")

    async with serve(make_channel(), StandIn(answer=broken)) as hook:
        await hook.text(PHONE, "hello")
        assert await waiting(twilio, PHONE) == [keywords.SOMETHING_WENT_WRONG]


# --- identity -------------------------------------------------------------------------------


async def test_use_this_number_hands_the_number_over_only_when_chosen(
    make_channel: Callable[..., TwilioSmsInput], twilio: FakeTwilio
) -> None:
    handed: list[tuple[str, str]] = []

    async def handoff(conversation_id: str, number: str) -> None:
        handed.append((conversation_id, number))

    async def answer(message: UserMessage) -> list[dict]:
        if message.text == "book":
            question = "Can the advisor call you on the number you're texting from?"
            buttons = [
                {"title": "Yes, use this number", "payload": USE_SENDER_NUMBER},
                {"title": "No, another number", "payload": "/deny"},
            ]
            return [{"text": question, "buttons": buttons}]
        return [{"text": "Thanks."}]

    assistant = StandIn(answer=answer)
    async with serve(make_channel(number_handoff=handoff), assistant) as hook:
        await hook.text(PHONE, "book")
        (question,) = await waiting(twilio, PHONE)
        assert "1 Yes, use this number\n2 No, another number" in question
        await hook.text(PHONE, "2")
        await waiting(twilio, PHONE, 2)
        assert handed == []
        await hook.text(PHONE, "book")
        await hook.text(PHONE, "1")
        await waiting(twilio, PHONE, 4)
    assert handed == [(pseudonymise("sms", PHONE), PHONE)]
    assert assistant.texts() == ["book", "/deny", "book", USE_SENDER_NUMBER]
    for message in assistant.received:
        assert PHONE not in repr(message.metadata) and PHONE not in (message.text or "")


async def test_the_sender_id_is_keyed_by_the_secret(
    monkeypatch: pytest.MonkeyPatch,
    make_channel: Callable[..., TwilioSmsInput],
    assistant: StandIn,
) -> None:
    key = "k" * 40
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", key)
    async with serve(make_channel(), assistant) as hook:
        await hook.text(PHONE, "hello")
        await hook.idle()
    (message,) = assistant.received
    assert message.sender_id == pseudonymise("sms", PHONE, key.encode())
    assert message.sender_id != pseudonymise("sms", PHONE, b"another key of forty characters.....")


async def test_a_plain_function_hand_off_runs_off_the_event_loop(
    make_channel: Callable[..., TwilioSmsInput], twilio: FakeTwilio
) -> None:
    threads: list[str] = []

    def save_number(conversation_id: str, number: str) -> None:  # e.g. a database write
        threads.append(threading.current_thread().name)

    async def answer(message: UserMessage) -> list[dict]:
        return [{"text": "Use it?", "buttons": [{"title": "Yes", "payload": USE_SENDER_NUMBER}]}]

    async with serve(make_channel(number_handoff=save_number), StandIn(answer=answer)) as hook:
        await hook.text(PHONE, "book")
        await waiting(twilio, PHONE)
        await hook.text(PHONE, "yes")
        await waiting(twilio, PHONE, 2)
    assert len(threads) == 1 and threads[0] != threading.main_thread().name
