"""Start the two assistants the benchmarks compare, on loopback, and time how soon each is ready.

Ours runs with production-like settings: the action server, production's SQL tracker store
(the class named in endpoints.production.yml) on PostgreSQL, and the directory (sample
directory + advisors) in PostgreSQL, each database a throwaway one made for the run. It is
started the way `signpost up` starts it (`bot.processes.start_servers`). The stock bot runs
as `rasa init` left it: `rasa run` with its own credentials (REST) and endpoints (in-memory
tracker store, no action server).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import QUIET_ENV, REPO, postgres_parts, rasa_bin, throwaway_postgres
from bot.chat_client import send as post_message


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ReadyWatch:
    """Polls URLs from a start time and records when each first answers 200."""

    def __init__(self, urls: dict[str, str], started: float, timeout: float = 180.0) -> None:
        self.urls = urls
        self.started = started
        self.timeout = timeout
        self.ready: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        deadline = self.started + self.timeout
        while not self._stop.is_set() and time.monotonic() < deadline:
            for name, url in self.urls.items():
                if name in self.ready:
                    continue
                with (
                    contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
                    urllib.request.urlopen(url, timeout=1) as response,
                ):
                    if response.status == 200:
                        self.ready[name] = time.monotonic() - self.started
            if len(self.ready) == len(self.urls):
                return
            time.sleep(0.05)

    def wait(self) -> dict[str, float]:
        self._thread.join(self.timeout + 5)
        return self.ready

    def stop(self) -> None:
        self._stop.set()


@dataclass
class Running:
    """A started assistant: its REST base URL, process ids, and start-up times (seconds)."""

    name: str
    url: str
    pids: dict[str, int]  # "rasa" and, for ours, "actions"
    ready: dict[str, float] = field(default_factory=dict)


def _first_answer(url: str, started: float, timeout: float = 120.0) -> float:
    """Seconds from `started` until a message gets a real answer (the model is loaded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            if post_message(url, "bench-ready-check", "hello", timeout=30):
                return time.monotonic() - started
        time.sleep(0.1)
    raise TimeoutError(f"{url} gave no answer within {timeout:.0f}s")


# Production's lock store (endpoints.production.yml): Redis, which also lets Rasa run several
# Sanic workers (SANIC_WORKERS). Used only when a benchmark asks for more than one worker.
REDIS_HOST = os.environ.get("SIGNPOST_BENCH_REDIS_HOST", "127.0.0.1")
REDIS_PORT = os.environ.get("SIGNPOST_BENCH_REDIS_PORT", "6379")


def production_tracker_store_type() -> str:
    """The tracker store class production uses (endpoints.production.yml), else Rasa's SQL."""
    import yaml

    path = REPO / "endpoints.production.yml"
    if not path.exists():
        return "SQL"
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return str((config.get("tracker_store") or {}).get("type") or "SQL")


def write_endpoints(
    path: Path, action_port: int, tracker_url: str, lock_prefix: str | None = None
) -> Path:
    """endpoints.yml for our assistant: the action server, production's tracker store on
    `tracker_url`, and (with `lock_prefix`) production's Redis lock store."""
    tracker = postgres_parts(tracker_url)
    path.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        f"tracker_store:\n  type: {production_tracker_store_type()}\n  dialect: postgresql\n"
        f"  url: {tracker['host']}\n  port: {tracker['port']}\n"
        f"  db: {tracker['db']}\n  username: {tracker['user']}\n"
        + (f"  password: {tracker['password']}\n" if tracker["password"] else "")
        + (
            f"lock_store:\n  type: redis\n  url: {REDIS_HOST}\n  port: {REDIS_PORT}\n"
            f"  db: 0\n  key_prefix: {lock_prefix}\n"
            if lock_prefix
            else ""
        )
    )
    return path


@contextlib.contextmanager
def ours(
    workdir: Path, extra_env: dict[str, str] | None = None, workers: int = 1
) -> Iterator[Running]:
    """Our assistant on PostgreSQL (tracker store and directory), ready to answer.

    `workers` > 1 runs that many Rasa server processes (SANIC_WORKERS) with production's
    Redis lock store, so one conversation is still handled by one process at a time.
    """
    from bot.booking.loader import load_advisors
    from bot.config import REPO_ROOT
    from bot.db import get_engine
    from bot.directory.loader import load_directory
    from bot.geography import Gazetteer
    from bot.modelcache import ensure_model
    from bot.processes import start_servers

    model, _ = ensure_model()
    workdir.mkdir(parents=True, exist_ok=True)
    with throwaway_postgres("project") as db_url, throwaway_postgres("tracker") as tracker_url:
        engine = get_engine(db_url)
        load_advisors(engine, REPO_ROOT / "resources" / "booking" / "advisors.yml")
        load_directory(engine, REPO_ROOT / "resources" / "directory", Gazetteer.load())
        engine.dispose()
        action_port, rasa_port = free_port(), free_port()
        endpoints = write_endpoints(
            workdir / "endpoints.yml",
            action_port,
            tracker_url,
            lock_prefix=f"signpostbench{action_port}" if workers > 1 else None,
        )
        url = f"http://127.0.0.1:{rasa_port}"
        started = time.monotonic()
        watch = ReadyWatch(
            {"actions": f"http://127.0.0.1:{action_port}/health", "rasa": f"{url}/"}, started
        )
        servers = start_servers(
            model,
            rasa_port=rasa_port,
            action_port=action_port,
            endpoints=endpoints,
            log_dir=workdir / "logs",
            env={
                **QUIET_ENV,
                "SIGNPOST_DATABASE_URL": db_url,
                "SIGNPOST_VAR_DIR": str(workdir),
                "SANIC_WORKERS": str(workers),
                **(extra_env or {}),
            },
            timeout=180,
        )
        try:
            ready = watch.wait()
            ready["answer"] = _first_answer(url, started)
            action, rasa = servers.processes[0], servers.processes[1]
            yield Running("ours", url, {"rasa": rasa.pid, "actions": action.pid}, ready)
        finally:
            watch.stop()
            servers.stop()


@contextlib.contextmanager
def stock(folder: Path, model: Path, workdir: Path) -> Iterator[Running]:
    """The stock `rasa init` assistant, as `rasa run` serves it, ready to answer."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (workdir / "stock-rasa.log").open("ab")
    started = time.monotonic()
    watch = ReadyWatch({"rasa": f"{url}/"}, started)
    process = subprocess.Popen(
        [
            rasa_bin(),
            "run",
            "--model",
            str(model),
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--credentials",
            str(folder / "credentials.yml"),
            "--endpoints",
            str(folder / "endpoints.yml"),
        ],
        cwd=folder,
        env={**os.environ, **QUIET_ENV},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        ready = watch.wait()
        if "rasa" not in ready:
            raise RuntimeError(f"the stock bot did not start; see {workdir / 'stock-rasa.log'}")
        ready["answer"] = _first_answer(url, started)
        yield Running("stock", url, {"rasa": process.pid}, ready)
    finally:
        watch.stop()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def repo_relative(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)
