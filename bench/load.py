"""Conversation load: N simulated people holding mixed conversations over the REST channel,
against our assistant (production-like: action server, SQL tracker store and directory on
PostgreSQL) and, in the same run with the same N and the same messages, the stock
`rasa init` bot.

Each person sends a message, waits for the answer, and sends the next (no pause between: the
closed loop measures what the server can do). A short warm-up is discarded; then turns are
counted for `--duration` seconds. Throughput is answered turns per second; latency is per
turn (one message and all its replies). An error is an HTTP error, a timeout, or our safety
net's apology (a turn that failed inside the server still gets that kind reply, so an HTTP
200 alone does not prove it worked); "no reply" counts turns answered with an empty list
(the stock bot sometimes just listens).

    .venv/bin/python -m bench.load [--people 10] [--duration 60] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import cpu_seconds, emit, machine_header, percentile, rss_mb, table
from bench.conversations import conversation
from bench.stacks import Running, ours, stock
from bench.stock import stock_project
from components.safety_net import APOLOGY_START as SAFETY_NET_APOLOGY

REQUEST_TIMEOUT = 30.0
MAX_TURNS = 50_000  # a hard bound on messages per run, whatever the duration


@dataclass
class LoadResult:
    name: str
    people: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0  # HTTP errors, timeouts and the safety net's apology
    silent: int = 0  # answered with no reply at all
    conversations: int = 0
    cpu_ms_per_turn: dict[str, float] = field(default_factory=dict)
    rss_mb: dict[str, float] = field(default_factory=dict)

    @property
    def turns(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    def p(self, pct: float) -> float:
        return percentile(self.latencies_ms, pct)


async def _person(
    session, url: str, person: int, seed: int, deadline: float, result: LoadResult, budget: list
) -> None:
    import aiohttp

    rng = random.Random(seed * 1000 + person)
    number = 0
    while time.monotonic() < deadline:
        number += 1
        sender = f"bench-{seed}-{person}-{number}-{rng.randrange(10**9)}"
        buttons: list[dict] = []
        for step in conversation(rng):
            if time.monotonic() >= deadline or budget[0] <= 0:
                return
            budget[0] -= 1
            message = step.message(buttons)
            started = time.perf_counter()
            try:
                async with session.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}
                ) as response:
                    replies = await response.json(content_type=None) if response.ok else None
            except (aiohttp.ClientError, asyncio.TimeoutError):
                replies = None
            elapsed = (time.perf_counter() - started) * 1000
            if replies is None or any(
                str(reply.get("text") or "").startswith(SAFETY_NET_APOLOGY) for reply in replies
            ):
                result.errors += 1
                buttons = []
                continue
            result.latencies_ms.append(elapsed)
            if not replies:
                result.silent += 1
            buttons = [b for r in replies for b in (r.get("buttons") or [])]
        result.conversations += 1


async def _drive(url: str, people: int, seconds: float, seed: int, name: str) -> LoadResult:
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=people)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        result = LoadResult(name, people, 0.0)
        started = time.monotonic()
        budget = [MAX_TURNS]
        await asyncio.gather(
            *(
                _person(session, url, p, seed, started + seconds, result, budget)
                for p in range(people)
            )
        )
        result.seconds = time.monotonic() - started
        return result


def run_load(running: Running, people: int, seconds: float, warmup: float, seed: int) -> LoadResult:
    """Warm up (discarded), then measure; CPU per turn and memory from the server processes."""
    if warmup > 0:
        asyncio.run(_drive(running.url, people, warmup, seed + 7919, running.name))
    cpu_before = {name: cpu_seconds(pid) for name, pid in running.pids.items()}
    result = asyncio.run(_drive(running.url, people, seconds, seed, running.name))
    for name, pid in running.pids.items():
        used = cpu_seconds(pid) - cpu_before[name]
        result.cpu_ms_per_turn[name] = 1000 * used / max(result.turns, 1)
        result.rss_mb[name] = rss_mb(pid)
    return result


def _rows(results: list[LoadResult]) -> list[list[object]]:
    rows = []
    for r in results:
        cpu = " + ".join(
            f"{r.cpu_ms_per_turn[k]:.1f}" for k in ("rasa", "actions") if k in r.cpu_ms_per_turn
        )
        rss = " + ".join(f"{r.rss_mb[k]:.0f}" for k in ("rasa", "actions") if k in r.rss_mb)
        rows.append(
            [
                r.name,
                r.people,
                r.turns,
                f"{r.throughput:.1f}",
                f"{r.p(50):.0f}",
                f"{r.p(95):.0f}",
                f"{r.p(99):.0f}",
                r.errors,
                r.silent,
                cpu,
                rss,
            ]
        )
    return rows


def report(results: list[tuple[int, LoadResult]], out: Path | None) -> None:
    """The results table, then each of our set-ups against the stock bot of the same round."""
    headers = [
        "assistant",
        "people",
        "turns",
        "msg/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "no reply",
        "CPU ms/turn (rasa + actions)",
        "RSS MB (rasa + actions)",
    ]
    emit(table("Conversation load", headers, _rows([r for _, r in results])), out)
    stock_by_round = {n: r for n, r in results if r.name == "stock"}
    ratio_rows = []
    for number, a in results:
        b = stock_by_round.get(number)
        if a.name == "stock" or b is None:
            continue
        ratio_rows.append(
            [
                number + 1,
                a.name,
                f"{a.throughput / b.throughput:.2f}x" if b.throughput else "-",
                f"{a.p(50) / b.p(50):.2f}x" if b.p(50) else "-",
                f"{a.p(95) / b.p(95):.2f}x" if b.p(95) else "-",
                f"{a.p(99) / b.p(99):.2f}x" if b.p(99) else "-",
            ]
        )
    if ratio_rows:
        emit(
            table(
                "Ours / stock, same round (target: throughput >= 1.5x, p95 <= 0.8x)",
                ["round", "assistant", "throughput", "p50", "p95", "p99"],
                ratio_rows,
            ),
            out,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=8.0, help="discarded seconds first")
    parser.add_argument("--rounds", type=int, default=1, help="ours then stock, this many times")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers",
        default="1",
        help="ours: Rasa server processes, comma-separated to run several set-ups "
        "(more than 1 uses production's Redis lock store on 127.0.0.1:6379)",
    )
    parser.add_argument("--only", choices=["ours", "stock"], default=None)
    parser.add_argument("--fresh-stock", action="store_true", help="run `rasa init` again")
    parser.add_argument("--quick", action="store_true", help="20 s measured, 3 s warm-up")
    parser.add_argument("--report", type=Path, default=None, help="append the tables here")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = min(args.duration, 20.0), min(args.warmup, 3.0)
    workers = [int(w) for w in str(args.workers).split(",") if w]
    if not 1 <= args.people <= 200 or not 0 < args.duration <= 1800:
        parser.error("--people must be 1..200 and --duration at most 1800 s")
    if not workers or not all(1 <= w <= 8 for w in workers) or not 1 <= args.rounds <= 5:
        parser.error("--workers must be 1..8 each and --rounds 1..5")
    emit(machine_header(), args.report)
    results: list[tuple[int, LoadResult]] = []
    with tempfile.TemporaryDirectory(prefix="signpost-bench-") as scratch:
        work = Path(scratch)
        project = None if args.only == "ours" else stock_project(work, fresh=args.fresh_stock)
        for number in range(args.rounds):
            for count in workers if args.only != "stock" else []:
                with ours(work / f"ours-{number}-{count}", workers=count) as running:
                    if count > 1:
                        running.name = f"ours, {count} Rasa workers"
                    result = run_load(running, args.people, args.duration, args.warmup, args.seed)
                    results.append((number, result))
            if project is not None:
                with stock(project.folder, project.model, work / f"stock-{number}") as running:
                    result = run_load(running, args.people, args.duration, args.warmup, args.seed)
                    results.append((number, result))
    report(results, args.report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
