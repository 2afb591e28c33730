"""The webhook's front door, in process and fast: 503 without settings, 403 without the
secret, 400/413 for junk, all before anything reaches the assistant. (The full behaviour, with
the real Rasa server, is in test_telegram_e2e.py.)"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.telegram.channel import TelegramInput
from bot.channels.telegram.config import SECRET_HEADER, WEBHOOK_PATH, TelegramConfig
from bot.privacy.pseudonyms import pseudonymise
from tests.channels import telegram_updates as tg
from tests.channels.fake_telegram import FakeTelegram
from tests.support.stack import free_port

TOKEN = "99:fake-token-for-webhook-tests"
SECRET = "front-door-secret_123"


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    # Sanic 21.12 rewrites its request handler once per process unless in test mode, which
    # breaks a second app in the same process.
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    api = FakeTelegram(TOKEN).start()
    yield api
    api.stop()


async def _serve(channel: TelegramInput, received: list[UserMessage]) -> AsyncIterator[str]:
    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    app = Sanic(f"telegram-test-{uuid.uuid4().hex[:8]}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/telegram")
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    await server.startup()
    await server.start_serving()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
def received() -> list[UserMessage]:
    return []


@pytest.fixture
async def configured(fake: FakeTelegram, received: list[UserMessage]) -> AsyncIterator[str]:
    channel = TelegramInput(TelegramConfig(TOKEN, SECRET, fake.api_url, ""))
    async for url in _serve(channel, received):
        yield url


async def test_without_settings_the_webhook_is_503(received: list[UserMessage]) -> None:
    channel = TelegramInput.from_credentials(None)
    async for url in _serve(channel, received):
        async with httpx.AsyncClient() as client:
            update = tg.text_update(5, "hello").to_dict()
            reply = await client.post(url + WEBHOOK_PATH, json=update)
            assert (reply.status_code, reply.text) == (503, "not configured")
            health = await client.get(url + "/webhooks/telegram/")
            assert health.json() == {"status": "ok", "configured": False}
    assert received == []


async def test_only_the_right_secret_gets_in(
    configured: str, fake: FakeTelegram, received: list[UserMessage]
) -> None:
    update = tg.text_update(5, "hello").to_dict()
    async with httpx.AsyncClient() as client:
        for headers in ({}, {SECRET_HEADER: "nope"}, {SECRET_HEADER: SECRET.upper()}):
            reply = await client.post(configured + WEBHOOK_PATH, json=update, headers=headers)
            assert reply.status_code == 403
        assert received == [] and fake.calls == []

        reply = await client.post(
            configured + WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET}
        )
        assert (reply.status_code, reply.text) == (200, "ok")
    assert [(m.sender_id, m.text, m.input_channel) for m in received] == [
        (pseudonymise("telegram", "5"), "hello", "telegram")
    ]


async def test_junk_is_refused_before_the_assistant(
    configured: str, received: list[UserMessage]
) -> None:
    headers = {SECRET_HEADER: SECRET}
    async with httpx.AsyncClient() as client:
        url = configured + WEBHOOK_PATH
        assert (await client.post(url, content=b"not json", headers=headers)).status_code == 400
        odd = await client.post(url, json={"update_id": "x", "message": 3}, headers=headers)
        assert (odd.status_code, odd.text) == (200, "ignored")
        big = await client.post(url, content=b"{" + b" " * 1_100_000 + b"}", headers=headers)
        assert big.status_code == 413
        assert (await client.get(url)).status_code == 405
    assert received == []


def test_library_logs_cannot_leak_the_token_or_chats(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    monkeypatch.setattr(logging.getLogger("httpx"), "level", logging.DEBUG)
    monkeypatch.setattr(logging.getLogger("telegram"), "level", logging.DEBUG)
    TelegramInput.from_credentials(None)
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("telegram").getEffectiveLevel() >= logging.INFO
