"""Train the Rasa model only when its inputs changed, keyed by a hash of those inputs.

Trained models are kept in a cache outside the work tree (SIGNPOST_MODEL_CACHE, default
~/.cache/signpost-assistant/models), so a fresh clone with unchanged data reuses them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.config import REPO_ROOT

# Everything that changes what `rasa train` produces.
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "requirements.lock")


def _input_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.yml") if p.is_file())
        elif path.is_file():
            files.append(path)
    return files


def training_hash(root: Path = REPO_ROOT) -> str:
    """A short hash of the training inputs' names and contents."""
    digest = hashlib.sha256()
    for path in _input_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "signpost-assistant" / "models"
    return Path(os.environ.get("SIGNPOST_MODEL_CACHE") or default)


def model_path(root: Path = REPO_ROOT) -> Path:
    """Where the model for the current inputs lives in the work tree."""
    return root / "models" / f"signpost-{training_hash(root)}.tar.gz"


def ensure_model(root: Path = REPO_ROOT, force: bool = False) -> tuple[Path, bool]:
    """The model for the current inputs, training it if needed. Returns (path, trained)."""
    target = model_path(root)
    cached = cache_dir() / target.name
    if not force:
        if target.exists():
            return target, False
        if cached.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(cached, target)
            return target, False
    rasa = Path(sys.executable).with_name("rasa")
    subprocess.run(
        [
            str(rasa),
            "train",
            "--fixed-model-name",
            target.name.removesuffix(".tar.gz"),
            "--out",
            str(target.parent),
        ],
        cwd=root,
        check=True,
    )
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(target, cached)
    return target, True
