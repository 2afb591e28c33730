"""The safety net's parts, with real Rasa objects and a real HTTP server on 127.0.0.1 standing
in for the action server (the whole of it, with real servers, is in test_faults.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.privacy.pseudonyms import MissingSecret
from components.rest_channel import BadRequest, parse_body
from components.safety_net import (
    GuardedActionEndpoint,
    SafetyNetConfig,
    SafetyNetInput,
    TurnAborted,
    _Turn,
    _turn,
    fallback_reply,
    guard_handler,
    install,
)
from tests.support.stack import free_port


class FakeActionServer:
    """Answers /webhook as told: a status, or never (hangs)."""

    def __init__(self) -> None:
        self.status = 200
        self.hang = False
        self.port = free_port()

    async def handle(self, request: web.Request) -> web.Response:
        if self.hang:
            await asyncio.sleep(30)
        if self.status == 400:
            return web.json_response({"action_name": "x", "error": "rejected"}, status=400)
        return web.json_response({"events": [], "responses": []}, status=self.status)


@pytest.fixture
async def action_server() -> AsyncIterator[FakeActionServer]:
    fake = FakeActionServer()
    app = web.Application()
    app.router.add_post("/webhook", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", fake.port).start()
    yield fake
    await runner.cleanup()


def _endpoint(server: FakeActionServer, timeout: float = 1.0) -> GuardedActionEndpoint:
    return GuardedActionEndpoint(
        EndpointConfig(url=f"http://127.0.0.1:{server.port}/webhook"), timeout
    )


async def _in_a_turn(coroutine: Any) -> tuple[Any, _Turn]:
    turn = _Turn()
    token = _turn.set(turn)
    try:
        return await coroutine, turn
    finally:
        _turn.reset(token)


async def test_a_working_action_server_is_answered_as_before(
    action_server: FakeActionServer,
) -> None:
    result, turn = await _in_a_turn(_endpoint(action_server).request(json={}))
    assert result == {"events": [], "responses": []} and turn.failure is None


async def test_a_form_rejection_is_left_to_rasa(action_server: FakeActionServer) -> None:
    action_server.status = 400
    with pytest.raises(ClientResponseError):
        await _in_a_turn(_endpoint(action_server).request(json={}))


@pytest.mark.parametrize("fault", ["500", "hang", "down"])
async def test_a_failing_action_server_aborts_the_turn_quickly(
    action_server: FakeActionServer, fault: str
) -> None:
    endpoint = _endpoint(action_server, timeout=1.0)
    if fault == "500":
        action_server.status = 500
    elif fault == "hang":
        action_server.hang = True
    else:
        endpoint.url = f"http://127.0.0.1:{free_port()}/webhook"  # nothing listens there
    turn = _Turn()
    token = _turn.set(turn)
    try:
        started = asyncio.get_running_loop().time()
        with pytest.raises(TurnAborted):
            await endpoint.request(json={})
        assert asyncio.get_running_loop().time() - started < 2.5
        # The next call in the same turn does not wait again.
        started = asyncio.get_running_loop().time()
        with pytest.raises(TurnAborted):
            await endpoint.request(json={})
        assert asyncio.get_running_loop().time() - started < 0.1
    finally:
        _turn.reset(token)
    assert turn.failure


async def test_outside_a_turn_a_failure_is_an_ordinary_rasa_error(
    action_server: FakeActionServer,
) -> None:
    action_server.status = 500
    with pytest.raises(RasaException):
        await _endpoint(action_server).request(json={})


def test_the_fallback_is_an_apology_with_helplines_or_the_crisis_reply() -> None:
    apology = fallback_reply("where's the food bank")
    assert apology.startswith("Sorry, something has gone wrong on my side")
    assert "116 123" in apology and "85258" in apology and "999" in apology
    crisis = fallback_reply("i want to end my life")
    assert "116 123" in crisis and "Sorry, something has gone wrong" not in crisis
    assert all(ord(ch) < 128 for ch in apology)  # fits an SMS


async def test_a_failed_turn_gets_the_fallback_on_the_channel() -> None:
    async def broken(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Let me look.")
        raise ConnectionError("database down")

    handle = guard_handler(broken, SafetyNetConfig(action_timeout=1, turn_timeout=2))
    output = CollectingOutputChannel()
    replies = await handle(UserMessage("hello", output, "web-1"))
    texts = [m["text"] for m in replies]
    assert texts[0] == "Let me look." and texts[1].startswith("Sorry, something has gone")


async def test_a_turn_that_takes_too_long_gets_the_fallback() -> None:
    async def slow(message: UserMessage) -> None:
        await asyncio.sleep(10)

    handle = guard_handler(slow, SafetyNetConfig(action_timeout=0.2, turn_timeout=0.5))
    started = asyncio.get_running_loop().time()
    replies = await handle(UserMessage("hello", CollectingOutputChannel(), "web-1"))
    assert asyncio.get_running_loop().time() - started < 2
    assert replies[0]["text"].startswith("Sorry, something has gone")


async def test_cancellation_is_not_swallowed() -> None:
    async def cancelled(message: UserMessage) -> None:
        raise asyncio.CancelledError

    handle = guard_handler(cancelled, SafetyNetConfig())
    with pytest.raises(asyncio.CancelledError):
        await handle(UserMessage("hello", CollectingOutputChannel(), "web-1"))


def test_installing_wraps_the_agent_once_and_unwraps_the_failsafe_store() -> None:
    inner = InMemoryTrackerStore(Domain.empty())

    async def handle_message(message: UserMessage) -> None:
        return None

    processor = SimpleNamespace(action_endpoint=None, tracker_store=FailSafeTrackerStore(inner))
    agent = SimpleNamespace(
        action_endpoint=EndpointConfig(url="http://127.0.0.1:1/webhook"),
        processor=processor,
        tracker_store=processor.tracker_store,
        handle_message=handle_message,
    )
    assert install(agent, SafetyNetConfig())
    assert isinstance(agent.action_endpoint, GuardedActionEndpoint)
    assert processor.action_endpoint is agent.action_endpoint
    assert agent.tracker_store is inner and processor.tracker_store is inner
    wrapped = agent.handle_message
    assert install(agent, SafetyNetConfig()) and agent.handle_message is wrapped
    assert not install(None, SafetyNetConfig())


def test_production_will_not_start_without_its_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_ENV", "production")
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "short")
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", "sqlite:///x.db")
    with pytest.raises(MissingSecret, match=r"SIGNPOST_PSEUDONYM_KEY.*PostgreSQL"):
        SafetyNetInput.from_credentials(None)
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "k" * 40)
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", "postgresql+psycopg2://u@db/signpost")
    assert isinstance(SafetyNetInput.from_credentials(None), SafetyNetInput)
    monkeypatch.setenv("SIGNPOST_ENV", "local")
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "")
    assert isinstance(SafetyNetInput.from_credentials(None), SafetyNetInput)


def test_limits_must_make_sense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_ACTION_TIMEOUT_SECONDS", "20")
    monkeypatch.setenv("SIGNPOST_TURN_TIMEOUT_SECONDS", "5")
    with pytest.raises(ValueError):
        SafetyNetConfig.from_env()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00",
        b"[]",
        b'"text"',
        b'{"sender": 1, "message": "hi"}',
        b'{"sender": "", "message": "hi"}',
        b'{"sender": "me", "message": ["hi"]}',
        b'{"sender": "me", "message": "hi", "metadata": "x"}',
        b'{"sender": "' + b"x" * 200 + b'", "message": "hi"}',
        b'{"sender": "me", "message": "' + b"x" * 20_001 + b'"}',
    ],
)
def test_the_rest_channel_refuses_what_it_cannot_take(body: bytes) -> None:
    with pytest.raises(BadRequest):
        parse_body(body)


def test_the_rest_channel_takes_what_rasas_does() -> None:
    assert parse_body(b'{"sender": " me ", "message": "hi", "metadata": {"a": 1}}') == (
        "me",
        "hi",
        {"a": 1},
    )


def test_the_rest_channel_takes_a_10000_character_message() -> None:
    """Someone pouring it all out is answered (and checked whole for a crisis), not refused."""
    text = "I have been having a hard time. " * 320
    body = json.dumps({"sender": "me", "message": text[:10_000]}).encode()
    assert parse_body(body) == ("me", text[:10_000], None)
