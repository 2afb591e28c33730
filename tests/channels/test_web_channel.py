"""The web chat channel over a raw WebSocket, against the real Rasa and action servers: origin
checks, signed sessions, catch-up, duplicates, rate limits, static files, and 503 when a
production deployment has not been given its secrets."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

from bot.privacy.pseudonyms import pseudonymise
from tests.browser.stack import PSEUDONYM_KEY, WebStack

pytestmark = pytest.mark.e2e

ALLOWED = "https://www.sefton.example"
REPLY_SECONDS = 20


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    running = WebStack(
        tmp_path_factory.mktemp("web-channel"),
        env={
            "SIGNPOST_WEB_ALLOWED_ORIGINS": ALLOWED,
            "SIGNPOST_WEB_RATE_PER_MINUTE": "12",
            "SIGNPOST_WEB_RATE_BURST": "4",
        },
    )
    running.start()
    yield running
    running.stop()


class Client:
    """A browser's side of the protocol, by hand."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.session: dict[str, Any] = {}

    async def hello(self, token: str | None = None, have: int = 0) -> dict[str, Any]:
        await self.ws.send(json.dumps({"type": "hello", "token": token, "have": have}))
        self.session = await self.next("session")
        return self.session

    async def send(self, text: str, cid: str | None = None) -> str:
        cid = cid or uuid.uuid4().hex
        await self.ws.send(json.dumps({"type": "message", "cid": cid, "text": text}))
        return cid

    async def next(self, kind: str, timeout: float = REPLY_SECONDS) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while True:
                frame = json.loads(await self.ws.recv())
                if frame["type"] == kind:
                    return frame

        return await asyncio.wait_for(wait(), timeout)

    async def replies(self) -> list[dict[str, Any]]:
        """Bot messages until the assistant stops typing."""
        frames: list[dict[str, Any]] = []

        async def wait() -> None:
            while True:
                frame = json.loads(await self.ws.recv())
                if frame["type"] == "bot":
                    frames.append(frame)
                if frame["type"] == "typing" and not frame["on"]:
                    return

        await asyncio.wait_for(wait(), REPLY_SECONDS)
        return frames

    async def quiet(self, seconds: float = 1.5) -> list[dict[str, Any]]:
        """Every frame that arrives within `seconds` (expected: none)."""
        frames = []
        try:
            while True:
                frames.append(json.loads(await asyncio.wait_for(self.ws.recv(), seconds)))
        except asyncio.TimeoutError:
            return frames

    @property
    def session_id(self) -> str:
        return self.session["token"].split(".")[0]


def connect(stack: WebStack, origin: str | None = ALLOWED) -> Any:
    headers = {} if origin is None else {"Origin": origin}
    return websockets.connect(stack.socket_url, extra_headers=headers, open_timeout=10)


async def test_origins_not_on_the_list_are_refused(stack: WebStack) -> None:
    for origin in ("https://evil.example", "null", None, "http://127.0.0.1:1"):
        with pytest.raises(InvalidStatusCode) as refused:
            async with connect(stack, origin):
                pass
        assert refused.value.status_code == 403
    async with connect(stack, ALLOWED) as ws:
        assert (await Client(ws).hello())["new"] is True
    async with connect(stack, stack.url) as ws:  # the server's own demo page
        assert (await Client(ws).hello())["new"] is True


async def test_a_conversation_and_its_pseudonymous_sender(stack: WebStack) -> None:
    async with connect(stack) as ws:
        client = Client(ws)
        session = await client.hello()
        assert session == {
            "type": "session",
            "token": session["token"],
            "new": True,
            "reset": True,
            "count": 0,
            "items": [],
        }
        cid = await client.send("need a food bank")
        assert (await client.next("ack"))["cid"] == cid
        assert "Whereabouts" in " ".join(f["text"] for f in await client.replies())
        await client.send("L9 1AD")
        results = (await client.replies())[-1]
        assert [b["kind"] for b in results["blocks"]].count("card") == 3
        assert {"title": "Show more", "payload": "/show_more"} in results["buttons"]

    sender = pseudonymise("web", client.session_id, PSEUDONYM_KEY.encode())
    assert sender != client.session_id and client.session_id not in sender
    assert stack.slots(sender)["outcode"] == "L9"


async def test_a_token_resumes_its_session_and_catches_up(stack: WebStack) -> None:
    async with connect(stack) as ws:
        first = Client(ws)
        await first.hello()
        await first.send("/greet")
        await first.replies()
        await first.send("I'm struggling with my rent")
        await first.replies()
    token = first.session["token"]

    async with connect(stack) as ws:
        again = await Client(ws).hello(token)
    assert again["new"] is False and again["reset"] is False
    items = again["items"]
    assert [i["n"] for i in items] == list(range(again["count"]))
    assert items[0] == {
        "from": "user",
        "text": "/greet",
        "cid": items[0]["cid"],
        "hidden": True,
        "n": 0,
    }
    assert items[2]["text"] == "I'm struggling with my rent"
    assert again["token"].split(".")[0] == first.session_id

    async with connect(stack) as ws:
        later = await Client(ws).hello(token, have=again["count"] - 1)
    assert [i["n"] for i in later["items"]] == [again["count"] - 1]

    async with connect(stack) as ws:  # the browser knows more than the server: start over
        beyond = await Client(ws).hello(token, have=again["count"] + 5)
    assert beyond["reset"] is True and len(beyond["items"]) == again["count"]


async def test_another_sessions_id_gets_nothing(stack: WebStack) -> None:
    async with connect(stack) as owner_ws, connect(stack) as intruder_ws:
        owner = Client(owner_ws)
        await owner.hello()
        await owner.send("my partner hurts me")
        await owner.replies()
        session_id, issued, signature = owner.session["token"].split(".")
        claims = [
            session_id,
            f"{session_id}.{issued}.{signature[::-1]}",
            f"{session_id}.{int(issued) - 1}.{signature}",
            f"{uuid.uuid4().hex[:22]}.{issued}.{signature}",
        ]
        intruder = Client(intruder_ws)
        taken = await intruder.hello(claims[0])
        assert taken["new"] is True and taken["items"] == []
        assert intruder.session_id != session_id

        await owner.send("Walton")
        await owner.replies()
        assert await intruder.quiet() == [], "the owner's replies reach only the owner"

    for claim in claims[1:]:
        async with connect(stack) as ws:
            other = await Client(ws).hello(claim)
            assert other["new"] is True and other["count"] == 0


async def test_a_resent_message_is_handled_once(stack: WebStack) -> None:
    async with connect(stack) as ws:
        client = Client(ws)
        await client.hello()
        await client.send("hiya", cid="same-id")
        await client.next("ack")
        await client.replies()
        await client.send("hiya", cid="same-id")
        assert (await client.next("ack")) == {"type": "ack", "cid": "same-id", "duplicate": True}
        assert [f for f in await client.quiet() if f["type"] == "bot"] == []
    async with connect(stack) as ws:
        again = await Client(ws).hello(client.session["token"])
    assert [i["text"] for i in again["items"] if i["from"] == "user"] == ["hiya"]


async def test_closing_the_tab_mid_reply_loses_nothing(stack: WebStack) -> None:
    texts = ["need a food bank", "L9", "show more", "tell me more about 2"]
    ws = await connect(stack)
    client = Client(ws)
    await client.hello()
    for text in texts:
        await client.send(text)
    for _ in texts:
        await client.next("ack")
    await client.next("bot")
    ws.transport.abort()  # the tab is closed mid-reply: no goodbye, the socket just goes
    # The replies are made and kept all the same, in order.
    await asyncio.sleep(0.2)
    async with connect(stack) as ws:
        again = Client(ws)
        session = await again.hello(client.session["token"])
        users = [i["text"] for i in session["items"] if i["from"] == "user"]
        assert users == texts  # handled, or still waiting and listed after the history
        have = session["count"]
        deadline = asyncio.get_running_loop().time() + REPLY_SECONDS
        while asyncio.get_running_loop().time() < deadline:
            try:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 2))
                have += frame["type"] == "bot"
            except asyncio.TimeoutError:
                break
    async with connect(stack) as ws:
        final = await Client(ws).hello(client.session["token"], have=have)
    assert final["items"] == [] and final["count"] == have, "each message counted once"
    async with connect(stack) as ws:
        everything = (await Client(ws).hello(client.session["token"]))["items"]
    bots = [i for i in everything if i["from"] == "bot"]
    assert any("Here are some more" in b["text"] for b in bots)
    assert bots[-1]["blocks"][0]["kind"] == "card"  # the details of number 2


async def test_other_tabs_of_the_session_see_the_conversation(stack: WebStack) -> None:
    async with connect(stack) as ws_one, connect(stack) as ws_two:
        one, two = Client(ws_one), Client(ws_two)
        await one.hello()
        await two.hello(one.session["token"])
        await one.send("I need a food bank")
        echo = await two.next("user")
        assert echo["text"] == "I need a food bank" and echo["from"] == "user"
        assert "Whereabouts" in " ".join(f["text"] for f in await two.replies())


async def test_messages_are_rate_limited_per_session(stack: WebStack) -> None:
    async with connect(stack) as ws, connect(stack) as other_ws:
        client = Client(ws)
        await client.hello()
        frames = []
        for n in range(6):
            await client.send(f"hello {n}", cid=f"burst-{n}")
        while len([f for f in frames if f["type"] in ("ack", "error")]) < 6:
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), REPLY_SECONDS)))
        acks = [f["cid"] for f in frames if f["type"] == "ack"]
        limited = [f for f in frames if f["type"] == "error"]
        assert acks == ["burst-0", "burst-1", "burst-2", "burst-3"]
        assert [f["cid"] for f in limited] == ["burst-4", "burst-5"]
        assert all(f["code"] == "rate_limited" and f["retry_after"] >= 1 for f in limited)

        other = Client(other_ws)  # another session is not held up
        await other.hello()
        await other.send("hello")
        assert (await other.next("ack"))["type"] == "ack"


async def test_bad_frames(stack: WebStack) -> None:
    async with connect(stack) as ws:
        await ws.send(json.dumps({"type": "message", "cid": "x", "text": "hi"}))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.rcvd.code == 4400  # hello first
    async with connect(stack) as ws:
        client = Client(ws)
        await client.hello()
        for junk in ("not json", json.dumps([1]), json.dumps({"type": "message", "cid": "x"})):
            await ws.send(junk)
            assert (await client.next("error"))["code"] == "bad_request"
        await client.send("x" * 4001)
        assert (await client.next("error"))["code"] == "bad_request"
        await ws.send(json.dumps({"type": "ping"}))
        assert await client.next("pong") == {"type": "pong"}


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_the_widget_and_demo_page_are_served(stack: WebStack) -> None:
    status, headers, body = _get(f"{stack.web}/widget.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"attachShadow" in body
    assert _get(f"{stack.web}/widget.js", {"If-None-Match": headers["etag"]})[0] == 304
    status, headers, _ = _get(f"{stack.web}/widget.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    status, headers, body = _get(stack.demo_url)
    assert status == 200 and b'src="widget.js"' in body
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert _get(f"{stack.web}/privacy")[0] == 200
    assert json.loads(_get(f"{stack.web}/")[2]) == {"status": "ok"}


def test_production_without_its_secret_answers_503(
    tmp_path_factory: pytest.TempPathFactory, postgres_database: str
) -> None:
    # Everything production needs (a pseudonym key, PostgreSQL) but the web channel's secret.
    production = WebStack(
        tmp_path_factory.mktemp("web-production"),
        env={"SIGNPOST_ENV": "production", "SIGNPOST_WEB_SECRET": ""},
        db_url=postgres_database,
    )
    production.start()
    try:
        for path in ("/", "/widget.js", "/demo", "/socket"):
            status, _, body = _get(f"{production.web}{path}")
            assert status == 503 and json.loads(body) == {"error": "not configured"}
        # The rest of the assistant runs on.
        assert "not an emergency service" in production.say("rest-check", "hiya")
    finally:
        production.stop()
