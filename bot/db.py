"""Database engine and sessions (SQLAlchemy 1.4 with the 2.0-style API).

SQLite is the embedded default; PostgreSQL is used in production by setting
SIGNPOST_DATABASE_URL. Engines are created lazily, once per URL, never at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        # WAL lets the action server read while the loader writes; busy_timeout waits
        # for a lock instead of failing at once when two writers meet.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def get_engine(url: str) -> Engine:
    """The shared engine for a database URL, created on first use."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite":
                file_based = parsed.database not in (None, "", ":memory:")
                if file_based:
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                # SQLAlchemy 1.4 opens a new SQLite connection (and runs the pragmas above)
                # for every session; keep a pool of them instead, as 2.0 does for files. A
                # connection moves between threads (the action server's workers), one at a
                # time, hence check_same_thread=False.
                pooling = (
                    {
                        "poolclass": QueuePool,
                        "connect_args": {"timeout": 10, "check_same_thread": False},
                    }
                    if file_based
                    else {"connect_args": {"timeout": 10}}
                )
                engine = create_engine(url, future=True, **pooling)
                _configure_sqlite(engine)
            else:
                engine = create_engine(url, future=True, pool_pre_ping=True)
            _engines[url] = engine
        return engine


_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def create_schema(engine: Engine) -> None:
    """Bring the database up to the latest schema by running the Alembic migrations.

    Once per database per process. Two processes starting on a fresh database at the same
    moment can race to create the tables; the loser finds them made, so it tries once more
    (which then finds the database up to date).
    """
    key = str(engine.url)
    if key in _migrated:
        return
    with _migrate_lock:
        if key in _migrated:
            return
        try:
            _upgrade(engine)
        except DBAPIError:
            _upgrade(engine)
        _migrated.add(key)


def _upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    from bot.config import REPO_ROOT

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "bot" / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def dispose_all() -> None:
    """Close every pooled connection (tests and shutdown)."""
    _migrated.clear()
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    factory = sessionmaker(bind=engine, future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
