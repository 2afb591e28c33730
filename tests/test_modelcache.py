"""The model is retrained only when its inputs change."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.config import REPO_ROOT
from bot.modelcache import training_hash


def _copy_inputs(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO_ROOT / "data", root / "data")
    for name in ("config.yml", "domain.yml", "requirements.lock"):
        shutil.copy2(REPO_ROOT / name, root / name)
    return root


def test_hash_is_stable_and_follows_the_training_data(tmp_path: Path) -> None:
    root = _copy_inputs(tmp_path)
    first = training_hash(root)
    assert training_hash(root) == first
    (root / "README.md").write_text("not a training input")
    assert training_hash(root) == first
    with (root / "data" / "nlu" / "food.yml").open("a") as handle:
        handle.write("\n# an edit\n")
    assert training_hash(root) != first


def test_hash_of_the_repo_matches_a_copy(tmp_path: Path) -> None:
    assert training_hash(_copy_inputs(tmp_path)) == training_hash(REPO_ROOT)
