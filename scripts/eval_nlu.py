"""Measure need understanding on held-out messages, the way the assistant uses it.

For each message in tests/data/heldout_needs.yml (written separately from data/nlu and never
trained on), parse it with the trained model (including the deterministic layer), then apply
the same rule the `action_identify_need` action applies to set the `need` and `needs` slots.
Prints per-category accuracy of `need`, the two-needs results, and held-out accuracy of the
other intents (tests/data/heldout_general.yml).

--latency also times `Agent.parse_message` over every held-out message (after a warm-up) and
prints p50/p95. --cv instead runs Rasa's 5-fold cross-validation with a FIXED fold seed:
`rasa test nlu --cross-validation` shuffles its folds without one, so two runs of the same
data differ by about ±0.005 micro F1 (±1 crisis example), which hides small changes.

Usage: .venv/bin/python scripts/eval_nlu.py [--model PATH] [--show-errors] [--latency]
       .venv/bin/python scripts/eval_nlu.py --cv [--seed N] [--nlu DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


def quiet_rasa() -> None:
    """Rasa logs every parse at debug level through structlog; keep the report readable."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    logging.disable(logging.WARNING)


async def parse_all(agent: Any, texts: list[str]) -> tuple[list[dict], list[float]]:
    """Parse results and per-message parse times in milliseconds."""
    parsed, times = [], []
    for text in texts:
        start = time.perf_counter()
        parsed.append(await agent.parse_message(text))
        times.append((time.perf_counter() - start) * 1000)
    return parsed, times


def slots_for(parsed: dict) -> tuple[str | None, list[str]]:
    """The need/needs slots `action_identify_need` would set (None when it would not run)."""
    from actions.needs import needs_in_message

    intent = (parsed.get("intent") or {}).get("name")
    if not (intent or "").startswith("need_"):
        return None, []
    needs = needs_in_message(intent, parsed.get("text", ""), parsed.get("detected_needs"))
    return (needs[0] if needs else None), needs


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def run_cv(args: argparse.Namespace) -> int:
    """Rasa's own cross-validation, with the fold shuffle seeded so runs can be compared."""
    import numpy as np
    from rasa.__main__ import main as rasa_main

    # StratifiedKFold(shuffle=True) in rasa.nlu.test draws from numpy's global generator.
    np.random.seed(args.seed)
    sys.argv = [
        "rasa",
        "test",
        "nlu",
        "--nlu",
        str(args.nlu),
        "--cross-validation",
        "--folds",
        str(args.folds),
        "--config",
        str(args.config),
        "--out",
        str(args.out),
    ]
    rasa_main()
    print(f"Results in {args.out}/intent_report.json (fold seed {args.seed})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--latency", action="store_true", help="also time each parse")
    parser.add_argument("--cv", action="store_true", help="seeded cross-validation instead")
    parser.add_argument("--seed", type=int, default=0, help="fold seed for --cv")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--nlu", type=Path, default=REPO / "data" / "nlu")
    parser.add_argument("--config", type=Path, default=REPO / "config.yml")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "results" / "nlu-cv")
    args = parser.parse_args()
    if args.cv:
        return run_cv(args)

    from bot.modelcache import model_path

    quiet_rasa()
    from rasa.core.agent import Agent

    model = args.model or model_path()
    needs_set = yaml.safe_load((REPO / "tests/data/heldout_needs.yml").read_text())
    general_set = yaml.safe_load((REPO / "tests/data/heldout_general.yml").read_text())
    two = needs_set.pop("two_needs")

    items = [(cat, text) for cat, texts in needs_set.items() for text in texts]
    general = [(intent, text) for intent, texts in general_set.items() for text in texts]
    texts = [t for _, t in items] + [d["text"] for d in two] + [t for _, t in general]
    agent = Agent.load(str(model))
    if args.latency:  # warm up, so the first-call costs are not counted
        asyncio.run(parse_all(agent, texts[:20]))
    parsed, times = asyncio.run(parse_all(agent, texts))
    need_parsed = parsed[: len(items)]
    two_parsed = parsed[len(items) : len(items) + len(two)]
    general_parsed = parsed[len(items) + len(two) :]

    print(f"Held-out need messages, model {model.name}\n")
    print(f"{'category':<20}{'correct':>9}{'total':>7}{'accuracy':>10}")
    total_ok = 0
    errors = []
    for category in needs_set:
        rows = [(t, p) for (c, t), p in zip(items, need_parsed, strict=True) if c == category]
        ok = sum(slots_for(p)[0] == category for _, p in rows)
        total_ok += ok
        errors += [
            (category, t, slots_for(p)[0] or p["intent"]["name"])
            for t, p in rows
            if slots_for(p)[0] != category
        ]
        print(f"{category:<20}{ok:>9}{len(rows):>7}{ok / len(rows):>10.3f}")
    print(f"{'all':<20}{total_ok:>9}{len(items):>7}{total_ok / len(items):>10.3f}\n")

    exact = sum(
        slots_for(p)[0] == d["need"] and set(slots_for(p)[1]) == set(d["needs"])
        for d, p in zip(two, two_parsed, strict=True)
    )
    lead = sum(slots_for(p)[0] == d["need"] for d, p in zip(two, two_parsed, strict=True))
    print(
        f"Two needs in one message: need right {lead}/{len(two)}, "
        f"need and needs both right {exact}/{len(two)}\n"
    )

    ok = sum(
        p["intent"]["name"] == intent
        for (intent, _), p in zip(general, general_parsed, strict=True)
    )
    print(f"Other intents (held out): {ok}/{len(general)} = {ok / len(general):.3f}")
    if args.latency:
        print(
            f"\nParse latency over {len(times)} messages: p50 {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms"
        )
    if args.show_errors:
        print("\nMisses:")
        for category, text, got in errors:
            print(f"  {category:<18} -> {got:<22} {text}")
        for (intent, text), p in zip(general, general_parsed, strict=True):
            if p["intent"]["name"] != intent:
                print(f"  {intent:<18} -> {p['intent']['name']:<22} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
