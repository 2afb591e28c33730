"""What every benchmark shares: the machine header, tables, percentiles, throwaway PostgreSQL
databases, and the environment the servers run in.

Loopback only: every server a benchmark starts listens on 127.0.0.1 and is stopped at the end.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import os
import platform
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# The same throwaway-database server the tests use (tests/conftest.py).
POSTGRES_ADMIN_URL = os.environ.get(
    "SIGNPOST_BENCH_POSTGRES_URL",
    os.environ.get(
        "SIGNPOST_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
    ),
)

# Quiet, offline, comparable: no telemetry calls, no SQLAlchemy 2.0 banner.
QUIET_ENV = {"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "RASA_TELEMETRY_ENABLED": "false"}
os.environ.update(QUIET_ENV)


def rasa_bin() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[rank]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _commit() -> str:
    # A copy of the tree made for a before/after comparison names its base commit here.
    base = REPO / ".bench-base"
    if base.exists() and not (REPO / ".git").exists():
        return f"snapshot of {base.read_text().strip()} plus the working tree at the time"
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def _memory_gb() -> float:
    with open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_header() -> str:
    """Machine, date and commit: printed above every set of tables."""
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"Machine: {os.cpu_count()} cores ({_cpu_model()}), {_memory_gb():.1f} GB memory, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}\n"
        f"Date: {now}; commit {_commit()}; load average (1/5/15 min) {load_average()}"
    )


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table with a title line, ready to paste into docs/performance.md."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
        return str(value)

    text_rows = [[cell(v) for v in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in text_rows)) if text_rows else len(h)
        for i, h in enumerate(headers)
    ]
    lines = [
        f"**{title}** (load average {load_average()})",
        "",
        "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in text_rows
    ]
    return "\n".join(lines) + "\n"


def emit(text: str, report: Path | None = None) -> None:
    """Print a table now and append it to the report file (if any)."""
    print(text, flush=True)
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        with report.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")


@contextlib.contextmanager
def throwaway_postgres(label: str) -> Iterator[str]:
    """A new PostgreSQL database on 127.0.0.1 for one benchmark, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"signpost_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        from bot.db import dispose_all

        dispose_all()
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def postgres_parts(url: str) -> dict[str, str]:
    """Host, port, user and database of a PostgreSQL URL, for Rasa's tracker store settings."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return {
        "host": parsed.host or "127.0.0.1",
        "port": str(parsed.port or 5432),
        "user": parsed.username or "postgres",
        "password": parsed.password or "",
        "db": parsed.database or "postgres",
    }


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    import psutil

    try:
        process = psutil.Process(pid)
        total = process.memory_info().rss
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += child.memory_info().rss
    except psutil.NoSuchProcess:
        return 0.0
    return total / 1024 / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children so far."""
    import psutil

    try:
        process = psutil.Process(pid)
        times = process.cpu_times()
        total = times.user + times.system
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
    except psutil.NoSuchProcess:
        return 0.0
    return total
