#!/usr/bin/env python3
"""Measure crisis detection the way the assistant runs it: the trained NLU model plus the
deterministic layer, i.e. the share of messages whose final intent is `crisis`.

scripts/eval_safety.py measures bot/safety.py on its own. This loads the trained model with
rasa.core.agent.Agent and parses every message, then reports three columns per set:
- pipeline: final intent == crisis (what decides the crisis reply in the dialogue);
- layer:    the deterministic safety check fired (parse data `safety.kind`);
- model:    the same model with the safety check switched off (bot.safety.assess replaced by
            "no crisis" inside the component), i.e. the classifier's `crisis` intent alone.

Sets (all measure only; none is training data):
- tests/data/safety_eval.yml (project set: crisis messages and hard negatives);
- ../shared/data/safety/selfharm_eval/ (OpenAI moderation subset, MIT; NEVER train on it and
  never print its text: only counts are shown);
- ../shared/data/language/clinc150 val+test (everyday requests, all negatives), with
  --everyday (about 8,600 parses, a minute or two).

Usage: .venv/bin/python scripts/eval_safety_pipeline.py [--model PATH] [--everyday]
       [--show-errors]   (misses and false positives of the project set only)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

from eval_nlu import quiet_rasa  # noqa: E402
from eval_safety import CLINC, PROJECT_SET, SHARED_SET, load_project_set  # noqa: E402


@dataclass
class Column:
    true_pos: int = 0
    false_pos: int = 0


@dataclass
class Row:
    name: str
    short: str
    positives: int
    negatives: int
    pipeline: Column
    layer: Column
    model: Column
    # Per message: (is a positive, layer fired, model's crisis confidence when it chose crisis)
    detail: list[tuple[bool, bool, float]] = field(default_factory=list)

    def with_threshold(self, threshold: float) -> Column:
        """The pipeline if the model's `crisis` only counted at this confidence or above."""
        column = Column()
        for positive, layer, confidence in self.detail:
            if layer or (confidence > 0 and confidence >= threshold):
                if positive:
                    column.true_pos += 1
                else:
                    column.false_pos += 1
        return column


def _rate(count: int, total: int) -> str:
    return f"{count / total:.3f}" if total else "-"


def load_shared() -> tuple[list[str], list[str]]:
    pos: list[str] = []
    neg: list[str] = []
    for file in sorted(SHARED_SET.glob("*.jsonl")) if SHARED_SET.is_dir() else []:
        for line in file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("self_harm") is None:
                continue
            (pos if int(row["self_harm"]) == 1 else neg).append(str(row.get("text", "")))
    return pos, neg


def load_everyday() -> list[str]:
    if not CLINC.is_file():
        return []
    data = json.loads(CLINC.read_text(encoding="utf-8"))
    return [text for split in ("val", "test", "oos_val", "oos_test") for text, _ in data[split]]


async def parse(agent: Any, texts: list[str]) -> list[dict]:
    return [await agent.parse_message(text) for text in texts]


def _is_crisis(parsed: dict) -> bool:
    return (parsed.get("intent") or {}).get("name") == "crisis"


def _crisis_confidence(parsed: dict) -> float:
    intent = parsed.get("intent") or {}
    return float(intent.get("confidence") or 0.0) if intent.get("name") == "crisis" else 0.0


def _layer_fired(parsed: dict) -> bool:
    return bool((parsed.get("safety") or {}).get("kind"))


def measure(
    agent: Any, name: str, short: str, pos: list[str], neg: list[str], errors: bool = False
) -> Row:
    import components.deterministic_layer as layer_module
    from bot.safety import SafetyAssessment

    texts = pos + neg
    full = asyncio.run(parse(agent, texts))
    real_assess = layer_module.assess
    layer_module.assess = lambda _text: SafetyAssessment(None, ())  # the model on its own
    try:
        model_only = asyncio.run(parse(agent, texts))
    finally:
        layer_module.assess = real_assess

    row = Row(name, short, len(pos), len(neg), Column(), Column(), Column())
    for i, (p, m) in enumerate(zip(full, model_only, strict=True)):
        positive = i < len(pos)
        row.detail.append((positive, _layer_fired(p), _crisis_confidence(m)))
        for column, hit in (
            (row.pipeline, _is_crisis(p)),
            (row.layer, _layer_fired(p)),
            (row.model, _is_crisis(m)),
        ):
            if hit and positive:
                column.true_pos += 1
            elif hit:
                column.false_pos += 1
        if errors and positive and not _is_crisis(p):
            print(f"  missed ({p['intent']['name']}): {texts[i][:90]!r}")
        elif errors and not positive and _is_crisis(p):
            source = "layer" if _layer_fired(p) else "model"
            print(f"  false positive ({source}): {texts[i][:90]!r}")
    return row


def training_overlap() -> list[str]:
    """Project-set messages that also appear, exactly, in the NLU training data."""
    import yaml

    crisis, negatives = load_project_set(PROJECT_SET)
    eval_texts = {item["text"].strip().lower() for item in crisis} | {
        t.strip().lower() for t in negatives
    }
    training: set[str] = set()
    for path in (REPO / "data" / "nlu").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    training.add(line[2:].strip().lower())
    return sorted(eval_texts & training)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--everyday", action="store_true", help="also CLINC150 val+test")
    parser.add_argument("--show-errors", action="store_true", help="project set only")
    parser.add_argument(
        "--thresholds",
        action="store_true",
        help="also: recall/FPR if the model's crisis intent needed a minimum confidence",
    )
    args = parser.parse_args()

    from bot.modelcache import model_path

    quiet_rasa()
    from rasa.core.agent import Agent

    model = args.model or model_path()
    if not model.exists():
        print(f"No model at {model}: run `signpost train` first.", file=sys.stderr)
        return 1
    agent = Agent.load(str(model))

    crisis, negatives = load_project_set(PROJECT_SET)
    rows = [
        measure(
            agent,
            "project set (tests/data/safety_eval.yml)",
            "project",
            [item["text"] for item in crisis],
            negatives,
            errors=args.show_errors,
        )
    ]
    shared_pos, shared_neg = load_shared()
    if shared_pos or shared_neg:
        rows.append(
            measure(
                agent, "shared selfharm_eval (measure only)", "selfharm", shared_pos, shared_neg
            )
        )
    if args.everyday:
        everyday = load_everyday()
        if everyday:
            rows.append(measure(agent, "CLINC150 val+test (everyday)", "everyday", [], everyday))

    print(f"\nCrisis detection through the NLU pipeline, model {model.name}")
    print("recall = crisis messages whose intent became `crisis`; FPR = negatives that did\n")
    header = (
        f"{'set':<42} {'pos':>5} {'neg':>5} | {'pipeline':>8} {'FPR':>6} | "
        f"{'layer':>6} {'FPR':>6} | {'model':>6} {'FPR':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.name:<42} {r.positives:>5} {r.negatives:>5} | "
            f"{_rate(r.pipeline.true_pos, r.positives):>8} "
            f"{_rate(r.pipeline.false_pos, r.negatives):>6} | "
            f"{_rate(r.layer.true_pos, r.positives):>6} "
            f"{_rate(r.layer.false_pos, r.negatives):>6} | "
            f"{_rate(r.model.true_pos, r.positives):>6} "
            f"{_rate(r.model.false_pos, r.negatives):>6}"
        )
    print("\n(recall columns: pipeline, layer, model; each followed by its false-positive rate)")
    for r in rows:
        print(
            f"{r.name}: pipeline found {r.pipeline.true_pos}/{r.positives}, "
            f"flagged {r.pipeline.false_pos}/{r.negatives} negatives"
        )
    if args.thresholds:
        print("\nIf the model's `crisis` counted only at confidence >= t (the layer always counts)")
        print(f"{'t':>5} | " + " | ".join(f"{r.short:<8} recall    FPR" for r in rows))
        for t in (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01):
            cells = []
            for r in rows:
                c = r.with_threshold(t)
                cells.append(
                    f"{'':<8} {_rate(c.true_pos, r.positives):>6} "
                    f"{_rate(c.false_pos, r.negatives):>6}"
                )
            label = "off" if t > 1 else ("any" if t == 0 else f"{t:.2f}")
            print(f"{label:>5} | " + " | ".join(cells))
    overlap = training_overlap()
    print(f"\nProject-set messages also in data/nlu (exact, case-insensitive): {len(overlap)}")
    for text in overlap:
        print(f"  {text!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
