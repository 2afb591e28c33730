"""The widget's source: valid JavaScript for Node's parser, and no way for a reply to become
markup or code (text is only ever set as text, links only built from checked parts)."""

from __future__ import annotations

import re
import shutil
import subprocess

from bot.config import REPO_ROOT

WIDGET = REPO_ROOT / "widget" / "src" / "widget.js"


def test_the_widget_parses() -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed to check the widget (it is on every machine of this kind)"
    result = subprocess.run([node, "--check", str(WIDGET)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_replies_never_become_markup_or_code() -> None:
    source = WIDGET.read_text()
    for risky in (
        r"\.innerHTML",
        r"\.outerHTML",
        r"insertAdjacentHTML",
        r"\beval\(",
        r"new Function",
        r"document\.write",
    ):
        assert not re.search(risky, source), f"widget.js uses {risky}"
