"""The personal details a conversation has given for a booking (name, phone, note), looked up
so they can be masked wherever the assistant repeats them (a booking summary, say)."""

from __future__ import annotations

from sqlalchemy import inspect, or_, select
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


def known_values(engine: Engine, conversation_id: str) -> KnownValues:
    """Names, phone numbers and notes held for this conversation (empty if none)."""
    known = KnownValues()
    with engine.connect() as connection:
        tables = _tables(connection, engine)
        if "booking_draft" in tables:
            for name, phone, note in connection.execute(
                select(BookingDraft.name, BookingDraft.phone, BookingDraft.note).where(
                    BookingDraft.conversation_id == conversation_id
                )
            ):
                known.add_name(name)
                known.add_phone(phone)
                known.add_note(note)
        if "booking" in tables:
            for name, phone, note in connection.execute(
                select(Booking.name, Booking.phone, Booking.note).where(
                    Booking.conversation_id == conversation_id,
                    or_(Booking.name.isnot(None), Booking.phone.isnot(None)),
                )
            ):
                known.add_name(name)
                known.add_phone(phone)
                known.add_note(note)
        if "callback_request" in tables:
            for name, phone in connection.execute(
                select(CallbackRequest.name, CallbackRequest.phone).where(
                    CallbackRequest.conversation_id == conversation_id
                )
            ):
                known.add_name(name)
                known.add_phone(phone)
    return known
