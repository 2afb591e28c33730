"""HAZ-05 (a message seen by an abuser): the assistant only ever answers; it never writes to a
person first, so nothing arrives on a shared phone that the person did not just ask for.

A message a person did not ask for could only come from an action that schedules one (a
reminder, a follow-up) or from Rasa's HTTP API, which production keeps off. These tests fail
the day either appears, so that whoever adds a reminder must first decide, with the clinical
safety officer, how it stays safe after a disclosure of abuse (docs/safety/hazard-log.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.config import REPO_ROOT

SCHEDULING = {"ReminderScheduled", "ReminderCancelled"}


def _names_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {alias.name for alias in node.names}
    return names


def test_no_action_schedules_a_message() -> None:
    scheduling = {
        str(path.relative_to(REPO_ROOT)): sorted(_names_used(path) & SCHEDULING)
        for path in sorted((REPO_ROOT / "actions").glob("*.py"))
    }
    assert {file: found for file, found in scheduling.items() if found} == {}


def test_production_keeps_the_http_api_off() -> None:
    dockerfile = (REPO_ROOT / "deploy" / "Dockerfile.rasa").read_text(encoding="utf-8")
    commands = [line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")]
    assert not any("--enable-api" in line for line in commands)
