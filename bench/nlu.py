"""Language understanding: how long the NLU takes per message, and how well it understands,
so a faster pipeline is never bought with worse understanding.

- Parse time: every held-out message (tests/data/heldout_*.yml, tests/data/safety_eval.yml)
  parsed one at a time by the trained model, after a warm-up, ours and the stock `rasa init`
  model (which does not know our intents: only its time is compared).
- Per-category F1: Rasa's cross-validation of our NLU data and pipeline (config.yml) with a
  fixed fold seed (Rasa shuffles the folds without one, which moves results by about 0.005),
  one row per need category, crisis, and the other intents averaged.
- Crisis recall through the whole pipeline (model + deterministic layer: final intent is
  `crisis`) on tests/data/safety_eval.yml, and how many of its hard negatives were called a
  crisis.

    .venv/bin/python -m bench.nlu [--folds 5] [--seed 0] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.common import QUIET_ENV, REPO, emit, machine_header, percentile, table
from bench.stock import stock_project


def _quiet() -> None:
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    logging.disable(logging.WARNING)


def held_out_messages() -> tuple[list[str], list[str], list[str]]:
    """(every held-out text, crisis texts, not-crisis texts)."""
    data = REPO / "tests" / "data"
    needs = yaml.safe_load((data / "heldout_needs.yml").read_text(encoding="utf-8"))
    general = yaml.safe_load((data / "heldout_general.yml").read_text(encoding="utf-8"))
    safety = yaml.safe_load((data / "safety_eval.yml").read_text(encoding="utf-8"))
    texts = [t for key, items in needs.items() if key != "two_needs" for t in items]
    texts += [item["text"] for item in needs.get("two_needs", [])]
    texts += [t for items in general.values() for t in items]
    crisis = [item["text"] for item in safety["crisis"]]
    not_crisis = [item["text"] if isinstance(item, dict) else item for item in safety["not_crisis"]]
    return texts + crisis + not_crisis, crisis, not_crisis


async def _parse_all(agent, texts: list[str]) -> tuple[list[dict], list[float]]:
    parsed, times = [], []
    for text in texts:
        started = time.perf_counter()
        parsed.append(await agent.parse_message(text))
        times.append((time.perf_counter() - started) * 1000)
    return parsed, times


def parse_times(model: Path, texts: list[str]) -> tuple[list[dict], list[float], float]:
    """Parse results, per-message milliseconds, and model load seconds."""
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(str(model))
    load_seconds = time.perf_counter() - started
    asyncio.run(_parse_all(agent, texts[:30]))  # first calls build caches: not counted
    parsed, times = asyncio.run(_parse_all(agent, texts))
    return parsed, times, load_seconds


def cross_validate(folds: int, seed: int, out: Path) -> dict:
    """Rasa's cross-validation of our NLU with a seeded fold shuffle; its intent report."""
    code = (
        "import sys, numpy\n"
        f"numpy.random.seed({seed})\n"
        "from rasa.__main__ import main\n"
        f"sys.argv = ['rasa', 'test', 'nlu', '--nlu', 'data/nlu', '--config', 'config.yml',"
        f" '--cross-validation', '--folds', '{folds}', '--out', {str(out)!r}]\n"
        "main()\n"
    )
    log = out.parent / "cv.log"
    with log.open("wb") as handle:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            env={**os.environ, **QUIET_ENV},
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=3600,
        )
    if done.returncode != 0:
        raise RuntimeError(f"cross-validation failed; see {log}")
    return json.loads((out / "intent_report.json").read_text())


def f1_rows(report: dict) -> list[list[object]]:
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v}
    intents = {k: v for k, v in intents.items() if k not in ("macro avg", "weighted avg")}
    rows = []
    for name in sorted(k for k in intents if k.startswith("need_")):
        v = intents[name]
        rows.append(
            [name.removeprefix("need_"), v["support"], v["precision"], v["recall"], v["f1-score"]]
        )
    if "crisis" in intents:
        v = intents["crisis"]
        rows.append(["crisis", v["support"], v["precision"], v["recall"], v["f1-score"]])
    others = [v for k, v in intents.items() if not k.startswith("need_") and k != "crisis"]
    if others:
        rows.append(
            [
                f"other intents ({len(others)}, mean)",
                sum(v["support"] for v in others),
                sum(v["precision"] for v in others) / len(others),
                sum(v["recall"] for v in others) / len(others),
                sum(v["f1-score"] for v in others) / len(others),
            ]
        )
    for key in ("macro avg", "weighted avg"):
        if key in report:
            v = report[key]
            rows.append(
                [f"all intents, {key}", v["support"], v["precision"], v["recall"], v["f1-score"]]
            )
    return [[r[0], r[1], *(f"{x:.3f}" for x in r[2:])] for r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, default=None, help="ours (default: current)")
    parser.add_argument("--no-cv", action="store_true", help="parse times and crisis only")
    parser.add_argument("--no-stock", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 folds")
    parser.add_argument("--report", type=Path, default=None, help="append the tables here")
    args = parser.parse_args(argv)
    if args.quick:
        args.folds = min(args.folds, 3)
    if not 2 <= args.folds <= 10:
        parser.error("--folds must be 2..10")
    emit(machine_header(), args.report)
    from bot.modelcache import ensure_model

    model = args.model or ensure_model()[0]
    texts, crisis, not_crisis = held_out_messages()
    _quiet()
    rows = []
    with tempfile.TemporaryDirectory(prefix="signpost-bench-") as scratch:
        work = Path(scratch)
        parsed, times, load_s = parse_times(model, texts)
        rows.append(["ours", len(times), load_s, *(percentile(times, p) for p in (50, 95, 99))])
        if not args.no_stock:
            project = stock_project(work)
            _, stock_times, stock_load = parse_times(project.model, texts)
            rows.append(
                [
                    "stock (rasa init)",
                    len(stock_times),
                    stock_load,
                    *(percentile(stock_times, p) for p in (50, 95, 99)),
                ]
            )
        emit(
            table(
                "NLU parse time per message (held-out messages, one at a time)",
                ["model", "messages", "load s", "p50 ms", "p95 ms", "p99 ms"],
                [[r[0], r[1], f"{r[2]:.1f}", *(f"{x:.2f}" for x in r[3:])] for r in rows],
            ),
            args.report,
        )
        by_text = dict(zip(texts, parsed, strict=True))
        caught = sum((by_text[t].get("intent") or {}).get("name") == "crisis" for t in crisis)
        false = sum((by_text[t].get("intent") or {}).get("name") == "crisis" for t in not_crisis)
        emit(
            table(
                "Crisis detection through the whole pipeline (tests/data/safety_eval.yml)",
                ["set", "messages", "called a crisis", "rate"],
                [
                    ["crisis (recall)", len(crisis), caught, f"{caught / len(crisis):.3f}"],
                    [
                        "hard negatives (false positives)",
                        len(not_crisis),
                        false,
                        f"{false / len(not_crisis):.3f}",
                    ],
                ],
            ),
            args.report,
        )
        if not args.no_cv:
            report = cross_validate(args.folds, args.seed, work / "cv")
            emit(
                table(
                    f"Intent F1, {args.folds}-fold cross-validation of data/nlu (fold seed "
                    f"{args.seed}; ours)",
                    ["category", "examples", "precision", "recall", "F1"],
                    f1_rows(report),
                ),
                args.report,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
