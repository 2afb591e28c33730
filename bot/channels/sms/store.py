"""Per-number SMS state that must outlive a restart: whether the number sent STOP, and the
numbered options of the last reply (so "2" still means the right thing after a restart).

Keyed by the pseudonym (the conversation id), never the phone number. Lives in the project
database (SQLite locally, PostgreSQL in production). SQLAlchemy is synchronous, so the async
methods run it in a thread.

Erasure ("delete my data", bot/privacy/erasure.py) deletes a number's row, possibly during
the very turn that then saves its options. So the row is made before the assistant runs
(`ensure`) and the options after it only ever update (`set_options`): an erased row stays
erased, and the person's next text starts afresh.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Boolean, Column, String, Text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.channels.sms.formatting import Option
from bot.db import create_schema, get_engine, session_scope
from bot.models import Base, UTCDateTime

# Options older than this are forgotten: Rasa starts a new session after 6 hours' quiet
# (domain.yml session_config), and a bare "2" must not pick from a list nobody remembers.
OPTIONS_TTL = timedelta(hours=6)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes even for timezone=True columns; they were stored as UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


class SmsNumber(Base):
    __tablename__ = "sms_numbers"

    pseudonym = Column(String(64), primary_key=True)
    opted_out = Column(Boolean, nullable=False, default=False)
    opted_out_at = Column(UTCDateTime, nullable=True)
    options = Column(Text, nullable=True)  # JSON list of Option.as_dict()
    options_at = Column(UTCDateTime, nullable=True)
    updated_at = Column(UTCDateTime, nullable=False, default=_now)


@dataclass(frozen=True)
class NumberState:
    opted_out: bool = False
    options: tuple[Option, ...] = ()
    exists: bool = False  # whether the number has a row (see `ensure`)


_ready: set[str] = set()
_ready_lock = threading.Lock()


def _ensure_table(engine: Engine) -> None:
    key = str(engine.url)
    if key not in _ready:
        with _ready_lock:
            if key not in _ready:
                create_schema(engine)
                _ready.add(key)


def load_state(engine: Engine, pseudonym: str, now: datetime | None = None) -> NumberState:
    _ensure_table(engine)
    with session_scope(engine) as session:
        row = session.get(SmsNumber, pseudonym)
        if row is None:
            return NumberState()
        options: tuple[Option, ...] = ()
        options_at = _aware(row.options_at)
        if row.options and options_at and (now or _now()) - options_at < OPTIONS_TTL:
            options = tuple(Option.from_dict(o) for o in json.loads(row.options))
        return NumberState(bool(row.opted_out), options, exists=True)


def _update(engine: Engine, pseudonym: str, create: bool = True, **values: object) -> bool:
    """Set `values` on the number's row, making it if `create`. False if there was none."""
    _ensure_table(engine)
    for attempt in range(2):
        try:
            with session_scope(engine) as session:
                row = session.get(SmsNumber, pseudonym)
                if row is None and not create:
                    return False
                if row is None:
                    row = SmsNumber(pseudonym=pseudonym, opted_out=False)
                    session.add(row)
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_at = _now()
            return True
        except IntegrityError:
            # Another process created the row between our read and write: update it instead.
            if attempt:
                raise
    return True  # not reached: the loop returns or raises


def save_opted_out(engine: Engine, pseudonym: str, opted_out: bool) -> None:
    _update(engine, pseudonym, opted_out=opted_out, opted_out_at=_now() if opted_out else None)


def ensure_row(engine: Engine, pseudonym: str) -> None:
    """Make the number's row if it has none, before the assistant runs (see the docstring)."""
    _update(engine, pseudonym)


def save_options(engine: Engine, pseudonym: str, options: Sequence[Option]) -> bool:
    """Remember the last reply's options; never recreates a row (an erased number's).

    False if the number has no row (erased meanwhile): nothing is saved.
    """
    data = json.dumps([o.as_dict() for o in options]) if options else None
    return _update(
        engine, pseudonym, create=False, options=data, options_at=_now() if options else None
    )


class SmsStateStore:
    """Async access to the per-number state, on the project database."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    # The engine is looked up inside the thread too: creating one may touch the disk.
    async def load(self, pseudonym: str) -> NumberState:
        return await asyncio.to_thread(lambda: load_state(get_engine(self.database_url), pseudonym))

    async def set_opted_out(self, pseudonym: str, opted_out: bool) -> None:
        await asyncio.to_thread(
            lambda: save_opted_out(get_engine(self.database_url), pseudonym, opted_out)
        )

    async def ensure(self, pseudonym: str) -> None:
        await asyncio.to_thread(lambda: ensure_row(get_engine(self.database_url), pseudonym))

    async def set_options(self, pseudonym: str, options: Sequence[Option]) -> bool:
        chosen = list(options)
        return await asyncio.to_thread(
            lambda: save_options(get_engine(self.database_url), pseudonym, chosen)
        )
