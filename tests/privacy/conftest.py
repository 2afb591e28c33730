"""Fixtures: a project database (SQLite, and PostgreSQL in its own throwaway database) with
the booking schema and advisors, a tracker store `events` table, and channel state tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine

from bot.booking.models import Advisor, Booking, WorkingHours
from bot.booking.service import CONSENT_VERSION, new_reference
from bot.db import create_schema, get_engine, session_scope
from bot.privacy import tracker_events
from tests.support.postgres import throwaway_postgres


@pytest.fixture(scope="module")
def _postgres_url() -> Iterator[str]:
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A project database URL: each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'signpost.db'}"
    return request.getfixturevalue("_postgres_url")


def _empty(engine: Engine) -> None:
    """Every table emptied (PostgreSQL is shared by the module's tests)."""
    metadata = MetaData()
    metadata.reflect(bind=engine)
    with engine.begin() as connection:
        names = [t.name for t in metadata.sorted_tables if t.name != "alembic_version"]
        if not names:
            return
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{n}"' for n in names)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                if table.name != "alembic_version":
                    connection.execute(table.delete())


@pytest.fixture
def project(db_url: str) -> Engine:
    """The project schema, empty but for one advisor who works every day, 9 to 5."""
    engine = get_engine(db_url)
    create_schema(engine)
    _empty(engine)
    with session_scope(engine) as session:
        advisor = Advisor(display_name="Robin", modes="phone")
        advisor.hours = [WorkingHours(weekday=d, starts="09:00", ends="17:00") for d in range(7)]
        session.add(advisor)
    return engine


@pytest.fixture
def tracker(project: Engine) -> Engine:
    """The tracker store's `events` table, in the same database (as a deployment may have)."""
    tracker_events.events.metadata.create_all(project)
    return project


def advisor_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.query(Advisor.id).scalar()


def make_booking(
    engine: Engine,
    starts: datetime,
    conversation_id: str | None,
    phone: str = "+441514960001",
    name: str = "Zephyrine",
    note: str | None = "worried about the rent arrears",
    now: datetime | None = None,
) -> str:
    """A confirmed booking made at `now` (a day before it starts by default); its reference.

    Written directly, as the booking service stores one: these tests are about what happens
    to bookings afterwards, whatever the rules for making them.
    """
    made = now or starts - timedelta(days=1)
    reference = new_reference()
    with session_scope(engine) as session:
        session.add(
            Booking(
                reference=reference,
                advisor_id=advisor_id(engine),
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                mode="phone",
                need="money",
                note=note,
                name=name,
                phone=phone,
                conversation_id=conversation_id,
                consent_at=made,
                consent_version=CONSENT_VERSION,
                status="confirmed",
                created_at=made,
            )
        )
    return reference


def add_event(
    engine: Engine, sender: str, kind: str, at: datetime, data: dict | None = None
) -> None:
    """One stored tracker event (as Rasa's SQL tracker store writes it)."""
    import json

    body = {"event": kind, "timestamp": at.timestamp(), **(data or {})}
    with engine.begin() as connection:
        connection.execute(
            tracker_events.events.insert().values(
                sender_id=sender,
                type_name=kind,
                timestamp=at.timestamp(),
                data=json.dumps(body),
            )
        )


UTC = timezone.utc
