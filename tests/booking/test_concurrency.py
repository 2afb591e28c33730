"""A hundred people press "book" on the same slot at the same moment: exactly one gets it.

Real threads, each with its own connection, all released together by a barrier; on SQLite
(WAL, one writer at a time) and on PostgreSQL (row locks on the unique index).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.booking.availability import free_slots
from bot.booking.models import Booking
from bot.booking.service import SQLITE_BUSY_RETRIES, BookingView, SlotTaken, book
from bot.db import create_schema, get_engine, session_scope
from tests.booking.conftest import RULES, add_advisor, london, request, slot_at

ATTEMPTS = 100
NOW = london(2026, 6, 1, 9, 0)  # a Monday morning in summer time


def _phone(n: int) -> str:
    return f"+44151496{n:04d}"  # Ofcom's drama range for Liverpool: 0151 496 0000-0999


def _race(attempt: Callable[[int], BookingView]) -> list[BookingView | SlotTaken]:
    """Run `attempt(n)` for n in 0..99 on 100 threads released at the same instant."""
    barrier = threading.Barrier(ATTEMPTS)

    def one(n: int) -> BookingView | SlotTaken:
        barrier.wait()
        try:
            return attempt(n)
        except SlotTaken as taken:
            return taken

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(one, range(ATTEMPTS)))


def test_a_hundred_simultaneous_bookings_of_one_slot_make_exactly_one(engine: Engine) -> None:
    advisor = add_advisor(engine, "Sam", hours=[("MO,TU,WE,TH,FR", "09:30", "16:30")])
    with session_scope(engine) as session:
        wanted = free_slots(session, "phone", NOW, RULES, limit=1)[0]
    assert wanted.advisor_id == advisor

    outcomes = _race(
        lambda n: book(
            engine,
            request(wanted, phone=_phone(n), conversation_id=f"c{n}"),
            NOW,
            RULES,
            max_future=2,
        )
    )

    won = [o for o in outcomes if isinstance(o, BookingView)]
    lost = [o for o in outcomes if isinstance(o, SlotTaken)]
    assert len(won) == 1 and len(lost) == ATTEMPTS - 1
    assert won[0].starts_at == wanted.starts_at and won[0].status == "confirmed"
    for taken in lost:
        assert taken.alternatives, "someone who lost the race is offered other times"
        assert wanted.starts_at not in [s.starts_at for s in taken.alternatives]
        assert all(s.starts_at > wanted.starts_at for s in taken.alternatives[:1])
    with session_scope(engine) as session:
        rows = session.execute(
            select(Booking.phone, Booking.starts_at).where(Booking.status == "confirmed")
        ).all()
        assert session.execute(select(func.count()).select_from(Booking)).scalar_one() == 1
    assert rows == [(won[0].phone, wanted.starts_at)]


def test_a_hundred_simultaneous_changes_to_one_slot_move_exactly_one(engine: Engine) -> None:
    """Rescheduling cancels and books in one transaction: the 99 who lose keep their booking."""
    add_advisor(engine, "Sam", hours=[("MO,TU,WE,TH,FR", "09:00", "17:00")])
    with session_scope(engine) as session:
        offered = free_slots(session, "phone", NOW, RULES)
    wanted, others = offered[0], offered[1 : ATTEMPTS + 1]
    held = [
        book(engine, request(slot, phone=_phone(n), conversation_id=f"c{n}"), NOW, RULES, 2)
        for n, slot in enumerate(others)
    ]

    outcomes = _race(
        lambda n: book(
            engine,
            request(wanted, phone=_phone(n), conversation_id=f"c{n}"),
            NOW,
            RULES,
            max_future=2,
            replacing=held[n].reference,
        )
    )

    won = [(n, o) for n, o in enumerate(outcomes) if isinstance(o, BookingView)]
    assert len(won) == 1
    assert sum(isinstance(o, SlotTaken) for o in outcomes) == ATTEMPTS - 1
    winner = won[0][0]
    with session_scope(engine) as session:
        status = dict(session.execute(select(Booking.reference, Booking.status)).all())
    assert status[held[winner].reference] == "cancelled"
    assert status[won[0][1].reference] == "confirmed"
    assert [status[h.reference] for n, h in enumerate(held) if n != winner] == ["confirmed"] * 99
    assert len(status) == ATTEMPTS + 1


class _OtherWriter:
    """Another writer (say, `signpost advisors load`) holding SQLite's one write lock."""

    def __init__(self, path: Path) -> None:
        self.release = threading.Event()
        held = threading.Event()

        def hold() -> None:
            connection = sqlite3.connect(path, isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
            held.set()
            self.release.wait(timeout=30)
            connection.execute("COMMIT")
            connection.close()

        self.thread = threading.Thread(target=hold)
        self.thread.start()
        held.wait()

    def finish(self) -> None:
        self.release.set()
        self.thread.join()


def test_sqlite_busy_beyond_its_timeout_is_retried(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    create_schema(get_engine(f"sqlite:///{path}"))
    # Same database with a 0.1 s busy timeout, so "database is locked" comes quickly.
    impatient = create_engine(f"sqlite:///{path}", future=True, connect_args={"timeout": 0.1})
    advisor = add_advisor(impatient, "Sam", hours=[("MO,TU,WE,TH,FR", "09:30", "16:30")])
    locked: list[str] = []
    writer: _OtherWriter | None = None

    @event.listens_for(impatient, "handle_error")
    def _seen(context: Any) -> None:  # the other writer lets go once book() has been refused
        locked.append(str(context.original_exception))
        if writer is not None and len(locked) == 1:
            writer.release.set()

    writer = _OtherWriter(path)
    view = book(impatient, request(slot_at(advisor, london(2026, 6, 2, 10))), NOW, RULES, 2)
    writer.finish()
    assert locked == ["database is locked"] and view.status == "confirmed"

    locked.clear()
    writer = None  # this time it holds on until book() gives up
    other = _OtherWriter(path)
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            book(impatient, request(slot_at(advisor, london(2026, 6, 2, 11))), NOW, RULES, 2)
    finally:
        other.finish()
        impatient.dispose()
    assert locked == ["database is locked"] * (SQLITE_BUSY_RETRIES + 1)
