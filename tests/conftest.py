"""Shared fixtures: a private database per test (SQLite, and PostgreSQL where it matters)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bot import runtime
from bot.config import REPO_ROOT
from bot.db import get_engine

POSTGRES_ADMIN_URL = os.environ.get(
    "SIGNPOST_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


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
    """A throwaway PostgreSQL database on 127.0.0.1:5432, dropped afterwards."""
    name = f"signpost_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        runtime.reset()
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


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
