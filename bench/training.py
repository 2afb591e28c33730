"""Training: wall time of a full `rasa train` of the project (NLU and dialogue), from nothing.

"Full" means an empty Rasa training cache (RASA_CACHE_DIRECTORY points at a new folder) and a
new output folder, so nothing is reused from an earlier training. `--stock` also trains the
stock `rasa init` project the same way, for comparison.

    .venv/bin/python -m bench.training [--stock] [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import QUIET_ENV, REPO, emit, machine_header, rasa_bin, table
from bench.stock import stock_project


def train(project: Path, scratch: Path) -> float:
    """Seconds for a full `rasa train` of `project` (its config, domain and data)."""
    cache, out = scratch / "rasa-cache", scratch / "models"
    cache.mkdir(parents=True, exist_ok=True)
    log = scratch / "train.log"
    started = time.perf_counter()
    with log.open("wb") as handle:
        done = subprocess.run(
            [rasa_bin(), "train", "--out", str(out), "--fixed-model-name", "bench"],
            cwd=project,
            env={**os.environ, **QUIET_ENV, "RASA_CACHE_DIRECTORY": str(cache)},
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=3600,
        )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"rasa train failed in {project}; see {log}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stock", action="store_true", help="also train the stock project")
    parser.add_argument("--quick", action="store_true", help="ours only (same as default)")
    parser.add_argument("--report", type=Path, default=None, help="append the tables here")
    args = parser.parse_args(argv)
    emit(machine_header(), args.report)
    rows = []
    with tempfile.TemporaryDirectory(prefix="signpost-bench-") as scratch:
        work = Path(scratch)
        rows.append(["ours", f"{train(REPO, work / 'ours'):.0f}"])
        if args.stock and not args.quick:
            project = stock_project(work)
            rows.append(["stock (rasa init)", f"{train(project.folder, work / 'stock'):.0f}"])
    emit(
        table(
            "Full training, `rasa train` from an empty cache (target: <= 180 s)",
            ["project", "wall time s"],
            rows,
        ),
        args.report,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
