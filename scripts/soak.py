#!/usr/bin/env python
"""Soak test: mixed conversations against a running assistant for a bounded time, on loopback
only; reports errors, latency and the memory growth of both servers.

    .venv/bin/python scripts/soak.py --start --minutes 10          # its own servers
    .venv/bin/python scripts/soak.py --url http://127.0.0.1:5005 --minutes 5   # running ones

--start runs a private action server and Rasa server (the production safety net and the
redacting tracker store, on SQLite in a temporary folder), so nothing real is touched. With
--url, the servers' memory is found from the processes listening on the two ports.

It stops at --minutes or --max-messages, whichever comes first (both are capped). The report
goes to stdout (and --json FILE); the exit status is 1 if any message failed or memory grew
more than --max-growth-mb.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_MINUTES = 24 * 60
MAX_MESSAGES = 1_000_000
FALLBACK = "Sorry, something has gone wrong on my side"

PLACES = ["L9 1AD", "L9", "Bootle", "Southport", "Crosby", "L4", "L20", "Walton", "PR8"]
NEEDS = [
    "im skint and behind on my council tax",
    "I can't afford food this week",
    "I feel really lonely since my wife died",
    "worried about losing my flat",
    "i need a job",
    "looking after my mum is wearing me down",
    "i drink too much",
    "want to get fitter",
]
CONVERSATIONS = {
    "signposting": lambda: [random.choice(NEEDS), random.choice(PLACES), "show more",
                            f"tell me more about {random.randint(1, 3)}",
                            "look in Southport instead", "thanks"],
    "greeting": lambda: ["hiya", "what can you do", random.choice(NEEDS),
                         random.choice(PLACES)],
    "crisis": lambda: [random.choice(NEEDS), "honestly i just want to end my life", "yes",
                       random.choice(PLACES)],
    "booking": lambda: [random.choice(NEEDS), "L9", "yes", "Phone call", "2", "yes", "Alex",
                        f"0151 496 0{random.randint(100, 999)}", "no", "no"],
    "awkward": lambda: ["🙂", "", "?", "stop", "start again", "/need_money", "Bootle"],
}  # fmt: skip


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    messages: int = 0
    conversations: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.messages += 1
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing {url}: the soak test only talks to loopback addresses")


def say(url: str, sender: str, text: str) -> tuple[float, str | None]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            replies = json.loads(response.read())
    except urllib.error.HTTPError as error:
        return time.monotonic() - started, f"HTTP {error.code} for {text!r}"
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        return time.monotonic() - started, f"{type(error).__name__} for {text!r}"
    seconds = time.monotonic() - started
    shown = " ".join(str(r.get("text") or "") for r in replies)
    if not replies and text.strip():
        return seconds, f"no reply to {text!r}"
    if FALLBACK in shown:
        return seconds, f"fallback reply to {text!r}"
    return seconds, None


def worker(url: str, results: Results, stop: threading.Event, budget: threading.Semaphore) -> None:
    while not stop.is_set():
        kind = random.choice(list(CONVERSATIONS))
        sender = f"soak-{kind}-{uuid.uuid4().hex[:10]}"
        for text in CONVERSATIONS[kind]():
            if stop.is_set() or not budget.acquire(blocking=False):
                stop.set()
                return
            seconds, error = say(url, sender, text)
            results.record(seconds, error)
        with results.lock:
            results.conversations += 1


def _tree_rss(process: psutil.Process) -> int:
    """Resident memory of a server and its children (Sanic may fork workers)."""
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a worker that just ended
            total += proc.memory_info().rss
    return total


def listening_process(port: int) -> psutil.Process | None:
    for connection in psutil.net_connections(kind="tcp"):
        laddr = connection.laddr
        if laddr and laddr.port == port and connection.status == "LISTEN" and connection.pid:
            return psutil.Process(connection.pid)
    return None


def sample_memory(
    processes: dict[str, psutil.Process], samples: dict[str, list[int]], stop: threading.Event
) -> None:
    while True:
        for name, process in processes.items():
            samples[name].append(_tree_rss(process))
        if stop.wait(2.0):
            return


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_own_servers(workdir: Path) -> tuple[str, dict[str, psutil.Process], object]:
    from bot.booking.loader import load_advisors
    from bot.db import get_engine
    from bot.directory.loader import load_directory
    from bot.geography import Gazetteer
    from bot.modelcache import ensure_model
    from bot.processes import start_servers

    model, _ = ensure_model()
    db_url = f"sqlite:///{workdir / 'signpost.db'}"
    engine = get_engine(db_url)
    load_advisors(engine, REPO_ROOT / "resources" / "booking" / "advisors.yml")
    load_directory(engine, REPO_ROOT / "resources" / "directory", Gazetteer.load())
    action_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        "tracker_store:\n"
        "  type: components.redacting_tracker_store.RedactingSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n"
    )
    credentials = workdir / "credentials.yml"
    credentials.write_text(
        "components.safety_net.SafetyNetInput:\ncomponents.rest_channel.CheckedRestInput:\n"
    )
    servers = start_servers(
        model,
        rasa_port=rasa_port,
        action_port=action_port,
        endpoints=endpoints,
        credentials=credentials,
        log_dir=workdir / "logs",
        env={"SIGNPOST_DATABASE_URL": db_url, "SIGNPOST_VAR_DIR": str(workdir)},
        logging_config=REPO_ROOT / "logging.yml",
    )
    action, rasa = (psutil.Process(p.pid) for p in servers.processes)
    return f"http://127.0.0.1:{rasa_port}", {"rasa": rasa, "actions": action}, servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--start", action="store_true", help="start private servers")
    target.add_argument("--url", help="a running Rasa server on loopback")
    parser.add_argument("--action-port", type=int, default=5055, help="with --url")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--max-messages", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warm-up", type=int, default=30, help="messages before measuring")
    parser.add_argument("--max-growth-mb", type=float, default=150.0)
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)

    minutes = min(max(args.minutes, 0.05), MAX_MINUTES)
    budget_messages = min(max(args.max_messages, 1), MAX_MESSAGES)
    concurrency = min(max(args.concurrency, 1), 64)
    random.seed(args.seed)

    servers = None
    temporary = None
    if args.start:
        temporary = tempfile.TemporaryDirectory(prefix="signpost-soak-")
        url, processes, servers = start_own_servers(Path(temporary.name))
    else:
        url = args.url.rstrip("/")
        _check_loopback(url)
        processes = {}
        port = urlsplit(url).port or 80
        for name, found in (
            ("rasa", listening_process(port)),
            ("actions", listening_process(args.action_port)),
        ):
            if found is not None:
                processes[name] = found
    _check_loopback(url)

    try:
        # Warm up first: the first turns load caches, and would look like growth.
        warm = Results()
        for text in CONVERSATIONS["signposting"]()[: max(0, args.warm_up)]:
            warm.record(*say(url, f"soak-warm-{uuid.uuid4().hex[:8]}", text))
        results = Results()
        samples: dict[str, list[int]] = {name: [] for name in processes}
        stop, sampler_stop = threading.Event(), threading.Event()
        sampler = threading.Thread(
            target=sample_memory, args=(processes, samples, sampler_stop), daemon=True
        )
        sampler.start()
        budget = threading.Semaphore(budget_messages)
        started = time.monotonic()
        workers = [
            threading.Thread(target=worker, args=(url, results, stop, budget), daemon=True)
            for _ in range(concurrency)
        ]
        for thread in workers:
            thread.start()
        stop.wait(minutes * 60)
        stop.set()
        for thread in workers:
            thread.join(timeout=90)
        elapsed = time.monotonic() - started
        sampler_stop.set()
        sampler.join(timeout=10)
    finally:
        if servers is not None:
            servers.stop()
        if temporary is not None:
            temporary.cleanup()

    memory = {}
    for name, values in samples.items():
        if values:
            memory[name] = {
                "start_mb": round(values[0] / 2**20, 1),
                "end_mb": round(values[-1] / 2**20, 1),
                "max_mb": round(max(values) / 2**20, 1),
                "growth_mb": round((values[-1] - values[0]) / 2**20, 1),
                "samples": len(values),
            }
    lat = results.latencies
    report = {
        "url": url,
        "seconds": round(elapsed, 1),
        "concurrency": concurrency,
        "conversations": results.conversations,
        "messages": results.messages,
        "messages_per_second": round(results.messages / elapsed, 2) if elapsed else 0.0,
        "errors": len(results.errors),
        "first_errors": results.errors[:10],
        "latency_seconds": {
            "median": round(statistics.median(lat), 3) if lat else None,
            "p95": round(percentile(lat, 0.95), 3),
            "p99": round(percentile(lat, 0.99), 3),
            "max": round(max(lat), 3) if lat else None,
        },
        "memory": memory,
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    grew = [n for n, m in memory.items() if m["growth_mb"] > args.max_growth_mb]
    if results.errors or grew:
        print(
            f"FAILED: {len(results.errors)} errors; memory grew too much in: {grew or 'none'}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
