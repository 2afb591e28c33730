"""The one outbound SMS client: the official SDK's async client pointed at a configurable
API base URL (here a fake Twilio API on 127.0.0.1), with careful retries and quiet errors.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.channels.sms.twilio_client import RecipientUnsubscribed, SendError, TwilioMessages
from tests.channels.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, SERVICE_NUMBER, FakeTwilio
from tests.support.stack import free_port

PHONE = "+447700900123"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


def client(base_url: str, **kwargs: object) -> TwilioMessages:
    return TwilioMessages(
        ACCOUNT_SID,
        AUTH_TOKEN,
        sender=SERVICE_NUMBER,
        api_base_url=base_url,
        backoff=0.01,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_sends_through_the_configured_api_url(twilio: FakeTwilio) -> None:
    messages = client(twilio.url)
    try:
        sid = await messages.send(PHONE, "Hello from the assistant")
    finally:
        await messages.aclose()
    assert sid.startswith("SM")
    (sent,) = twilio.sent
    assert (sent.to, sent.sender, sent.body) == (PHONE, SERVICE_NUMBER, "Hello from the assistant")


async def test_a_messaging_service_is_used_when_configured(twilio: FakeTwilio) -> None:
    messages = client(twilio.url, messaging_service_sid="MG" + "1" * 32)
    try:
        await messages.send(PHONE, "Hello")
    finally:
        await messages.aclose()
    assert twilio.sent[0].sender == "MG" + "1" * 32


async def test_the_wrong_credentials_are_an_error(twilio: FakeTwilio) -> None:
    messages = TwilioMessages(
        ACCOUNT_SID, "wrong-token", sender=SERVICE_NUMBER, api_base_url=twilio.url
    )
    try:
        with pytest.raises(SendError) as raised:
            await messages.send(PHONE, "Hello")
    finally:
        await messages.aclose()
    assert raised.value.status == 401 and twilio.sent == []


async def test_busy_twilio_is_retried(twilio: FakeTwilio) -> None:
    twilio.fail_next(503, 20503)
    twilio.fail_next(429, 20429)
    messages = client(twilio.url)
    try:
        await messages.send(PHONE, "Hello")
    finally:
        await messages.aclose()
    assert twilio.requests == 3 and len(twilio.sent) == 1


async def test_a_refusal_is_not_retried_and_names_no_number(
    twilio: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    twilio.fail_next(400, 21211)  # invalid "To" number; Twilio's message quotes it
    messages = client(twilio.url)
    try:
        with pytest.raises(SendError) as raised:
            await messages.send(PHONE, "Hello")
    finally:
        await messages.aclose()
    assert (raised.value.status, raised.value.code) == (400, 21211)
    assert twilio.requests == 1
    assert "7700900123" not in str(raised.value) and "7700900123" not in caplog.text
    assert "Hello" not in caplog.text


async def test_an_unsubscribed_recipient_is_its_own_error(twilio: FakeTwilio) -> None:
    twilio.fail_next(400, 21610)
    messages = client(twilio.url)
    try:
        with pytest.raises(RecipientUnsubscribed):
            await messages.send(PHONE, "Hello")
    finally:
        await messages.aclose()


async def test_an_unreachable_api_is_retried_then_given_up() -> None:
    messages = client(f"http://127.0.0.1:{free_port()}", attempts=2)
    try:
        with pytest.raises(SendError) as raised:
            await messages.send(PHONE, "Hello")
    finally:
        await messages.aclose()
    assert raised.value.status is None
