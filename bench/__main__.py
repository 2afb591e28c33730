"""Run every benchmark in turn and collect their tables in one Markdown report.

    .venv/bin/python -m bench [--quick] [--people N] [--report PATH] [--skip training,nlu,...]
    bench/run_all.sh ...   (the same, with the quiet environment set)

Each benchmark is also runnable alone (`python -m bench.load --help`, etc.). The report goes
to var/bench/report-<date>.md (or --report) and everything is printed as it is measured.
"""

from __future__ import annotations

import argparse
import datetime
import time
from pathlib import Path

from bench import directory, load, nlu, startup, training
from bench.common import REPO, emit, load_average, machine_header

BENCHES = ("training", "startup", "load", "directory", "nlu")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs of everything")
    parser.add_argument("--people", type=int, default=10, help="for the load benchmark")
    parser.add_argument("--duration", type=float, default=60.0, help="load: measured seconds")
    parser.add_argument(
        "--workers", default="1,2", help="load: our Rasa server processes, one run for each"
    )
    parser.add_argument("--skip", default="", help=f"comma-separated, from {', '.join(BENCHES)}")
    parser.add_argument("--report", type=Path, default=None)
    args = parser.parse_args(argv)
    skip = {s for s in args.skip.split(",") if s}
    unknown = skip - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M")
    report = args.report or REPO / "var" / "bench" / f"report-{stamp}.md"
    quick = ["--quick"] if args.quick else []
    common = [*quick, "--report", str(report)]
    emit(f"# Benchmarks {stamp}\n\n{machine_header()}\n", report)
    started = time.monotonic()
    if "training" not in skip:
        training.main([*common, *([] if args.quick else ["--stock"])])
    if "startup" not in skip:
        startup.main(common)
    if "load" not in skip:
        load.main(
            [
                *common,
                *("--people", str(args.people), "--duration", str(args.duration)),
                *("--workers", args.workers),
            ]
        )
    if "directory" not in skip:
        directory.main(common)
    if "nlu" not in skip:
        nlu.main(common)
    minutes = (time.monotonic() - started) / 60
    emit(f"All benchmarks took {minutes:.1f} min; load average now {load_average()}.", report)
    print(f"\nReport: {report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
