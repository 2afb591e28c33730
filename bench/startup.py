"""Start-up: seconds from launch until each server is ready and until the first message is
answered, and resident memory of each server process after a warm-up; ours beside the stock
`rasa init` bot. Each assistant is started `--repeats` times; the table shows the median.

Ours starts the way `signpost up` starts it (both servers at once, PostgreSQL as in the load
benchmark). "Rasa ready" is the server answering GET /, "answered" the first REST message
getting a reply. The warm-up is a few whole conversations, so memory includes everything a
conversation loads (the postcode index, the directory, the booking code).

    .venv/bin/python -m bench.startup [--repeats 3] [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from pathlib import Path

from bench.common import emit, machine_header, rss_mb, table
from bench.conversations import conversation
from bench.stacks import Running, ours, post_message, stock
from bench.stock import stock_project

WARMUP_CONVERSATIONS = 12


def warm_up(running: Running) -> None:
    rng = random.Random(99)
    for number in range(WARMUP_CONVERSATIONS):
        buttons: list[dict] = []
        for step in conversation(rng):
            replies = post_message(running.url, f"bench-warm-{number}", step.message(buttons))
            buttons = [b for r in replies for b in (r.get("buttons") or [])]


def measure(running: Running) -> dict[str, float]:
    figures = dict(running.ready)
    warm_up(running)
    for name, pid in running.pids.items():
        figures[f"rss_{name}"] = rss_mb(pid)
    return figures


def _median(samples: list[dict[str, float]], key: str) -> str:
    values = [s[key] for s in samples if key in s]
    if not values:
        return "-"
    return f"{statistics.median(values):.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=["ours", "stock"], default=None)
    parser.add_argument("--fresh-stock", action="store_true")
    parser.add_argument("--quick", action="store_true", help="one start of each")
    parser.add_argument("--report", type=Path, default=None, help="append the tables here")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = 1
    if not 1 <= args.repeats <= 10:
        parser.error("--repeats must be 1..10")
    emit(machine_header(), args.report)
    samples: dict[str, list[dict[str, float]]] = {"ours": [], "stock": []}
    with tempfile.TemporaryDirectory(prefix="signpost-bench-") as scratch:
        work = Path(scratch)
        project = None if args.only == "ours" else stock_project(work, fresh=args.fresh_stock)
        for repeat in range(args.repeats):
            if args.only != "stock":
                with ours(work / f"ours-{repeat}") as running:
                    samples["ours"].append(measure(running))
            if project is not None:
                with stock(project.folder, project.model, work / f"stock-{repeat}") as running:
                    samples["stock"].append(measure(running))
    rows = []
    for name, runs in samples.items():
        if runs:
            rows.append(
                [
                    name,
                    len(runs),
                    _median(runs, "actions"),
                    _median(runs, "rasa"),
                    _median(runs, "answer"),
                    _median(runs, "rss_rasa"),
                    _median(runs, "rss_actions"),
                ]
            )
    emit(
        table(
            "Start-up and memory (target: answering <= 20 s, Rasa server RSS <= 1 GB)",
            [
                "assistant",
                "starts",
                "action server ready s",
                "Rasa server ready s",
                "first answer s",
                "Rasa server RSS MB",
                "action server RSS MB",
            ],
            rows,
        ),
        args.report,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
