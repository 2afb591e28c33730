"""What each channel keeps about a person outside the conversation, so that erasure, export and
retention reach it.

A channel that keeps per-person state in a table keyed by the pseudonym registers the table
(`register_table`); anything more involved registers functions (`register_eraser`). Both run
on the project database connection inside the erasure's transaction. Tables that do not exist
yet (a channel never used) are skipped.

The channels' tables are registered here, not in the channels, so that the command line (which
never imports the channels, or Rasa) still reaches them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import MetaData, Table, and_, delete, inspect, not_, or_, select
from sqlalchemy.engine import Connection

EraseFn = Callable[[Connection, Sequence[str]], int]
ExportFn = Callable[[Connection, Sequence[str]], list[dict[str, Any]]]
ExpireFn = Callable[[Connection, datetime], int]


@dataclass(frozen=True)
class Eraser:
    """How to erase, export and expire one store of per-person channel state."""

    name: str
    erase: EraseFn
    export: ExportFn | None = None
    expire: ExpireFn | None = None


@dataclass(frozen=True)
class PseudonymTable:
    """A table with one row per person, keyed by the pseudonym (the conversation id)."""

    table: str
    key: str = "pseudonym"
    updated: str | None = "updated_at"
    # Retention keeps rows where this column is true: an opt-out must outlive the conversation.
    keep_flag: str | None = None

    def _reflect(self, connection: Connection) -> Table | None:
        if not inspect(connection).has_table(self.table):
            return None
        return Table(self.table, MetaData(), autoload_with=connection)

    def erase(self, connection: Connection, pseudonyms: Sequence[str]) -> int:
        table = self._reflect(connection)
        if table is None or not pseudonyms:
            return 0
        result = connection.execute(delete(table).where(table.c[self.key].in_(list(pseudonyms))))
        return int(result.rowcount or 0)

    def export(self, connection: Connection, pseudonyms: Sequence[str]) -> list[dict[str, Any]]:
        table = self._reflect(connection)
        if table is None or not pseudonyms:
            return []
        rows = connection.execute(select(table).where(table.c[self.key].in_(list(pseudonyms))))
        return [{k: json_value(v) for k, v in row._mapping.items()} for row in rows]

    def expire(self, connection: Connection, cutoff: datetime) -> int:
        table = self._reflect(connection)
        if table is None or self.updated is None:
            return 0
        condition = table.c[self.updated] < cutoff
        if self.keep_flag is not None:
            flag = table.c[self.keep_flag]
            condition = and_(condition, or_(flag.is_(None), not_(flag)))
        return int(connection.execute(delete(table).where(condition)).rowcount or 0)

    def as_eraser(self) -> Eraser:
        return Eraser(self.table, self.erase, self.export, self.expire)


def json_value(value: Any) -> Any:
    """A JSON-friendly value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


_erasers: dict[str, Eraser] = {}
_lock = threading.Lock()


def register_eraser(
    name: str, erase: EraseFn, export: ExportFn | None = None, expire: ExpireFn | None = None
) -> None:
    """Add (or replace) a store of per-person state that erasure and retention must reach."""
    with _lock:
        _erasers[name] = Eraser(name, erase, export, expire)


def register_table(table: PseudonymTable) -> None:
    with _lock:
        _erasers[table.table] = table.as_eraser()


def erasers() -> list[Eraser]:
    with _lock:
        return list(_erasers.values())


# SMS (bot/channels/sms/store.py): STOP state and the last numbered options, per number.
register_table(PseudonymTable("sms_numbers", keep_flag="opted_out"))
# Telegram (bot/channels/telegram/store.py): the chat to reply in, and /stop, per person.
register_table(PseudonymTable("telegram_chats", keep_flag="stopped"))
