"""Booking fixtures: an empty booking schema per test, and small builders for advisors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, text
from sqlalchemy.engine import Engine

from bot.booking.availability import Slot, SlotRules
from bot.booking.models import (
    Advisor,
    AvailabilityException,
    Booking,
    BookingDraft,
    CallbackRequest,
    Hub,
    WorkingHours,
)
from bot.booking.service import BookingRequest
from bot.db import create_schema, get_engine, session_scope
from bot.schedule import LONDON, parse_byday

RULES = SlotRules()  # 30-minute slots, 2 hours' notice, 21 days ahead
# Valid numbers that are nobody's: the phonenumbers example mobile and Ofcom drama landlines.
MOBILE = "+447400123456"
LANDLINE = "+441514960001"

_TABLES = (
    BookingDraft,
    CallbackRequest,
    Booking,
    AvailabilityException,
    WorkingHours,
    Advisor,
    Hub,
)


@pytest.fixture
def engine(database_url: str) -> Engine:
    """An empty booking schema, on SQLite and on PostgreSQL (which is shared, so emptied)."""
    db = get_engine(database_url)
    create_schema(db)
    with session_scope(db) as session:
        if db.dialect.name == "postgresql":
            names = ", ".join(model.__tablename__ for model in _TABLES)
            session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for model in _TABLES:
                session.execute(delete(model))
    return db


def london(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=LONDON, fold=fold)


def add_hub(engine: Engine, hub_id: str, name: str, address: str = "1 Test Street") -> None:
    with session_scope(engine) as session:
        session.add(Hub(id=hub_id, name=name, address=address))


def add_advisor(
    engine: Engine,
    name: str,
    modes: str = "phone",
    hours: Iterable[tuple[str, str, str] | tuple[str, str, str, str]] = (),
    leave: Iterable[tuple[datetime, datetime]] = (),
    active: bool = True,
) -> int:
    """An advisor with weekly hours given as ("MO,TU", "09:30", "16:30"[, hub]); returns the id."""
    with session_scope(engine) as session:
        advisor = Advisor(display_name=name, modes=modes, active=active)
        advisor.hours = [
            WorkingHours(weekday=day, starts=h[1], ends=h[2], hub_id=h[3] if len(h) > 3 else None)
            for h in hours
            for day in parse_byday(h[0])
        ]
        advisor.exceptions = [
            AvailabilityException(starts_at=start, ends_at=end, reason="leave")
            for start, end in leave
        ]
        session.add(advisor)
        session.flush()
        return advisor.id


def slot_at(advisor_id: int, start: datetime, hub_id: str | None = None) -> Slot:
    utc = start.astimezone(timezone.utc)
    return Slot(utc, utc + timedelta(minutes=RULES.slot_minutes), advisor_id, hub_id)


def request(
    slot: Slot,
    phone: str = MOBILE,
    mode: str = "phone",
    name: str = "Alex",
    conversation_id: str | None = "conv-1",
    call_safety: str | None = None,
) -> BookingRequest:
    return BookingRequest(
        slot=slot,
        mode=mode,
        name=name,
        phone=phone,
        conversation_id=conversation_id,
        call_safety=call_safety,
        need="money",
        note="about rent",
    )
