"""The production configuration, run for real on loopback: endpoints.production.yml with its
environment variables pointing at throwaway PostgreSQL databases and a private key prefix on
the local Redis, the safety net, logging.yml, SIGNPOST_ENV=production. The servers are real
processes the tests start, kill and restart.
"""

from __future__ import annotations

import json
import secrets
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.booking.loader import load_advisors
from bot.config import REPO_ROOT
from bot.db import create_schema, get_engine
from bot.directory.loader import load_directory
from bot.geography import Gazetteer
from bot.modelcache import ensure_model
from bot.processes import ServerSet, start_servers
from tests.support.stack import free_port

PSEUDONYM_KEY = "production-tests-pseudonym-key-0123456789abcdef"
CREDENTIALS = "components.safety_net.SafetyNetInput:\nrest:\n"
# Tight limits, so a fault is answered quickly here too.
ACTION_TIMEOUT, TURN_TIMEOUT, LOCK_LIFETIME = 3, 8, 12


@dataclass
class Reply:
    texts: list[str]
    seconds: float
    status: int

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass
class ProductionStack:
    """An action server and any number of Rasa servers, on the production configuration.

    `project_url`/`tracker_url` are PostgreSQL URLs the servers use; `redis_port` lets a test
    put a proxy in front of Redis. Log files are kept apart per process.
    """

    workdir: Path
    project_url: str
    tracker_url: str
    redis_port: int = 6379
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.model, _ = ensure_model()
        self.key_prefix = "t" + secrets.token_hex(6)
        self.action_port = free_port()
        self.credentials = self.workdir / "credentials.yml"
        self.credentials.write_text(CREDENTIALS)
        self.logs = self.workdir / "logs"
        self.actions: ServerSet | None = None
        self.rasa: dict[int, ServerSet] = {}
        self.domain = Domain.load(REPO_ROOT / "domain.yml")

    def prepare_databases(self, directory_url: str | None = None) -> None:
        """Schema, directory and advisors in the project database (once per stack)."""
        engine = get_engine(directory_url or self.project_url)
        create_schema(engine)
        load_advisors(engine, REPO_ROOT / "resources" / "booking" / "advisors.yml")
        load_directory(engine, REPO_ROOT / "resources" / "directory", Gazetteer.load())

    def env(self) -> dict[str, str]:
        tracker = make_url(self.tracker_url)
        return {
            "SIGNPOST_ENV": "production",
            "SIGNPOST_PSEUDONYM_KEY": PSEUDONYM_KEY,
            "SIGNPOST_DATABASE_URL": self.project_url,
            "SIGNPOST_VAR_DIR": str(self.workdir),
            "SIGNPOST_TRACKER_DB_HOST": tracker.host or "127.0.0.1",
            "SIGNPOST_TRACKER_DB_PORT": str(tracker.port or 5432),
            "SIGNPOST_TRACKER_DB_NAME": tracker.database or "",
            "SIGNPOST_TRACKER_DB_USER": tracker.username or "",
            "SIGNPOST_TRACKER_DB_PASSWORD": tracker.password or "",
            "SIGNPOST_REDIS_HOST": "127.0.0.1",
            "SIGNPOST_REDIS_PORT": str(self.redis_port),
            "SIGNPOST_REDIS_PASSWORD": "",
            "SIGNPOST_REDIS_DB": "0",
            "SIGNPOST_REDIS_KEY_PREFIX": self.key_prefix,
            "SIGNPOST_ACTION_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "SIGNPOST_ACTION_TIMEOUT_SECONDS": str(ACTION_TIMEOUT),
            "SIGNPOST_TURN_TIMEOUT_SECONDS": str(TURN_TIMEOUT),
            "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME),
            "RASA_TELEMETRY_ENABLED": "false",
            # Each speed fix's answer is compared with Rasa's own (components/speedups.py).
            "SIGNPOST_CHECK_SPEEDUPS": "1",
            **self.extra_env,
        }

    # --- processes ------------------------------------------------------------------------

    def start_actions(self) -> None:
        self.actions = start_servers(
            self.model,
            action_port=self.action_port,
            log_dir=self.logs,
            env=self.env(),
            logging_config=REPO_ROOT / "logging.yml",
            rasa=False,
        )

    def start_rasa(self, *ports: int) -> None:
        """Start Rasa servers on these ports, side by side (each takes a while to load)."""
        errors: list[BaseException] = []

        def one(port: int) -> None:
            try:
                self.rasa[port] = start_servers(
                    self.model,
                    rasa_port=port,
                    action_port=self.action_port,
                    endpoints=REPO_ROOT / "endpoints.production.yml",
                    credentials=self.credentials,
                    log_dir=self.logs,
                    env=self.env(),
                    logging_config=REPO_ROOT / "logging.yml",
                    actions=False,
                    log_suffix=f"-{port}",
                    timeout=240,
                )
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=one, args=(port,)) for port in ports]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def kill_rasa(self, port: int) -> None:
        """kill -9: no shutdown of any kind."""
        servers = self.rasa.pop(port)
        for process in servers.processes:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)

    def kill_actions(self) -> None:
        assert self.actions is not None
        for process in self.actions.processes:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        self.actions = None

    def action_process(self) -> subprocess.Popen:
        assert self.actions is not None
        return self.actions.processes[0]

    def stop(self) -> None:
        for servers in self.rasa.values():
            servers.stop()
        self.rasa.clear()
        if self.actions is not None:
            self.actions.stop()
            self.actions = None
        client = redis.Redis(host="127.0.0.1", port=6379, db=0)
        for key in client.scan_iter(f"{self.key_prefix}:*"):
            client.delete(key)
        client.close()

    # --- talking ----------------------------------------------------------------------------

    def say(self, port: int, sender: str, message: str, timeout: float = 60) -> Reply:
        """A message over REST to the Rasa server on `port`; what came back, and how fast."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                replies = json.loads(response.read())
                status = response.status
        except urllib.error.HTTPError as error:
            replies, status = [], error.code
        texts = [r.get("text") or "" for r in replies]
        return Reply(texts, time.monotonic() - started, status)

    # --- what is stored ---------------------------------------------------------------------

    def stored_events(self, sender: str) -> list[dict[str, Any]]:
        engine = create_engine(self.tracker_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                    {"s": sender},
                ).all()
        finally:
            engine.dispose()
        return [json.loads(data) for (data,) in rows]

    def stored_tracker(self, sender: str) -> DialogueStateTracker:
        """The conversation as a restarted server would load it from the store."""
        return DialogueStateTracker.from_dict(sender, self.stored_events(sender), self.domain.slots)

    def stored_user_texts(self, sender: str) -> list[str]:
        return [e.get("text") or "" for e in self.stored_events(sender) if e["event"] == "user"]

    def log_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))
