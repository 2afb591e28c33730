"""Measure need understanding on held-out messages, the way the assistant uses it.

For each message in tests/data/heldout_needs.yml (written separately from data/nlu and never
trained on), parse it with the trained model (including the deterministic layer), then apply
the same rule the `action_identify_need` action applies to set the `need` and `needs` slots.
Prints per-category accuracy of `need`, the two-needs results, and held-out accuracy of the
other intents (tests/data/heldout_general.yml).

Usage: .venv/bin/python scripts/eval_nlu.py [--model PATH] [--show-errors]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


async def parse_all(model: Path, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def slots_for(parsed: dict) -> tuple[str | None, list[str]]:
    """The need/needs slots `action_identify_need` would set (None when it would not run)."""
    from actions.needs import needs_in_message

    intent = (parsed.get("intent") or {}).get("name")
    if not (intent or "").startswith("need_"):
        return None, []
    needs = needs_in_message(intent, parsed.get("text", ""), parsed.get("detected_needs"))
    return (needs[0] if needs else None), needs


def main() -> int:
    from bot.modelcache import model_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(logging.WARNING)
    logging.disable(logging.WARNING)
    model = args.model or model_path()
    needs_set = yaml.safe_load((REPO / "tests/data/heldout_needs.yml").read_text())
    general_set = yaml.safe_load((REPO / "tests/data/heldout_general.yml").read_text())
    two = needs_set.pop("two_needs")

    items = [(cat, text) for cat, texts in needs_set.items() for text in texts]
    general = [(intent, text) for intent, texts in general_set.items() for text in texts]
    parsed = asyncio.run(parse_all(model, [t for _, t in items] + [d["text"] for d in two]
                                   + [t for _, t in general]))
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
        errors += [(category, t, slots_for(p)[0] or p["intent"]["name"]) for t, p in rows
                   if slots_for(p)[0] != category]
        print(f"{category:<20}{ok:>9}{len(rows):>7}{ok / len(rows):>10.3f}")
    print(f"{'all':<20}{total_ok:>9}{len(items):>7}{total_ok / len(items):>10.3f}\n")

    exact = sum(
        slots_for(p)[0] == d["need"] and set(slots_for(p)[1]) == set(d["needs"])
        for d, p in zip(two, two_parsed, strict=True)
    )
    lead = sum(slots_for(p)[0] == d["need"] for d, p in zip(two, two_parsed, strict=True))
    print(f"Two needs in one message: need right {lead}/{len(two)}, "
          f"need and needs both right {exact}/{len(two)}\n")

    ok = sum(p["intent"]["name"] == intent for (intent, _), p in
             zip(general, general_parsed, strict=True))
    print(f"Other intents (held out): {ok}/{len(general)} = {ok / len(general):.3f}")
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
