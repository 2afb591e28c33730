"""No half-written booking: PostgreSQL drops the connection in the middle of the booking's
transaction (after the booking row is written, before the draft is deleted and the commit).
Nothing of it stays; booking again afterwards works, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.booking.availability import SlotRules, free_slots
from bot.booking.drafts import get_draft, save_draft
from bot.booking.models import Advisor, Booking, WorkingHours
from bot.booking.service import BookingRequest, book
from bot.db import create_schema, get_engine, session_scope
from tests.support.postgres import throwaway_postgres

pytestmark = pytest.mark.postgres

RULES = SlotRules()
CONVERSATION = "web-atomic"


@pytest.fixture
def engine() -> Iterator[Engine]:
    with throwaway_postgres("signpost_atomic") as url:
        db = get_engine(url)
        create_schema(db)
        with session_scope(db) as session:
            advisor = Advisor(display_name="Robin", modes="phone")
            advisor.hours = [
                WorkingHours(weekday=d, starts="09:00", ends="17:00") for d in range(7)
            ]
            session.add(advisor)
        yield db


def _request(engine: Engine, now: datetime) -> BookingRequest:
    with session_scope(engine) as session:
        slot = free_slots(session, "phone", now, RULES, limit=1)[0]
    return BookingRequest(slot, "phone", "Zephyrine", "+441514960123", CONVERSATION, "money")


def _bookings(engine: Engine) -> list[Booking]:
    with session_scope(engine) as session:
        return list(session.execute(select(Booking)).scalars())


def test_a_connection_lost_mid_booking_leaves_nothing_half_written(engine: Engine) -> None:
    now = datetime.now(timezone.utc)
    save_draft(engine, CONVERSATION, name="Zephyrine", phone="+441514960123")
    request = _request(engine, now)
    killer = create_engine(engine.url, isolation_level="AUTOCOMMIT")

    def drop_connection_after_the_insert(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO BOOKING "):
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with killer.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(engine, "after_cursor_execute", drop_connection_after_the_insert)
    try:
        with pytest.raises(DBAPIError):
            book(engine, request, now, RULES, max_future=2)
    finally:
        event.remove(engine, "after_cursor_execute", drop_connection_after_the_insert)
        killer.dispose()

    assert _bookings(engine) == []  # the insert went with the transaction
    assert get_draft(engine, CONVERSATION)["name"] == "Zephyrine"  # still there to retry

    view = book(engine, request, now + timedelta(seconds=1), RULES, max_future=2)
    assert [b.reference for b in _bookings(engine)] == [view.reference]
    assert get_draft(engine, CONVERSATION)["name"] is None
