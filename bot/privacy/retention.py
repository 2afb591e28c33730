"""Retention: keep nothing longer than it is needed. Safe to run from cron, as often as liked.

- Conversations (the tracker store): a conversation idle for `conversation_days` is deleted;
  in a conversation still in use, sessions that started before then are deleted.
- Bookings: `contact_days` after an appointment (or after its cancellation), its name, phone,
  note, conversation id and consent details are removed; the anonymous shell stays.
- Call-back requests older than `contact_days` are deleted.
- Unfinished booking drafts untouched for `draft_hours` are deleted.
- Channel state (registry) idle for `conversation_days` is deleted, except opt-outs.
- Anonymous need events are kept: they hold nothing about anyone.

Each store is changed in one transaction; with dry_run the transaction is rolled back, so the
counts are exactly what a real run would do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, delete, inspect, or_, update
from sqlalchemy.engine import Connection, Engine

from bot.booking.models import Booking, BookingDraft, CallbackRequest
from bot.privacy import registry, tracker_events

DEFAULT_CONVERSATION_DAYS = 90
DEFAULT_CONTACT_DAYS = 30
DEFAULT_DRAFT_HOURS = 24


@dataclass(frozen=True)
class RetentionSettings:
    conversation_days: int = DEFAULT_CONVERSATION_DAYS
    contact_days: int = DEFAULT_CONTACT_DAYS
    draft_hours: int = DEFAULT_DRAFT_HOURS

    @classmethod
    def from_env(cls) -> RetentionSettings:
        def number(name: str, default: int) -> int:
            value = os.environ.get(name, "").strip()
            return int(value) if value else default

        return cls(
            number("SIGNPOST_RETENTION_CONVERSATION_DAYS", DEFAULT_CONVERSATION_DAYS),
            number("SIGNPOST_RETENTION_CONTACT_DAYS", DEFAULT_CONTACT_DAYS),
            number("SIGNPOST_RETENTION_DRAFT_HOURS", DEFAULT_DRAFT_HOURS),
        )

    def __post_init__(self) -> None:
        if self.conversation_days < 1 or self.contact_days < 0 or self.draft_hours < 1:
            raise ValueError("retention periods must be positive")


@dataclass
class RetentionReport:
    dry_run: bool
    conversations_deleted: int | None = None  # None: the tracker store was not given
    events_deleted: int | None = None
    bookings_cleared: int = 0
    callback_requests_deleted: int = 0
    drafts_deleted: int = 0
    channel_rows_deleted: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        lines = []
        if self.conversations_deleted is not None:
            lines.append(
                f"{self.conversations_deleted} idle conversations and {self.events_deleted} "
                f"conversation events {verb} deleted"
            )
        lines += [
            f"{self.bookings_cleared} past bookings {verb} cleared of contact details",
            f"{self.callback_requests_deleted} call-back requests {verb} deleted",
            f"{self.drafts_deleted} unfinished booking drafts {verb} deleted",
        ]
        channels = self.channel_rows_deleted.items()
        lines += [f"{count} {name} rows {verb} deleted" for name, count in channels]
        return lines


def _project(connection: Connection, now: datetime, settings: RetentionSettings) -> dict:
    tables = set(inspect(connection).get_table_names())
    counts = {"bookings": 0, "callbacks": 0, "drafts": 0}
    contact_cutoff = now - timedelta(days=settings.contact_days)
    if "booking" in tables:
        finished = or_(
            Booking.ends_at < contact_cutoff,
            and_(Booking.status != "confirmed", Booking.cancelled_at < contact_cutoff),
        )
        holds_details = or_(
            Booking.name.isnot(None),
            Booking.phone.isnot(None),
            Booking.note.isnot(None),
            Booking.call_safety.isnot(None),
            Booking.conversation_id.isnot(None),
        )
        counts["bookings"] = connection.execute(
            update(Booking)
            .where(finished, holds_details)
            .values(
                name=None,
                phone=None,
                note=None,
                call_safety=None,
                conversation_id=None,
                consent_at=None,
                consent_version=None,
            )
        ).rowcount
    if "callback_request" in tables:
        counts["callbacks"] = connection.execute(
            delete(CallbackRequest).where(CallbackRequest.created_at < contact_cutoff)
        ).rowcount
    if "booking_draft" in tables:
        draft_cutoff = now - timedelta(hours=settings.draft_hours)
        counts["drafts"] = connection.execute(
            delete(BookingDraft).where(BookingDraft.updated_at < draft_cutoff)
        ).rowcount
    return counts


def run_retention(
    engine: Engine,
    tracker: str | Engine | None,
    now: datetime | None = None,
    settings: RetentionSettings | None = None,
    dry_run: bool = False,
) -> RetentionReport:
    """Apply the retention periods (see the module docstring) and say what was deleted."""
    moment = now or datetime.now(timezone.utc)
    settings = settings or RetentionSettings()
    report = RetentionReport(dry_run=dry_run)
    idle_cutoff = moment - timedelta(days=settings.conversation_days)

    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            counts = _project(connection, moment, settings)
            for eraser in registry.erasers():
                if eraser.expire is not None:
                    report.channel_rows_deleted[eraser.name] = eraser.expire(
                        connection, idle_cutoff
                    )
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    report.bookings_cleared = int(counts["bookings"] or 0)
    report.callback_requests_deleted = int(counts["callbacks"] or 0)
    report.drafts_deleted = int(counts["drafts"] or 0)

    if tracker is not None:
        store = tracker_events.tracker_engine(tracker)
        try:
            with store.connect() as connection:
                transaction = connection.begin()
                try:
                    conversations, deleted = tracker_events.expire_events(
                        connection, idle_cutoff.timestamp()
                    )
                except BaseException:
                    transaction.rollback()
                    raise
                if dry_run:
                    transaction.rollback()
                else:
                    transaction.commit()
            report.conversations_deleted, report.events_deleted = conversations, deleted
        finally:
            if not isinstance(tracker, Engine):
                store.dispose()
    return report
