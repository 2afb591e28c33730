"""A running assistant for end-to-end tests: the trained model, the real Rasa server and the
real action server on private ports, with their own databases. Channel tests pass their own
credentials file and environment (e.g. a fake Twilio or Telegram API URL on 127.0.0.1).
"""

from __future__ import annotations

import json
import secrets
import socket
import urllib.request
from pathlib import Path

from bot.booking.loader import load_advisors
from bot.chat_client import send
from bot.config import REPO_ROOT
from bot.db import get_engine
from bot.directory.loader import load_directory
from bot.geography import Gazetteer
from bot.modelcache import ensure_model
from bot.processes import ServerSet, start_servers

# Every stack runs with the safety net first and the checked REST channel (as credentials.yml);
# channel tests add their own channel after these.
BASE_CREDENTIALS = (
    "components.safety_net.SafetyNetInput:\ncomponents.rest_channel.CheckedRestInput:\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """Both servers on private ports, with their own databases, restartable."""

    def __init__(
        self,
        workdir: Path,
        credentials: Path | None = None,
        env: dict[str, str] | None = None,
        db_url: str | None = None,
    ) -> None:
        self.workdir = workdir
        self.credentials = credentials
        self.extra_env = env or {}
        self.model, _ = ensure_model()
        self.token = secrets.token_hex(16)
        # The project database: its own SQLite file unless given (e.g. PostgreSQL for production).
        self.db_url = db_url or f"sqlite:///{workdir / 'signpost.db'}"
        engine = get_engine(self.db_url)
        load_advisors(engine, REPO_ROOT / "resources" / "booking" / "advisors.yml")
        load_directory(engine, REPO_ROOT / "resources" / "directory", Gazetteer.load())
        self.action_port, self.rasa_port = free_port(), free_port()
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(
            f"action_endpoint:\n  url: http://127.0.0.1:{self.action_port}/webhook\n"
            "tracker_store:\n"
            "  type: components.redacting_tracker_store.RedactingSQLTrackerStore\n"
            f"  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n"
        )
        self.servers: ServerSet | None = None

    def start(self) -> None:
        self.servers = start_servers(
            self.model,
            rasa_port=self.rasa_port,
            action_port=self.action_port,
            endpoints=self.endpoints,
            credentials=self.credentials,
            log_dir=self.workdir / "logs",
            env={
                "SIGNPOST_DATABASE_URL": self.db_url,
                "SIGNPOST_VAR_DIR": str(self.workdir),
                # Every turn of every end-to-end test also works its dialogue states, rule
                # lookup, intent input and memo keys out Rasa's own way; any difference fails
                # the turn (components/speedups.py).
                "SIGNPOST_CHECK_SPEEDUPS": "1",
                **self.extra_env,
            },
            rasa_args=("--enable-api", "--auth-token", self.token),
            logging_config=REPO_ROOT / "logging.yml",
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

    def bot_texts(self, sender: str) -> list[str]:
        """Everything the assistant said in this conversation, from the tracker."""
        with urllib.request.urlopen(
            f"{self.url}/conversations/{sender}/tracker?token={self.token}", timeout=10
        ) as response:
            events = json.loads(response.read())["events"]
        return [e.get("text") or "" for e in events if e.get("event") == "bot"]
