"""Property-based fuzzing of every channel's webhook: at least 10,000 generated payloads each at
the REST, SMS (Twilio) and Telegram webhooks and 10,000 frames at the web chat's WebSocket.
No answer may be a 500, and nothing may be logged as an unhandled exception.

The channels are the real ones (the checked REST channel, TwilioSmsInput, TelegramInput,
WebChatInput) on a real Sanic server on 127.0.0.1, mounted as Rasa mounts them, with the fake
Twilio and Telegram APIs. Behind them is a stand-in assistant that answers every message at
once: ten thousand turns through the real Rasa server would take most of an hour, and what is
fuzzed here is the channels' handling of whatever arrives. The whole pipeline gets fuzzed
text in test_fuzz_pipeline.py.

Rasa's own REST channel fails this test (a 500 for an empty or non-JSON body, a logged
traceback for a message that isn't a string), hence components/rest_channel.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import string
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
import simple_websocket
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from sanic import Sanic

from bot.channels.sms.channel import TwilioSmsInput
from bot.channels.sms.settings import SmsSettings
from bot.channels.telegram.channel import TelegramInput
from bot.channels.telegram.config import SECRET_HEADER, TelegramConfig
from bot.channels.telegram.store import ChatStore
from bot.channels.web.channel import WebChatInput
from bot.channels.web.config import WebChatConfig
from components.rest_channel import CheckedRestInput
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC_URL,
    SERVICE_NUMBER,
    FakeTwilio,
    sign,
)
from tests.support.stack import free_port

# About seven minutes in all: marked e2e so `-m "not e2e"` stays quick.
pytestmark = pytest.mark.e2e

EXAMPLES = 10_000
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TELEGRAM_TOKEN = "4242424242:AAE-fake_token_for_fuzzing_0123456789"
TELEGRAM_SECRET = "fuzzing-webhook-secret-0123456789abcdef"


class StandIn:
    """Answers every message at once, through the channel's own output channel."""

    def __init__(self) -> None:
        self.count = 0

    async def __call__(self, message: UserMessage) -> None:
        self.count += 1
        await message.output_channel.send_text_message(message.sender_id, "Thanks.")


class Problems(logging.Handler):
    """Unhandled exceptions (escaped to Sanic or to asyncio), and, apart, exceptions a channel
    caught in a catch-all and logged with their traceback."""

    UNHANDLED_LOGGERS = ("sanic", "asyncio")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.unhandled: list[logging.LogRecord] = []
        self.caught: list[logging.LogRecord] = []
        self.known: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Task was destroyed but it is pending" in message and (
            "WebsocketFrameAssembler.get" in message or "async_data_received" in message
        ):
            # Sanic 21.12 leaves tasks behind when a WebSocket client hangs up
            # (sanic-org/sanic#2564 and #3175, still open): asyncio complains when they are
            # collected.
            # Not an exception, and not ours; counted and reported, not failed.
            self.known.append(record)
        elif record.name.startswith(self.UNHANDLED_LOGGERS) and record.levelno >= logging.ERROR:
            self.unhandled.append(record)
        elif record.exc_info:
            self.caught.append(record)

    @staticmethod
    def describe(records: list[logging.LogRecord]) -> list[str]:
        return [
            f"{r.name}: {r.getMessage()} "
            + (repr(r.exc_info[1]) if isinstance(r.exc_info, tuple) else "")
            for r in records
        ]


class Server:
    """The channels' blueprints on one Sanic server, in a thread with its own event loop."""

    def __init__(self, channels: list[Any], assistant: StandIn, port: int) -> None:
        Sanic.test_mode = True  # lets several Sanic apps start in one process
        self.app = Sanic(f"fuzz_{uuid.uuid4().hex[:8]}", configure_logging=False)
        self.app.ctx.agent = SimpleNamespace(  # what the web channel asks of Rasa's agent
            is_ready=lambda: True,
            lock_store=InMemoryLockStore(),
            tracker_store=InMemoryTrackerStore(Domain.empty()),
        )
        for channel in channels:
            self.app.blueprint(
                channel.blueprint(assistant), url_prefix=f"/webhooks/{channel.name()}"
            )
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=60)

    async def _start(self) -> None:
        self.server = await self.app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
        )
        await self.server.startup()
        await self.server.before_start()
        await self.server.after_start()

    async def _stop(self) -> None:
        await self.server.before_stop()
        await self.server.close()
        await self.server.after_stop()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture(scope="module")
def fakes() -> Iterator[tuple[FakeTwilio, FakeTelegram]]:
    twilio, telegram = FakeTwilio().start(), FakeTelegram(TELEGRAM_TOKEN).start()
    yield twilio, telegram
    twilio.stop()
    telegram.stop()


@pytest.fixture(scope="module")
def problems() -> Iterator[Problems]:
    handler = Problems()
    root = logging.getLogger()
    root.addHandler(handler)
    levels = {name: logging.getLogger(name).level for name in ("", "sanic", "bot")}
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture(scope="module")
def server(
    fakes: tuple[FakeTwilio, FakeTelegram],
    problems: Problems,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    twilio, telegram = fakes
    database = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'signpost.db'}"
    sms = TwilioSmsInput(
        SmsSettings(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            sms_number=SERVICE_NUMBER,
            webhook_url=PUBLIC_URL,
            api_base_url=twilio.url,
        ),
        database_url=database,
    )
    telegram_channel = TelegramInput(
        TelegramConfig(TELEGRAM_TOKEN, TELEGRAM_SECRET, telegram.api_url, ""),
        store=ChatStore(database),
    )
    port = free_port()
    web = WebChatInput(
        WebChatConfig.from_env(
            {
                "SIGNPOST_WEB_SECRET": "fuzzing-web-session-secret-0123456789abcdef",
                # The WebSocket client sends Host without the port: name the origin outright.
                "SIGNPOST_WEB_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
                "SIGNPOST_WEB_RATE_PER_MINUTE": "100000",
                "SIGNPOST_WEB_RATE_BURST": "100000",
                "SIGNPOST_WEB_NEW_SESSIONS_PER_MINUTE": "100000",
            }
        )
    )
    running = Server([CheckedRestInput(), sms, telegram_channel, web], StandIn(), port)
    yield running
    running.stop()


def _no_problems(problems: Problems) -> None:
    assert problems.unhandled == [], problems.describe(problems.unhandled)[:5]


# --- payloads ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
texts = st.text(max_size=200) | st.sampled_from(["", " ", "/start", "/delete", "STOP", "2"])
content_types = st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "multipart/form"]
)


def _as_body(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return json.dumps(value, allow_nan=True).encode()


rest_bodies = st.one_of(
    st.binary(max_size=300),
    json_values,
    st.fixed_dictionaries(
        {"sender": json_values | st.text(max_size=30), "message": json_values | texts},
        optional={"metadata": json_values, "input_channel": json_values},
    ),
).map(_as_body)


@FUZZ
@given(body=rest_bodies, content_type=content_types)
def test_rest_webhook(server: Server, problems: Problems, body: bytes, content_type: str) -> None:
    status = server.post("/webhooks/rest/webhook", body, {"Content-Type": content_type})
    assert status < 500, status
    _no_problems(problems)


twilio_keys = st.sampled_from(
    ["From", "Body", "NumMedia", "MessageSid", "SmsSid", "OptOutType", "To", "AccountSid"]
)
twilio_forms = st.dictionaries(
    twilio_keys | st.text(max_size=10), st.text(max_size=80) | st.integers().map(str), max_size=8
) | st.fixed_dictionaries(
    {
        "From": st.sampled_from(["+447400123456", "+447911123456", "", "anonymous"])
        | st.text(max_size=20),
        "Body": texts,
    },
    optional={"NumMedia": st.integers(-5, 20).map(str), "OptOutType": st.text(max_size=10)},
)


@FUZZ
@given(
    form=twilio_forms,
    signed=st.sampled_from(["yes", "yes", "no", "garbage"]),
    raw=st.none() | st.binary(max_size=200),
    content_type=content_types,
)
def test_sms_webhook(
    server: Server,
    problems: Problems,
    form: dict[str, str],
    signed: str,
    raw: bytes | None,
    content_type: str,
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    body = urlencode(form).encode()
    if raw is not None:
        body, headers = raw, {"Content-Type": content_type}
    if signed == "yes":
        headers["X-Twilio-Signature"] = sign(form)
    elif signed == "garbage":
        headers["X-Twilio-Signature"] = "bm90IGEgc2lnbmF0dXJl"
    status = server.post("/webhooks/sms/webhook", body, headers)
    assert status < 500, status
    _no_problems(problems)


def _message_like(draw_text: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    user = st.fixed_dictionaries(
        {"id": st.integers(-(2**40), 2**40), "is_bot": st.booleans(), "first_name": texts},
        optional={"username": st.text(max_size=12), "language_code": st.text(max_size=5)},
    )
    chat = st.fixed_dictionaries(
        {
            "id": st.integers(-(2**40), 2**40),
            "type": st.sampled_from(["private", "group", "supergroup", "channel", "?"]),
        }
    )
    return st.fixed_dictionaries(
        {"message_id": st.integers(0, 2**31), "date": st.integers(0, 2**31), "chat": chat},
        optional={
            "from": user,
            "text": draw_text,
            "location": st.fixed_dictionaries(
                {"latitude": st.floats(-200, 200), "longitude": st.floats(-200, 200)}
            ),
            "contact": st.fixed_dictionaries(
                {"phone_number": st.text(max_size=20), "first_name": st.text(max_size=10)}
            ),
            "entities": st.lists(json_values, max_size=2),
            "photo": st.lists(json_values, max_size=2),
        },
    )


telegram_updates = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"update_id": st.integers(-10, 2**40)},
        optional={
            "message": _message_like(texts),
            "edited_message": _message_like(texts),
            "callback_query": st.fixed_dictionaries(
                {"id": st.text(max_size=10), "from": json_values, "data": texts},
                optional={"message": _message_like(texts)},
            ),
            "my_chat_member": json_values,
        },
    ),
)


@FUZZ
@given(
    update=telegram_updates,
    secret=st.sampled_from([TELEGRAM_SECRET, TELEGRAM_SECRET, "", "wrong"]),
    raw=st.none() | st.binary(max_size=200),
)
def test_telegram_webhook(
    server: Server, problems: Problems, update: Any, secret: str, raw: bytes | None
) -> None:
    body = raw if raw is not None else _as_body(update)
    headers = {"Content-Type": "application/json", SECRET_HEADER: secret}
    status = server.post("/webhooks/telegram/webhook", body, headers)
    assert status < 500, status
    _no_problems(problems)


frames = st.one_of(
    st.text(max_size=200),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["hello", "message", "ping", "bye", ""])},
        optional={
            "token": json_values | st.text(max_size=40),
            "have": json_values | st.integers(-5, 10_000),
            "cid": json_values | st.text(string.ascii_letters + "_-", max_size=70),
            "text": json_values | texts,
        },
    ).map(json.dumps),
)


@settings(FUZZ, max_examples=EXAMPLES // 5)
@given(first=frames, rest=st.lists(frames, min_size=4, max_size=4))
def test_web_chat_socket(server: Server, problems: Problems, first: str, rest: list[str]) -> None:
    """2,000 connections of 5 frames each: 10,000 frames."""
    url = f"ws://127.0.0.1:{server.port}/webhooks/web/socket"
    origin = f"http://127.0.0.1:{server.port}"
    ws = simple_websocket.Client.connect(url, headers={"Origin": origin})
    try:
        for frame in [first, *rest]:
            ws.send(frame)
            _drain(ws.receive)
    except simple_websocket.ConnectionClosed:
        pass  # a bad first frame closes the connection: that is the answer
    finally:
        with contextlib.suppress(simple_websocket.ConnectionClosed):
            ws.close()
    _no_problems(problems)


def _drain(receive: Callable[[float], Any]) -> None:
    while receive(0.02) is not None:
        pass


def test_nothing_went_wrong_on_any_channel(server: Server, problems: Problems) -> None:
    """Last in the module: all of the above left no unhandled exception in the log.

    Exceptions a channel caught in its catch-all (answering normally) are listed, not failed:
    they are input the channel did not expect, reported for its owner to look at.
    """
    _no_problems(problems)
    for line in sorted(set(problems.describe(problems.caught))):
        print(f"caught and logged by a channel: {line}")
    if problems.known:
        print(f"sanic-org/sanic#2564/#3175 ('Task was destroyed'): {len(problems.known)} times")
