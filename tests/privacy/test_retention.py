"""Retention, on SQLite and PostgreSQL, with a fixed clock: what goes, what stays."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from bot.booking.drafts import save_draft
from bot.booking.models import Booking, BookingDraft, CallbackRequest
from bot.booking.service import join_callback_list
from bot.channels.sms.store import SmsNumber, save_opted_out
from bot.db import session_scope
from bot.events import NeedEvent, record_need_event
from bot.privacy import tracker_events
from bot.privacy.retention import RetentionSettings, run_retention
from tests.privacy.conftest import UTC, add_event, make_booking

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _senders(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(tracker_events.events.c.sender_id, func.count()).group_by(
                tracker_events.events.c.sender_id
            )
        )
        return dict(rows.all())


def _conversations(tracker: Engine) -> None:
    # Idle for 100 days: goes whole.
    add_event(tracker, "old", "session_started", NOW - 100 * DAY)
    add_event(tracker, "old", "user", NOW - 100 * DAY)
    # Idle for 80 days: stays.
    add_event(tracker, "recent", "session_started", NOW - 80 * DAY)
    add_event(tracker, "recent", "user", NOW - 80 * DAY)
    # Used 120 days ago and again now: the old session goes, the new one stays whole.
    add_event(tracker, "regular", "session_started", NOW - 120 * DAY)
    add_event(tracker, "regular", "user", NOW - 120 * DAY)
    add_event(tracker, "regular", "session_started", NOW - DAY)
    add_event(tracker, "regular", "user", NOW - DAY)


def _project(project: Engine) -> dict[str, str]:
    refs = {
        "long_past": make_booking(project, NOW - 40 * DAY, "c1", now=NOW - 41 * DAY),
        "just_past": make_booking(project, NOW - 10 * DAY, "c2", now=NOW - 11 * DAY),
        "future": make_booking(project, NOW + 5 * DAY, "c3", now=NOW - DAY),
        "cancelled_long_ago": make_booking(project, NOW + 6 * DAY, "c4", now=NOW - 50 * DAY),
    }
    with session_scope(project) as session:
        session.execute(
            update(Booking)
            .where(Booking.reference == refs["cancelled_long_ago"])
            .values(status="cancelled", cancelled_at=NOW - 45 * DAY)
        )
    join_callback_list(project, "Old", "+441514960003", None, None, "c5", NOW - 31 * DAY)
    join_callback_list(project, "New", "+441514960004", None, None, "c6", NOW - 2 * DAY)
    save_draft(project, "c7", name="Stale")
    save_draft(project, "c8", name="Fresh")
    with session_scope(project) as session:
        session.execute(
            update(BookingDraft)
            .where(BookingDraft.conversation_id == "c7")
            .values(updated_at=NOW - 2 * DAY)
        )
        session.execute(
            update(BookingDraft).where(BookingDraft.conversation_id == "c8").values(updated_at=NOW)
        )
    save_opted_out(project, "sms-stopped", True)
    save_opted_out(project, "sms-idle", False)
    with session_scope(project) as session:
        session.execute(update(SmsNumber).values(updated_at=NOW - 200 * DAY))
    record_need_event(project, "money", "L9", 2, at=NOW - 400 * DAY)
    return refs


@pytest.fixture
def stores(project: Engine, tracker: Engine) -> dict[str, str]:
    _conversations(tracker)
    return _project(project)


def test_retention_deletes_what_is_no_longer_needed(
    project: Engine, tracker: Engine, stores: dict[str, str]
) -> None:
    report = run_retention(project, tracker, NOW, RetentionSettings(90, 30))

    assert (report.conversations_deleted, report.events_deleted) == (1, 4)
    assert _senders(tracker) == {"recent": 2, "regular": 2}
    with tracker.connect() as connection:
        regular = tracker_events.conversation_events(connection, "regular")
    assert [e["timestamp"] for e in regular] == [(NOW - DAY).timestamp()] * 2

    assert report.bookings_cleared == 2
    with session_scope(project) as session:
        by_ref = {b.reference: b for b in session.execute(select(Booking)).scalars()}
        for key in ("long_past", "cancelled_long_ago"):
            assert by_ref[stores[key]].name is None and by_ref[stores[key]].phone is None
            assert by_ref[stores[key]].conversation_id is None
        for key in ("just_past", "future"):
            assert by_ref[stores[key]].name == "Zephyrine"
        assert [c.name for c in session.execute(select(CallbackRequest)).scalars()] == ["New"]
        assert [d.conversation_id for d in session.execute(select(BookingDraft)).scalars()] == [
            "c8"
        ]
        # An opt-out outlives the conversation; idle state without one goes.
        assert [n.pseudonym for n in session.execute(select(SmsNumber)).scalars()] == [
            "sms-stopped"
        ]
        assert session.query(NeedEvent).count() == 1  # anonymous: kept

    assert (report.callback_requests_deleted, report.drafts_deleted) == (1, 1)
    assert report.channel_rows_deleted["sms_numbers"] == 1


def test_a_dry_run_counts_the_same_and_changes_nothing(
    project: Engine, tracker: Engine, stores: dict[str, str]
) -> None:
    dry = run_retention(project, tracker, NOW, RetentionSettings(90, 30), dry_run=True)
    assert _senders(tracker) == {"old": 2, "recent": 2, "regular": 4}
    real = run_retention(project, tracker, NOW, RetentionSettings(90, 30))
    assert dry.lines() == [line.replace("were", "would be") for line in real.lines()]
    again = run_retention(project, tracker, NOW, RetentionSettings(90, 30))
    assert (again.events_deleted, again.bookings_cleared, again.drafts_deleted) == (0, 0, 0)


def test_periods_must_make_sense() -> None:
    with pytest.raises(ValueError):
        RetentionSettings(conversation_days=0)
