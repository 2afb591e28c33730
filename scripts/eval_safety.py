#!/usr/bin/env python3
"""Measure the crisis safety net (bot/safety.py): recall and false-positive rate.

Two sets:
- tests/data/safety_eval.yml: written for this project (crisis messages with the expected kind,
  and hard negatives).
- ../shared/data/safety/selfharm_eval/ (OpenAI moderation evaluation subset, MIT): MEASURE ONLY.
  Never train on it and never copy its text into patterns or tests. Its label is self-harm
  content, which is broader and narrower than "needs the crisis reply" (it includes e.g. content
  *encouraging* self-harm, and its negatives include violent text), so read its figures as a
  second opinion, not a target.
- ../shared/data/language/clinc150 val+test (CC BY 3.0): everyday requests, all negatives, for
  the false-positive rate on ordinary text (no recall: there are no positives).

Usage: .venv/bin/python scripts/eval_safety.py [--show-errors]
  --show-errors lists misses and false positives for the project set only (never for the
  shared set, so its text does not leak into logs or patterns).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.safety import assess  # noqa: E402

PROJECT_SET = REPO / "tests" / "data" / "safety_eval.yml"
SHARED_SET = REPO / ".." / "shared" / "data" / "safety" / "selfharm_eval"
# Everyday assistant requests, none of them a crisis: a false-positive check on ordinary text.
# Only the val/test splits (measuring is what they are for).
CLINC = REPO / ".." / "shared" / "data" / "language" / "clinc150" / "data_full.json"


@dataclass
class Figures:
    name: str
    positives: int
    negatives: int
    true_pos: int
    false_pos: int
    kind_right: int | None = None  # project set only: crisis found with the expected kind

    @property
    def recall(self) -> float:
        return self.true_pos / self.positives if self.positives else float("nan")

    @property
    def fpr(self) -> float:
        return self.false_pos / self.negatives if self.negatives else float("nan")

    @property
    def precision(self) -> float:
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else float("nan")


def load_project_set(path: Path = PROJECT_SET) -> tuple[list[dict[str, str]], list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["crisis"]), [str(t) for t in data["not_crisis"]]


def evaluate_project(path: Path = PROJECT_SET, show_errors: bool = False) -> Figures:
    crisis, not_crisis = load_project_set(path)
    found = kind_right = 0
    for item in crisis:
        result = assess(item["text"])
        if result.is_crisis:
            found += 1
            if result.kind is not None and result.kind.value == item["kind"]:
                kind_right += 1
            elif show_errors:
                print(f"  wrong kind ({item['kind']} -> {result.kind}): {item['text'][:80]!r}")
        elif show_errors:
            print(f"  missed: {item['text'][:80]!r}")
    false_pos = 0
    for text in not_crisis:
        result = assess(text)
        if result.is_crisis:
            false_pos += 1
            if show_errors:
                print(f"  false positive ({result.kind}, {result.reasons}): {text[:80]!r}")
    return Figures(
        "project set (tests/data/safety_eval.yml)",
        len(crisis),
        len(not_crisis),
        found,
        false_pos,
        kind_right,
    )


def evaluate_shared(folder: Path = SHARED_SET) -> Figures | None:
    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    if not files:
        return None
    positives = negatives = true_pos = false_pos = 0
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            label = row.get("self_harm")
            if label is None:
                continue
            flagged = assess(str(row.get("text", ""))).is_crisis
            if int(label) == 1:
                positives += 1
                true_pos += flagged
            else:
                negatives += 1
                false_pos += flagged
    return Figures("shared selfharm_eval (measure only)", positives, negatives, true_pos, false_pos)


def evaluate_everyday(path: Path = CLINC) -> Figures | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    texts = [text for split in ("val", "test", "oos_val", "oos_test") for text, _ in data[split]]
    false_pos = sum(assess(text).is_crisis for text in texts)
    return Figures("CLINC150 val+test (everyday, no crisis)", 0, len(texts), 0, false_pos)


def timing() -> tuple[float, float]:
    """Median and worst milliseconds for a 10,000-character message."""
    para = (
        "I'm behind on the rent and the council tax, and the stress is killing me. "
        "My phone died so I missed the call from the advice place again. "
    )
    text = (para * (10_000 // len(para) + 1))[:10_000]
    times = []
    for _ in range(50):
        start = time.perf_counter()
        assess(text)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument(
        "--show-errors",
        action="store_true",
        help="list misses and false positives (project set only)",
    )
    args = parser.parse_args(argv)

    rows = [evaluate_project(show_errors=args.show_errors)]
    shared = evaluate_shared()
    if shared is not None:
        rows.append(shared)
    everyday = evaluate_everyday()
    if everyday is not None:
        rows.append(everyday)

    header = (
        f"{'set':<42} {'pos':>5} {'found':>5} {'neg':>5} {'flagged':>7} {'recall':>7} "
        f"{'FPR':>7} {'precision':>9}"
    )
    print(header)
    print("-" * len(header))
    for f in rows:
        recall = f"{f.recall:>7.3f}" if f.positives else f"{'-':>7}"
        precision = f"{f.precision:>9.3f}" if f.positives else f"{'-':>9}"
        print(
            f"{f.name:<42} {f.positives:>5} {f.true_pos:>5} {f.negatives:>5} "
            f"{f.false_pos:>7} {recall} {f.fpr:>7.3f} {precision}"
        )
    project = rows[0]
    if project.kind_right is not None:
        print(
            f"\nproject set: crisis kind as labelled for {project.kind_right}/"
            f"{project.positives} ({project.kind_right / project.positives:.3f})"
        )
    if shared is None:
        print(f"\nshared set not found at {SHARED_SET.resolve()}")
    median, worst = timing()
    print(f"10,000-character message: median {median:.2f} ms, worst {worst:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
