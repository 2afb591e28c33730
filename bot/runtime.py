"""Process-wide services, built lazily on first use (never at import time).

Both the action server and the CLI use these; tests reset them with `reset()` after
changing the environment.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from sqlalchemy.engine import Engine

from bot.config import Settings, get_settings
from bot.db import create_schema, dispose_all, get_engine
from bot.directory.search import Directory
from bot.geography import Gazetteer

_schema_lock = threading.Lock()
_schema_ready: set[str] = set()


def settings() -> Settings:
    return get_settings()


def engine() -> Engine:
    """The database engine, with the schema created on first use."""
    url = settings().database_url
    db = get_engine(url)
    if url not in _schema_ready:
        with _schema_lock:
            if url not in _schema_ready:
                create_schema(db)
                _schema_ready.add(url)
    return db


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer.load(settings().resources_dir / "geo")


def directory() -> Directory:
    return Directory(engine())


def reset() -> None:
    """Forget everything built so far (tests)."""
    get_settings.cache_clear()
    gazetteer.cache_clear()
    _schema_ready.clear()
    dispose_all()
