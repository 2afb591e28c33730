"""Shared fixtures: a private database per test (SQLite, and PostgreSQL where it matters)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot import runtime
from bot.config import REPO_ROOT
from bot.db import get_engine
from tests.support.postgres import throwaway_postgres


@pytest.fixture(scope="session", autouse=True)
def private_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test touches the developer's own databases under var/: default to a temporary one."""
    folder = tmp_path_factory.mktemp("var")
    saved = {key: os.environ.get(key) for key in ("SIGNPOST_VAR_DIR", "SIGNPOST_DATABASE_URL")}
    os.environ["SIGNPOST_VAR_DIR"] = str(folder)
    os.environ["SIGNPOST_DATABASE_URL"] = f"sqlite:///{folder / 'signpost.db'}"
    runtime.reset()
    yield folder
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    runtime.reset()


@pytest.fixture
def local_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings pointing at a fresh SQLite database under tmp_path."""
    monkeypatch.setenv("SIGNPOST_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'signpost.db'}")
    runtime.reset()
    yield tmp_path
    runtime.reset()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throwaway PostgreSQL database on 127.0.0.1:5432 for the session, dropped afterwards."""
    with throwaway_postgres("signpost_test") as url:
        try:
            yield url
        finally:
            runtime.reset()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'directory.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def loaded_engine(database_url: str) -> Engine:
    """The shipped directory loaded into the database under test."""
    from bot.directory.loader import load_directory
    from bot.geography import Gazetteer

    engine = get_engine(database_url)
    load_directory(engine, REPO_ROOT / "resources" / "directory", Gazetteer.load())
    return engine
