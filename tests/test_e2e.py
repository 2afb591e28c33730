"""End to end: the trained model, the real Rasa server and action server, over the REST channel.

A person says hello, says what is wrong, gives a postcode, gets three nearby services with
distances, asks about one, asks for more; a crisis message mid-question is answered first;
and the conversation survives a restart of the Rasa server (SQL tracker store).
"""

from __future__ import annotations

import json
import re
import secrets
import socket
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat_client import send
from bot.config import REPO_ROOT
from bot.db import get_engine
from bot.directory.loader import load_directory
from bot.geography import Gazetteer
from bot.modelcache import ensure_model
from bot.processes import ServerSet, start_servers

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """Both servers on private ports, with their own databases, restartable."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.model, _ = ensure_model()
        self.token = secrets.token_hex(16)
        self.db_url = f"sqlite:///{workdir / 'signpost.db'}"
        load_directory(
            get_engine(self.db_url), REPO_ROOT / "resources" / "directory", Gazetteer.load()
        )
        self.action_port, self.rasa_port = _free_port(), _free_port()
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(
            f"action_endpoint:\n  url: http://127.0.0.1:{self.action_port}/webhook\n"
            f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n"
        )
        self.servers: ServerSet | None = None

    def start(self) -> None:
        self.servers = start_servers(
            self.model,
            rasa_port=self.rasa_port,
            action_port=self.action_port,
            endpoints=self.endpoints,
            log_dir=self.workdir / "logs",
            env={"SIGNPOST_DATABASE_URL": self.db_url, "SIGNPOST_VAR_DIR": str(self.workdir)},
            rasa_args=("--enable-api", "--auth-token", self.token),
        )

    def stop(self) -> None:
        if self.servers:
            self.servers.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def say(self, sender: str, text: str) -> str:
        replies = send(self.url, sender, text)
        assert replies, f"no reply to {text!r}"
        return "\n".join(r.get("text", "") for r in replies)

    def slots(self, sender: str) -> dict:
        with urllib.request.urlopen(
            f"{self.url}/conversations/{sender}/tracker?token={self.token}", timeout=10
        ) as response:
            return json.loads(response.read())["slots"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("e2e"))
    running.start()
    yield running
    running.stop()


def _numbered(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^(\d+)\. ", text, flags=re.MULTILINE)]


def test_signposting_conversation(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert "not an emergency service" in stack.say(sender, "hiya")

    reply = stack.say(sender, "im really behind on my rent and the landlord wants me out")
    assert "Whereabouts are you?" in reply
    assert stack.slots(sender)["need"] == "housing"

    reply = stack.say(sender, "L9 1AD")
    assert _numbered(reply) == [1, 2, 3]
    assert reply.count("miles away") + reply.count("mile away") >= 3
    assert "made-up examples" in reply
    slots = stack.slots(sender)
    assert slots["outcode"] == "L9"
    assert "1AD" not in json.dumps(slots)

    reply = stack.say(sender, "tell me more about 2")
    assert reply.startswith("2. ") and "Phone:" in reply

    reply = stack.say(sender, "show me more")
    assert _numbered(reply)[0] == 4


def test_two_needs_in_one_message(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "I'm in debt and about to lose my flat")
    slots = stack.slots(sender)
    assert slots["need"] == "housing"
    assert set(slots["needs"]) == {"housing", "money"}


def test_crisis_at_the_postcode_question_comes_first(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "need a food bank")
    reply = stack.say(sender, "i dont want to be here anymore")
    for number in ("999", "116 123", "85258", "111"):
        assert number in reply
    assert stack.slots(sender)["paused_loop"] == "location_form"
    assert "Whereabouts are you?" in stack.say(sender, "yes")
    assert _numbered(stack.say(sender, "Bootle"))[:1] == [1]


def test_awkward_messages_get_kind_answers(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert "words" in stack.say(sender, "😊😊😊")
    long_text = ("I have been having a hard time. " * 300)[:10_000]
    assert stack.say(sender, long_text)
    stack.say(sender, "lonely since my wife died")
    reply = stack.say(sender, "ZZ9 9ZZ")
    assert "postcode" in reply and "Whereabouts" not in reply.split(".")[0]


def test_conversation_survives_a_restart(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "looking for a walking group")
    stack.say(sender, "Crosby")
    before = stack.slots(sender)
    stack.stop()
    stack.start()
    after = stack.slots(sender)
    assert after["need"] == before["need"] == "physical_activity"
    assert after["results"] == before["results"]
    assert _numbered(stack.say(sender, "show more"))[0] == 4
