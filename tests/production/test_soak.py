"""The soak script, run briefly: it starts its own servers on loopback, holds mixed
conversations, and reports no errors and the servers' memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_a_short_soak_reports_latency_memory_and_no_errors(tmp_path: Path) -> None:
    report_file = tmp_path / "soak.json"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "soak.py"),
            "--start",
            "--minutes",
            "0.5",
            "--concurrency",
            "3",
            "--seed",
            "7",
            "--json",
            str(report_file),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(report_file.read_text())
    assert report["messages"] >= 20 and report["errors"] == 0, report
    assert report["latency_seconds"]["p95"] > 0
    assert set(report["memory"]) == {"rasa", "actions"}
    assert all(m["samples"] >= 5 and m["start_mb"] > 50 for m in report["memory"].values())


def test_the_soak_script_refuses_anything_but_loopback() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "soak.py"), "--url", "http://10.1.2.3:5005"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert result.returncode != 0 and "loopback" in (result.stderr + result.stdout)
