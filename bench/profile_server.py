"""Profile a conversation load: our Rasa server (or action server) runs under pyinstrument
while simulated people talk to it, and the profile is written when it stops.

    .venv/bin/python -m bench.profile_server [--server rasa|actions] [--people 3] [--duration 30]

Writes var/bench/profile-<server>.txt (the call tree, time in the event loop's idle wait left
out) and .html (open it in a browser). The other server runs normally. Same set-up as the
load benchmark: PostgreSQL tracker store and directory, the sample directory and advisors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import QUIET_ENV, REPO, throwaway_postgres
from bench.load import _drive
from bench.stacks import free_port, write_endpoints


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=["rasa", "actions"], default="rasa")
    parser.add_argument("--people", type=int, default=3)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=0.002, help="sampling interval s")
    parser.add_argument(
        "--cprofile",
        type=Path,
        default=None,
        help="instead of pyinstrument, run this script (a cProfile wrapper) as the server",
    )
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench")
    args = parser.parse_args(argv)
    from bot.booking.loader import load_advisors
    from bot.db import get_engine
    from bot.directory.loader import load_directory
    from bot.geography import Gazetteer
    from bot.modelcache import ensure_model

    model, _ = ensure_model()
    args.out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="signpost-bench-") as scratch,
        throwaway_postgres("project") as db_url,
        throwaway_postgres("tracker") as tracker_url,
    ):
        work = Path(scratch)
        engine = get_engine(db_url)
        load_advisors(engine, REPO / "resources" / "booking" / "advisors.yml")
        load_directory(engine, REPO / "resources" / "directory", Gazetteer.load())
        engine.dispose()
        action_port, rasa_port = free_port(), free_port()
        endpoints = write_endpoints(work / "endpoints.yml", action_port, tracker_url)
        env = {
            **os.environ,
            **QUIET_ENV,
            "SIGNPOST_DATABASE_URL": db_url,
            "SIGNPOST_VAR_DIR": str(work),
            "SANIC_HOST": "127.0.0.1",
        }
        profile_base = args.out / f"profile-{args.server}"
        pyinstrument = [
            sys.executable,
            "-m",
            "pyinstrument",
            "--interval",
            str(args.interval),
            "-r",
            "pyisession",
            "-o",
            f"{profile_base}.pyisession",
            "-m",
        ]
        action_cmd = ["rasa_sdk", "--actions", "actions", "--port", str(action_port)]
        # Started the way bot.processes starts it (through the launcher, when there is one).
        launcher = "components.rasa_server"
        has_launcher = (REPO / "components" / "rasa_server.py").exists()
        rasa_cmd = [
            launcher if has_launcher else "rasa",
            "run",
            "--model",
            str(model),
            "--port",
            str(rasa_port),
            "--interface",
            "127.0.0.1",
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(REPO / "credentials.yml"),
        ]
        profiled = rasa_cmd if args.server == "rasa" else action_cmd
        plain = action_cmd if args.server == "rasa" else rasa_cmd
        logs = [(work / "plain.log").open("wb"), (work / "profiled.log").open("wb")]
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", *plain], cwd=REPO, env=env, stdout=logs[0], stderr=logs[0]
            ),
            subprocess.Popen(
                [sys.executable, str(args.cprofile), *profiled[1:]]
                if args.cprofile
                else [*pyinstrument, *profiled],
                cwd=REPO,
                env=env,
                stdout=logs[1],
                stderr=logs[1],
            ),
        ]
        try:
            from bench.stacks import _first_answer

            try:
                _first_answer(f"http://127.0.0.1:{rasa_port}", time.monotonic(), timeout=180)
            except TimeoutError:
                for log in logs:
                    log.flush()
                print((work / "profiled.log").read_text()[-3000:])
                raise
            result = asyncio.run(
                _drive(f"http://127.0.0.1:{rasa_port}", args.people, args.duration, 3, "ours")
            )
            print(f"{result.turns} turns, {result.throughput:.1f} msg/s, {result.errors} errors")
        finally:
            for process in reversed(processes):
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
            for log in logs:
                log.close()
        if args.cprofile:
            return 0
        session = Path(f"{profile_base}.pyisession")
        if not session.exists():
            print((work / "profiled.log").read_text()[-3000:])
            return 1
        for renderer, suffix in (("text", "txt"), ("html", "html")):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pyinstrument",
                    "--load",
                    str(session),
                    "-r",
                    renderer,
                    "--show-all",
                    "-o",
                    f"{profile_base}.{suffix}",
                ],
                check=False,
            )
        print(f"Profile: {profile_base}.txt and .html")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
