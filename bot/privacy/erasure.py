"""Erasure ("delete my data") and subject-access export, for one person.

A person is found by their conversation ids (keyed pseudonyms) and, when they ask by phone or
email, by the phone number they gave: that reaches their bookings, call-back requests and
unfinished booking drafts, the conversations those were made in, and their SMS conversation
(the SMS pseudonym is derived from the number).

Erasure, in one transaction on the project database:
- future bookings are cancelled ("person asked to delete their data"): the slot frees up and
  the advisor sees the cancellation in their list; the report names each one so whoever ran
  the erasure can tell the advisor;
- every booking of theirs keeps only its anonymous shell (time, advisor, how, need, status):
  name, phone, note, conversation id and consent details are removed;
- drafts and call-back requests are deleted, and each channel's per-person state (registry);
then, on the tracker store, every event of their conversations is deleted.

Pure domain: no Rasa. Safe to repeat (a second run finds nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.booking.models import Booking, BookingDraft, CallbackRequest
from bot.db import session_scope
from bot.privacy import registry, tracker_events
from bot.privacy.pseudonyms import pseudonymise

CANCEL_REASON = "person asked to delete their data"
# A conversation returns SlotSet(ERASED_SLOT, True) after erasing its person: the redacting
# tracker store then deletes the conversation instead of saving it again.
ERASED_SLOT = "data_erased"


@dataclass(frozen=True)
class CancelledBooking:
    """A booking cancelled by an erasure: the advisor should be told."""

    reference: str
    starts_at: datetime
    advisor: str
    mode: str
    hub: str | None


@dataclass
class ErasureReport:
    conversation_ids: list[str]
    tracker_events: int | None  # None when the tracker store was left to the caller
    cancelled: list[CancelledBooking] = field(default_factory=list)
    bookings_anonymised: int = 0
    drafts: int = 0
    callback_requests: int = 0
    channel_rows: dict[str, int] = field(default_factory=dict)

    @property
    def found_anything(self) -> bool:
        return bool(
            self.tracker_events
            or self.cancelled
            or self.bookings_anonymised
            or self.drafts
            or self.callback_requests
            or any(self.channel_rows.values())
        )

    def lines(self) -> list[str]:
        """What was erased, in words, for the command line and the audit note."""
        lines = [
            f"conversations: {len(self.conversation_ids)}"
            + (
                f" ({self.tracker_events} events deleted)"
                if self.tracker_events is not None
                else ""
            ),
            f"bookings cancelled: {len(self.cancelled)}",
            f"bookings with contact details removed: {self.bookings_anonymised}",
            f"unfinished booking details deleted: {self.drafts}",
            f"call-back requests deleted: {self.callback_requests}",
        ]
        lines += [f"{name}: {count} deleted" for name, count in self.channel_rows.items()]
        return lines


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(timezone.utc)
    if moment.tzinfo is None:
        raise ValueError("naive datetime given where an aware one is required")
    return moment


def normalise_phone_for_lookup(phone: str) -> str:
    """E.164 when it is a valid number (bookings store that), else as given, stripped."""
    from bot.booking.phones import normalise_phone

    return normalise_phone(phone) or phone.strip()


def _person_filter(model: Any, ids: Sequence[str], phone: str | None) -> Any:
    conditions = []
    if ids:
        conditions.append(model.conversation_id.in_(list(ids)))
    if phone:
        conditions.append(model.phone == phone)
    return or_(*conditions) if conditions else None


def _conversations_by_phone(session: Session, phone: str) -> set[str]:
    found: set[str] = set()
    for model in (Booking, CallbackRequest, BookingDraft):
        found.update(
            cid
            for (cid,) in session.execute(select(model.conversation_id).where(model.phone == phone))
            if cid
        )
    return found


def find_conversations(
    engine: Engine,
    conversation_ids: Iterable[str] = (),
    phone: str | None = None,
    telegram_id: str | int | None = None,
) -> tuple[list[str], str | None]:
    """Every conversation id of the person, and their phone number as stored (E.164)."""
    ids = {cid for cid in conversation_ids if cid}
    stored_phone = normalise_phone_for_lookup(phone) if phone else None
    if telegram_id is not None and str(telegram_id).strip():
        ids.add(pseudonymise("telegram", str(telegram_id).strip()))
    if stored_phone:
        ids.add(pseudonymise("sms", stored_phone))
        with session_scope(engine) as session:
            ids |= _conversations_by_phone(session, stored_phone)
    return sorted(ids), stored_phone


def erase_person(
    engine: Engine,
    conversation_ids: Sequence[str],
    phone: str | None = None,
    tracker: str | Engine | None = None,
    now: datetime | None = None,
) -> ErasureReport:
    """Erase everything held about one person (see the module docstring).

    `tracker` is the tracker store's URL or engine; None leaves the tracker to the caller (a
    conversation erasing itself: the redacting tracker store deletes it on ERASED_SLOT).
    """
    moment = _utc(now)
    ids, stored_phone = find_conversations(engine, conversation_ids, phone)
    report = ErasureReport(conversation_ids=ids, tracker_events=None)
    with session_scope(engine) as session:
        who = _person_filter(Booking, ids, stored_phone)
        if who is not None:
            for booking in session.execute(select(Booking).where(who)).scalars():
                if booking.status == "confirmed" and booking.starts_at > moment:
                    booking.status = "cancelled"
                    booking.cancelled_at = moment
                    booking.cancel_reason = CANCEL_REASON
                    report.cancelled.append(
                        CancelledBooking(
                            booking.reference,
                            booking.starts_at,
                            booking.advisor.display_name,
                            booking.mode,
                            booking.hub.name if booking.hub else None,
                        )
                    )
                booking.name = booking.phone = booking.note = booking.call_safety = None
                booking.conversation_id = None
                booking.consent_at = booking.consent_version = None
                report.bookings_anonymised += 1
        for model, attribute in ((BookingDraft, "drafts"), (CallbackRequest, "callback_requests")):
            who = _person_filter(model, ids, stored_phone)
            if who is None:
                continue
            rows = list(session.execute(select(model).where(who)).scalars())
            for row in rows:
                session.delete(row)
            setattr(report, attribute, len(rows))
        session.flush()
        connection = session.connection()
        for eraser in registry.erasers():
            report.channel_rows[eraser.name] = eraser.erase(connection, ids)
    if tracker is not None:
        store = tracker_events.tracker_engine(tracker)
        with store.begin() as connection:
            report.tracker_events = tracker_events.delete_conversations(connection, ids)
        if not isinstance(tracker, Engine):
            store.dispose()
    return report


def _row(model: Any, row: Any) -> dict[str, Any]:
    columns = model.__table__.columns
    return {column.name: registry.json_value(getattr(row, column.key)) for column in columns}


def export_person(
    engine: Engine,
    conversation_ids: Sequence[str],
    phone: str | None = None,
    tracker: str | Engine | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything held about one person, as JSON-ready data (a subject access request)."""
    moment = _utc(now)
    ids, stored_phone = find_conversations(engine, conversation_ids, phone)
    export: dict[str, Any] = {
        "generated_at": moment.isoformat(),
        "looked_up_by": {"conversation_ids": list(conversation_ids), "phone": stored_phone},
        "conversation_ids": ids,
        "bookings": [],
        "callback_requests": [],
        "booking_drafts": [],
        "channels": {},
        "conversations": {},
        "not_included": (
            "Anonymous need events (category, outward code, count, time) are not linked to "
            "anyone and cannot be found by person. Message texts in conversations were masked "
            "when stored (phone numbers, postcodes, emails, and answers to the name, phone "
            "and note questions)."
        ),
    }
    with session_scope(engine) as session:
        for key, model in (
            ("bookings", Booking),
            ("callback_requests", CallbackRequest),
            ("booking_drafts", BookingDraft),
        ):
            who = _person_filter(model, ids, stored_phone)
            if who is None:
                continue
            for row in session.execute(select(model).where(who)).scalars():
                item = _row(model, row)
                if model is Booking:
                    item["advisor"] = row.advisor.display_name
                    item["hub"] = row.hub.name if row.hub else None
                export[key].append(item)
        connection = session.connection()
        for eraser in registry.erasers():
            if eraser.export is not None:
                export["channels"][eraser.name] = eraser.export(connection, ids)
    if tracker is not None:
        store = tracker_events.tracker_engine(tracker)
        with store.connect() as connection:
            for cid in ids:
                found = tracker_events.conversation_events(connection, cid)
                if found:
                    export["conversations"][cid] = found
        if not isinstance(tracker, Engine):
            store.dispose()
    return export
