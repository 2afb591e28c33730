"""Per-person Telegram state that must outlive a restart: whether they sent /stop, and the
chat to reply in when the assistant writes first (a reminder, say).

Keyed by the pseudonym, never the Telegram id. The chat id is the one personal detail kept,
and only because a message cannot be delivered without it; it never goes into logs or the
conversation tracker. Synchronous SQLAlchemy: call from a thread in async code.

The table is created by the project's Alembic migrations (bot/migrations), like every other.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import BigInteger, Boolean, Column, String
from sqlalchemy.engine import Engine

from bot.db import create_schema, session_scope
from bot.models import Base, UTCDateTime


def _now() -> datetime:
    return datetime.now(timezone.utc)


class TelegramChat(Base):
    __tablename__ = "telegram_chats"

    pseudonym = Column(String(64), primary_key=True)
    chat_id = Column(BigInteger, nullable=True)
    stopped = Column(Boolean, nullable=False, default=False)
    updated_at = Column(UTCDateTime, nullable=False, default=_now)


@dataclass(frozen=True)
class ChatState:
    chat_id: int | None
    stopped: bool


_ready: set[str] = set()
_ready_lock = threading.Lock()


def _ensure_table(engine: Engine) -> None:
    key = str(engine.url)
    if key in _ready:
        return
    with _ready_lock:
        if key not in _ready:
            create_schema(engine)
            _ready.add(key)


def get_state(engine: Engine, pseudonym: str) -> ChatState | None:
    _ensure_table(engine)
    with session_scope(engine) as session:
        row = session.get(TelegramChat, pseudonym)
        return ChatState(row.chat_id, bool(row.stopped)) if row else None


def _upsert(engine: Engine, pseudonym: str, **values: object) -> None:
    _ensure_table(engine)
    with session_scope(engine) as session:
        row = session.get(TelegramChat, pseudonym)
        if row is None:
            row = TelegramChat(pseudonym=pseudonym, stopped=False)
            session.add(row)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = _now()


def remember_chat(engine: Engine, pseudonym: str, chat_id: int) -> None:
    """Where to reply when the assistant writes first."""
    _upsert(engine, pseudonym, chat_id=chat_id)


def set_stopped(engine: Engine, pseudonym: str, stopped: bool) -> None:
    _upsert(engine, pseudonym, stopped=stopped)


def forget(engine: Engine, pseudonym: str) -> bool:
    """Erase everything this channel holds about a person. True if there was something."""
    _ensure_table(engine)
    with session_scope(engine) as session:
        row = session.get(TelegramChat, pseudonym)
        if row is None:
            return False
        session.delete(row)
        return True


class ChatStore:
    """The same, for async code: each call runs in a thread, the engine is made on first use."""

    def __init__(self, database_url: str | None = None) -> None:
        self._url = database_url

    def _engine(self) -> Engine:
        from bot.config import get_settings
        from bot.db import get_engine

        return get_engine(self._url or get_settings().database_url)

    async def state(self, pseudonym: str) -> ChatState | None:
        return await asyncio.to_thread(lambda: get_state(self._engine(), pseudonym))

    async def remember_chat(self, pseudonym: str, chat_id: int) -> None:
        await asyncio.to_thread(lambda: remember_chat(self._engine(), pseudonym, chat_id))

    async def set_stopped(self, pseudonym: str, stopped: bool) -> None:
        await asyncio.to_thread(lambda: set_stopped(self._engine(), pseudonym, stopped))

    async def reply_chat(self, pseudonym: str) -> int | None:
        """Where to send a message the person did not just ask for; None if stopped."""
        state = await self.state(pseudonym)
        if state is None or state.stopped:
            return None
        return state.chat_id
