"""The conversation tracker store's `events` table (Rasa's SQL tracker store), without Rasa.

Erasure, export and retention work on it directly. Where it lives comes from the endpoints file
Rasa reads (endpoints.yml locally: SQLite at var/tracker.db; endpoints.production.yml:
PostgreSQL from environment variables), or SIGNPOST_TRACKER_STORE_URL.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url

from bot.config import REPO_ROOT

# The same shape as rasa.core.tracker_store.SQLTrackerStore.SQLEvent.
events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

SQL_STORE_TYPES = {"sql", "components.redacting_tracker_store.redactingsqltrackerstore"}
_ENV_VAR = re.compile(r"\$\{([^}]+)\}")


class TrackerStoreNotFound(RuntimeError):
    """No SQL tracker store is configured where the command looked."""


def endpoints_path() -> Path:
    """The endpoints file Rasa is started with: SIGNPOST_ENDPOINTS, or by environment."""
    configured = os.environ.get("SIGNPOST_ENDPOINTS", "").strip()
    if configured:
        return Path(configured)
    production = os.environ.get("SIGNPOST_ENV", "local") == "production"
    return REPO_ROOT / ("endpoints.production.yml" if production else "endpoints.yml")


def _expand(value: Any) -> Any:
    """${VAR} replaced as Rasa does when it reads the endpoints file (unset is an error)."""
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise TrackerStoreNotFound(f"environment variable {name} is not set")
        return os.environ[name]

    return _ENV_VAR.sub(one, value)


def tracker_store_url(endpoints: Path | None = None) -> str:
    """The SQLAlchemy URL of the SQL tracker store, from SIGNPOST_TRACKER_STORE_URL or the
    endpoints file (the same fields Rasa's SQLTrackerStore reads)."""
    direct = os.environ.get("SIGNPOST_TRACKER_STORE_URL", "").strip()
    if direct:
        return direct
    path = endpoints or endpoints_path()
    if not path.exists():
        raise TrackerStoreNotFound(f"no endpoints file at {path}")
    config = (yaml.safe_load(path.read_text()) or {}).get("tracker_store") or {}
    config = {key: _expand(value) for key, value in config.items()}
    kind = str(config.get("type") or "").lower()
    if kind not in SQL_STORE_TYPES:
        raise TrackerStoreNotFound(f"{path}: the tracker store is not an SQL store ({kind!r})")
    host = config.get("url") or config.get("host")
    if host and "://" in str(host):
        return str(host)
    dialect = str(config.get("dialect") or "sqlite")
    database = str(config.get("db") or "rasa.db")
    if dialect == "sqlite":
        # Rasa is started in the repository folder, so a relative path is relative to it.
        db_path = Path(database)
        return f"sqlite:///{db_path if db_path.is_absolute() else REPO_ROOT / db_path}"
    port = config.get("port")
    url = URL.create(
        dialect,
        username=config.get("username") or None,
        password=config.get("password") or None,
        host=str(host) if host else None,
        port=int(port) if port not in (None, "") else None,
        database=database,
        query={k: str(v) for k, v in (config.get("query") or {}).items()},
    )
    return url.render_as_string(hide_password=False)


def tracker_engine(url_or_engine: str | Engine) -> Engine:
    """An engine for the tracker store (made here, not shared: it may be Rasa's own file)."""
    if isinstance(url_or_engine, Engine):
        return url_or_engine
    url = make_url(url_or_engine)
    if url.get_backend_name() == "sqlite":
        return create_engine(url, future=True, connect_args={"timeout": 10})
    return create_engine(url, future=True, pool_pre_ping=True)


def has_events_table(connection: Connection) -> bool:
    return inspect(connection).has_table("events")


def delete_conversations(connection: Connection, sender_ids: Sequence[str]) -> int:
    """Delete every event of these conversations; how many were deleted."""
    if not sender_ids or not has_events_table(connection):
        return 0
    result = connection.execute(delete(events).where(events.c.sender_id.in_(list(sender_ids))))
    return int(result.rowcount or 0)


def conversation_events(connection: Connection, sender_id: str) -> list[dict[str, Any]]:
    """A conversation's events as stored (already masked by the redacting tracker store)."""
    if not has_events_table(connection):
        return []
    rows = connection.execute(
        select(events.c.data).where(events.c.sender_id == sender_id).order_by(events.c.id)
    )
    return [json.loads(data) for (data,) in rows]


def count_events(connection: Connection, sender_ids: Sequence[str]) -> int:
    if not sender_ids or not has_events_table(connection):
        return 0
    return int(
        connection.execute(
            select(func.count()).select_from(events).where(events.c.sender_id.in_(list(sender_ids)))
        ).scalar_one()
    )


def expire_events(connection: Connection, cutoff: float) -> tuple[int, int]:
    """Retention: delete conversations idle since before `cutoff` (a Unix time), and the
    sessions of live conversations that started before it. (conversations, events) deleted.

    Whole sessions go, never part of one: Rasa counts the stored events of the current session
    to know which to add, so the current session is never touched.
    """
    if not has_events_table(connection):
        return 0, 0
    idle = (
        select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(func.max(events.c.timestamp) < cutoff)
    )
    idle_ids = [sender for (sender,) in connection.execute(idle)]
    deleted = 0
    for start in range(0, len(idle_ids), 500):
        chunk = idle_ids[start : start + 500]
        deleted += int(
            connection.execute(delete(events).where(events.c.sender_id.in_(chunk))).rowcount or 0
        )
    later = events.alias("later")
    first_new_session = (
        select(func.min(later.c.timestamp))
        .where(
            later.c.sender_id == events.c.sender_id,
            later.c.type_name == "session_started",
            later.c.timestamp >= cutoff,
        )
        .scalar_subquery()
    )
    with_old_events = select(events.c.sender_id).where(events.c.timestamp < cutoff).distinct()
    deleted += int(
        connection.execute(
            delete(events).where(
                events.c.sender_id.in_(with_old_events),
                events.c.timestamp < first_new_session,
            )
        ).rowcount
        or 0
    )
    return len(idle_ids), deleted
