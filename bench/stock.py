"""The stock assistant we compare against: `rasa init --no-prompt` in a temporary folder.

`rasa init` writes the example project and trains it with Rasa's default pipeline and
policies (DIET, TED, UnexpecTED, Rule, Memoization). That training takes a few minutes on
two cores, so the trained project is kept in a cache folder, keyed by the Rasa version, and
copied into a fresh temporary folder for every run (`fresh=True` makes it again).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import QUIET_ENV, rasa_bin


@dataclass(frozen=True)
class StockProject:
    folder: Path  # a temporary copy, ours to run
    model: Path
    init_seconds: float | None  # wall time of `rasa init` (with its training), if measured


def _cache_root() -> Path:
    default = Path.home() / ".cache" / "signpost-assistant" / "bench"
    return Path(os.environ.get("SIGNPOST_BENCH_CACHE") or default)


def _rasa_version() -> str:
    from importlib.metadata import version

    return version("rasa")


def init_project(target: Path) -> float:
    """Run `rasa init --no-prompt` into `target`; returns its wall time in seconds."""
    target.mkdir(parents=True, exist_ok=True)
    log = target.parent / f"{target.name}-init.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        subprocess.run(
            [rasa_bin(), "init", "--no-prompt", "--init-dir", str(target)],
            cwd=target,
            env={**os.environ, **QUIET_ENV},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=True,
            timeout=1800,
        )
    return time.perf_counter() - started


def stock_project(workdir: Path, fresh: bool = False) -> StockProject:
    """A runnable copy of the stock project under `workdir`."""
    cached = _cache_root() / f"stock-rasa-{_rasa_version()}"
    seconds_file = cached / "init_seconds.txt"
    if fresh or not list((cached / "models").glob("*.tar.gz")):
        shutil.rmtree(cached, ignore_errors=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cached.parent) as scratch:
            built = Path(scratch) / "stock"
            seconds = init_project(built)
            (built / "init_seconds.txt").write_text(f"{seconds:.1f}\n")
            shutil.copytree(built, cached)
    copy = workdir / "stock"
    shutil.copytree(cached, copy)
    model = sorted((copy / "models").glob("*.tar.gz"))[-1]
    seconds = float(seconds_file.read_text()) if seconds_file.exists() else None
    return StockProject(copy, model, seconds)
