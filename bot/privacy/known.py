"""The personal details a conversation has given for a booking (name, phone, note), looked up
so they can be masked wherever the assistant repeats them (a booking summary, say)."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import String, bindparam, inspect, literal, or_, select, union_all
from sqlalchemy.engine import Connection, Engine

from bot.booking.models import Booking, BookingDraft, CallbackRequest
from bot.privacy.redaction import KnownValues

_TABLES = frozenset({"booking_draft", "booking", "callback_request"})
# Databases known to have all three tables (asked once, not on every message).
_complete: set[str] = set()


def _tables(connection: Connection, engine: Engine) -> set[str]:
    key = str(engine.url)
    if key in _complete:
        return set(_TABLES)
    present = set(inspect(connection).get_table_names()) & _TABLES
    if present == _TABLES:
        _complete.add(key)
    return present


@functools.lru_cache(maxsize=8)
def _query(tables: frozenset[str]) -> Any:
    """The one query over the tables present, for any conversation (`conversation_id` is a
    bound parameter): built once, so SQLAlchemy works out its cache key once too."""
    conversation = bindparam("conversation_id")
    parts: list[Any] = []
    if "booking_draft" in tables:
        parts.append(
            select(BookingDraft.name, BookingDraft.phone, BookingDraft.note).where(
                BookingDraft.conversation_id == conversation
            )
        )
    if "booking" in tables:
        parts.append(
            select(Booking.name, Booking.phone, Booking.note).where(
                Booking.conversation_id == conversation,
                or_(Booking.name.isnot(None), Booking.phone.isnot(None)),
            )
        )
    if "callback_request" in tables:
        parts.append(
            select(
                CallbackRequest.name,
                CallbackRequest.phone,
                literal(None, type_=String).label("note"),
            ).where(CallbackRequest.conversation_id == conversation)
        )
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else union_all(*parts)


def known_values(engine: Engine, conversation_id: str) -> KnownValues:
    """Names, phone numbers and notes held for this conversation (empty if none).

    One query (asked on every save of a conversation): the three tables' rows together."""
    known = KnownValues()
    with engine.connect() as connection:
        query = _query(frozenset(_tables(connection, engine)))
        if query is None:
            return known
        for name, phone, note in connection.execute(query, {"conversation_id": conversation_id}):
            known.add_name(name)
            known.add_phone(phone)
            known.add_note(note)
    return known
