"""Making, finding, changing and cancelling bookings, atomically.

The database's partial unique index is the real guard against double booking: when two
people race for one slot, one insert wins and the other gets `SlotTaken` with the next free
slots, never an error. A person may hold only a few future bookings (abuse protection).
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot.booking.availability import Slot, SlotRules, free_slots, still_offered
from bot.booking.models import Booking, BookingDraft, CallbackRequest, Hub
from bot.db import session_scope
from bot.privacy.redaction import redact_text

# Letters and digits that can't be mistaken for each other when read aloud or typed.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 5
CONSENT_VERSION = "booking-consent-v1"
SQLITE_BUSY_RETRIES = 3


class BookingError(Exception):
    """Base for booking outcomes that the conversation explains to the person."""


class SlotTaken(BookingError):
    def __init__(self, alternatives: list[Slot]) -> None:
        super().__init__("slot taken")
        self.alternatives = alternatives


class TooManyBookings(BookingError):
    def __init__(self, existing: list[BookingView]) -> None:
        super().__init__("too many bookings")
        self.existing = existing


class NotFound(BookingError):
    pass


class _NoLongerOffered(Exception):
    """The slot passed in is not one this advisor can take now (stale or made up)."""


@dataclass(frozen=True)
class BookingRequest:
    slot: Slot
    mode: str
    name: str
    phone: str  # E.164
    conversation_id: str | None
    need: str | None = None
    note: str | None = None
    call_safety: str | None = None


@dataclass(frozen=True)
class BookingView:
    """A booking as the conversation and the advisor CLI show it."""

    reference: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    hub_id: str | None
    hub_name: str | None
    hub_address: str | None
    advisor_name: str
    status: str
    need: str | None
    name: str | None
    phone: str | None
    note: str | None
    call_safety: str | None = None


def _view(booking: Booking) -> BookingView:
    return BookingView(
        reference=booking.reference,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        mode=booking.mode,
        hub_id=booking.hub_id,
        hub_name=booking.hub.name if booking.hub else None,
        hub_address=booking.hub.address if booking.hub else None,
        advisor_name=booking.advisor.display_name,
        status=booking.status,
        need=booking.need,
        name=booking.name,
        phone=booking.phone,
        note=booking.note,
        call_safety=booking.call_safety,
    )


def new_reference() -> str:
    """A random reference that never looks like a postcode or a phone number.

    About 2 in 100 random references read as a full postcode ("B23XY" is B2 3XY). The
    conversation store masks postcodes in everything it keeps, slot values included, so such
    a reference came back from the store as "B2 [postcode]" and the person could not cancel
    the booking they had just made in the same conversation. It would also confuse anyone
    reading it back. So those are drawn again."""
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if redact_text(reference) == reference:
            return reference


def normalise_reference(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _future_bookings(session: Session, phone: str, now: datetime) -> list[Booking]:
    return list(
        session.execute(
            select(Booking)
            .where(Booking.phone == phone, Booking.status == "confirmed", Booking.starts_at > now)
            .order_by(Booking.starts_at)
        ).scalars()
    )


def book(
    engine: Engine,
    request: BookingRequest,
    now: datetime,
    rules: SlotRules,
    max_future: int,
    replacing: str | None = None,
) -> BookingView:
    """Book `request.slot`, or raise SlotTaken / TooManyBookings.

    With `replacing`, the old booking (same phone) is cancelled in the same transaction, so a
    change of time either happens whole or not at all. The slot is checked again first: it
    was offered earlier in the conversation (leave, the clock or someone else may have taken
    it since), and a slot token could be made up.
    """
    busy_retries = 0
    for _attempt in range(5 + SQLITE_BUSY_RETRIES):  # a reference collision or a busy SQLite
        try:
            with session_scope(engine) as session:
                existing = _future_bookings(session, request.phone, now)
                kept = [b for b in existing if b.reference != replacing]
                if len(kept) >= max_future:
                    raise TooManyBookings([_view(b) for b in kept])
                if replacing:
                    old = next((b for b in existing if b.reference == replacing), None)
                    if old is None:
                        raise NotFound(replacing)
                    old.status, old.cancelled_at = "cancelled", now
                    old.cancel_reason = "changed by the person"
                    session.flush()
                if not still_offered(session, request.slot, request.mode, now, rules):
                    raise _NoLongerOffered
                booking = Booking(
                    reference=new_reference(),
                    advisor_id=request.slot.advisor_id,
                    starts_at=request.slot.starts_at,
                    ends_at=request.slot.ends_at,
                    mode=request.mode,
                    hub_id=request.slot.hub_id,
                    need=request.need,
                    note=request.note,
                    call_safety=request.call_safety,
                    name=request.name,
                    phone=request.phone,
                    conversation_id=request.conversation_id,
                    consent_at=now,
                    consent_version=CONSENT_VERSION,
                    status="confirmed",
                    created_at=now,
                )
                session.add(booking)
                session.flush()
                if request.conversation_id:
                    draft = session.get(BookingDraft, request.conversation_id)
                    if draft is not None:
                        session.delete(draft)
                session.refresh(booking)
                return _view(booking)
        except OperationalError as error:
            # SQLite has one writer at a time; past its busy timeout under a burst of bookings
            # it says "database is locked". Nothing was written: try again a little later.
            if "database is locked" not in str(error.orig) or busy_retries >= SQLITE_BUSY_RETRIES:
                raise
            busy_retries += 1
            time.sleep(random.uniform(0.05, 0.5))
            continue
        except (IntegrityError, _NoLongerOffered) as error:
            if isinstance(error, IntegrityError) and "reference" in str(error.orig).lower():
                continue
            with session_scope(engine) as session:
                alternatives = free_slots(
                    session, request.mode, now, rules, hub_id=request.slot.hub_id, limit=3
                )
            raise SlotTaken(alternatives) from error
    raise RuntimeError("could not find a free booking reference")


def find(
    engine: Engine, reference: str, phone: str | None = None, conversation_id: str | None = None
) -> BookingView:
    """A booking by reference, checked against the phone number or the conversation."""
    with session_scope(engine) as session:
        booking = session.execute(
            select(Booking).where(Booking.reference == normalise_reference(reference))
        ).scalar_one_or_none()
        if booking is None:
            raise NotFound(reference)
        owns = (phone is not None and booking.phone == phone) or (
            conversation_id is not None and booking.conversation_id == conversation_id
        )
        if not owns:
            raise NotFound(reference)  # same answer as "no such booking": no guessing
        return _view(booking)


def cancel(
    engine: Engine,
    reference: str,
    now: datetime,
    reason: str,
    phone: str | None = None,
    conversation_id: str | None = None,
) -> BookingView:
    find(engine, reference, phone=phone, conversation_id=conversation_id)
    return cancel_by_advisor(engine, reference, now, reason)


def cancel_by_advisor(engine: Engine, reference: str, now: datetime, reason: str) -> BookingView:
    with session_scope(engine) as session:
        booking = session.execute(
            select(Booking).where(Booking.reference == normalise_reference(reference))
        ).scalar_one_or_none()
        if booking is None:
            raise NotFound(reference)
        if booking.status == "confirmed":
            booking.status, booking.cancelled_at, booking.cancel_reason = "cancelled", now, reason
        session.flush()
        return _view(booking)


def latest_for_conversation(
    engine: Engine, conversation_id: str, now: datetime
) -> BookingView | None:
    """The next upcoming confirmed booking made in this conversation."""
    with session_scope(engine) as session:
        booking = session.execute(
            select(Booking)
            .where(
                Booking.conversation_id == conversation_id,
                Booking.status == "confirmed",
                Booking.starts_at > now,
            )
            .order_by(Booking.starts_at)
            .limit(1)
        ).scalar_one_or_none()
        return _view(booking) if booking else None


def bookings_between(
    engine: Engine, start: datetime, end: datetime, advisor_id: int | None = None
) -> list[BookingView]:
    with session_scope(engine) as session:
        query = select(Booking).where(Booking.starts_at >= start, Booking.starts_at < end)
        if advisor_id is not None:
            query = query.where(Booking.advisor_id == advisor_id)
        return [_view(b) for b in session.execute(query.order_by(Booking.starts_at)).scalars()]


def join_callback_list(
    engine: Engine,
    name: str,
    phone: str,
    need: str | None,
    mode: str | None,
    conversation_id: str | None,
    now: datetime,
) -> None:
    with session_scope(engine) as session:
        session.add(
            CallbackRequest(
                name=name,
                phone=phone,
                need=need,
                mode=mode,
                conversation_id=conversation_id,
                consent_at=now,
                consent_version=CONSENT_VERSION,
                created_at=now,
            )
        )


def hubs(engine: Engine) -> list[tuple[str, str]]:
    """(id, name) of every hub with in-person hours."""
    with session_scope(engine) as session:
        return [(h.id, h.name) for h in session.execute(select(Hub).order_by(Hub.name)).scalars()]


def count_confirmed(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.execute(
            select(func.count()).select_from(Booking).where(Booking.status == "confirmed")
        ).scalar_one()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
