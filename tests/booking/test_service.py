"""Booking, finding, changing and cancelling (SQLite and PostgreSQL); all times fixed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.booking.availability import free_slots
from bot.booking.drafts import get_draft, save_draft
from bot.booking.models import AvailabilityException, Booking, CallbackRequest
from bot.booking.service import (
    CONSENT_VERSION,
    REFERENCE_ALPHABET,
    NotFound,
    SlotTaken,
    TooManyBookings,
    book,
    bookings_between,
    cancel,
    cancel_by_advisor,
    count_confirmed,
    find,
    join_callback_list,
    latest_for_conversation,
)
from bot.db import session_scope
from tests.booking.conftest import (
    LANDLINE,
    MOBILE,
    RULES,
    add_advisor,
    add_hub,
    london,
    request,
    slot_at,
)

NOW = london(2026, 6, 1, 9, 0)  # Monday 1 June 2026, 9am
MAX = 2


@pytest.fixture
def sam(engine: Engine) -> int:
    return add_advisor(engine, "Sam", hours=[("MO,TU,WE,TH,FR", "09:30", "16:30")])


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return london(2026, 6, day, hour, minute)


def statuses(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as session:
        return dict(session.execute(select(Booking.reference, Booking.status)).all())


def test_book_stores_everything_and_returns_a_reference(engine: Engine, sam: int) -> None:
    save_draft(engine, "conv-1", name="Alex", phone=MOBILE, note="about rent")
    view = book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    assert len(view.reference) == 5 and set(view.reference) <= set(REFERENCE_ALPHABET)
    assert (view.starts_at, view.ends_at) == (at(2, 10), at(2, 10, 30))
    assert (view.advisor_name, view.mode, view.status) == ("Sam", "phone", "confirmed")
    assert (view.name, view.phone, view.need, view.note) == ("Alex", MOBILE, "money", "about rent")
    with session_scope(engine) as session:
        row = session.execute(select(Booking)).scalar_one()
        assert row.consent_at == NOW and row.consent_version == CONSENT_VERSION
        assert row.created_at == NOW and row.conversation_id == "conv-1"
    # The draft's personal details go once the booking holds them.
    assert get_draft(engine, "conv-1") == {"name": None, "phone": None, "note": None}


def test_in_person_booking_carries_the_hub(engine: Engine) -> None:
    add_hub(engine, "loc-hub-walton", "Walton Wellbeing Hub", "207 Rice Lane, Liverpool, L9 1EP")
    advisor = add_advisor(
        engine, "Sam", modes="phone,in_person", hours=[("TU", "09:30", "12:00", "loc-hub-walton")]
    )
    slot = slot_at(advisor, at(2, 10), "loc-hub-walton")
    view = book(engine, request(slot, mode="in_person"), NOW, RULES, MAX)
    assert (view.hub_id, view.hub_name) == ("loc-hub-walton", "Walton Wellbeing Hub")
    assert view.hub_address == "207 Rice Lane, Liverpool, L9 1EP"


def test_a_taken_slot_offers_alternatives(engine: Engine, sam: int) -> None:
    slot = slot_at(sam, at(2, 10))
    book(engine, request(slot), NOW, RULES, MAX)
    with pytest.raises(SlotTaken) as taken:
        book(engine, request(slot, phone=LANDLINE, conversation_id="conv-2"), NOW, RULES, MAX)
    alternatives = taken.value.alternatives
    assert 1 <= len(alternatives) <= 3
    assert slot.starts_at not in [s.starts_at for s in alternatives]
    assert count_confirmed(engine) == 1


@pytest.mark.parametrize(
    ("why", "slot_start", "setup"),
    [
        ("already started", at(1, 8, 30), None),
        ("inside the notice period", at(1, 9, 30), None),
        ("outside the advisor's hours", at(2, 7, 0), None),
        ("on a Sunday, not a working day", at(7, 10, 0), None),
        ("beyond the horizon", london(2026, 7, 1, 10, 0), None),
        ("during leave added after it was offered", at(2, 10, 0), "leave"),
        ("the advisor has left", at(2, 10, 0), "inactive"),
    ],
)
def test_a_slot_that_is_no_longer_offered_cannot_be_booked(
    engine: Engine, sam: int, why: str, slot_start: datetime, setup: str | None
) -> None:
    """A slot stays in the conversation between offer and "yes": it is checked again."""
    from bot.booking.models import Advisor

    with session_scope(engine) as session:
        if setup == "leave":
            session.add(
                AvailabilityException(
                    advisor_id=sam, starts_at=at(2, 0), ends_at=at(3, 0), reason="sick"
                )
            )
        if setup == "inactive":
            session.get(Advisor, sam).active = False
    with pytest.raises(SlotTaken):
        book(engine, request(slot_at(sam, slot_start)), NOW, RULES, MAX)
    assert count_confirmed(engine) == 0, why


def test_in_person_only_at_that_days_hub(engine: Engine) -> None:
    add_hub(engine, "loc-hub-walton", "Walton Wellbeing Hub")
    add_hub(engine, "loc-hub-bootle", "Bootle Wellbeing Hub")
    advisor = add_advisor(
        engine, "Sam", modes="phone,in_person", hours=[("TU", "09:30", "12:00", "loc-hub-walton")]
    )
    with pytest.raises(SlotTaken):
        book(
            engine,
            request(slot_at(advisor, at(2, 10), "loc-hub-bootle"), mode="in_person"),
            NOW,
            RULES,
            MAX,
        )
    with pytest.raises(SlotTaken):  # Sam does not do video
        book(engine, request(slot_at(advisor, at(2, 10)), mode="video"), NOW, RULES, MAX)


def test_a_slot_offered_a_little_while_ago_can_still_be_booked(engine: Engine, sam: int) -> None:
    """The first slot offered at 9:00 (11:00) is still bookable after a 20-minute chat."""
    with session_scope(engine) as session:
        first = free_slots(session, "phone", NOW, RULES, limit=1)[0]
    assert first.local_start == at(1, 11, 0)
    view = book(engine, request(first), NOW + timedelta(minutes=20), RULES, MAX)
    assert view.starts_at == first.starts_at


def test_at_most_two_future_bookings_per_phone(engine: Engine, sam: int) -> None:
    first = book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    second = book(engine, request(slot_at(sam, at(3, 10))), NOW, RULES, MAX)
    with pytest.raises(TooManyBookings) as error:
        book(engine, request(slot_at(sam, at(4, 10))), NOW, RULES, MAX)
    assert [b.reference for b in error.value.existing] == [first.reference, second.reference]
    assert count_confirmed(engine) == 2
    # Someone else, or the same person once one is cancelled, can still book.
    book(engine, request(slot_at(sam, at(4, 10)), phone=LANDLINE), NOW, RULES, MAX)
    cancel(engine, first.reference, NOW, "can't make it", phone=MOBILE)
    book(engine, request(slot_at(sam, at(4, 11))), NOW, RULES, MAX)
    assert count_confirmed(engine) == 3


def test_past_bookings_do_not_count(engine: Engine, sam: int) -> None:
    book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    book(engine, request(slot_at(sam, at(3, 10))), NOW, RULES, MAX)
    a_week_later = london(2026, 6, 8, 9, 0)
    book(engine, request(slot_at(sam, at(9, 10))), a_week_later, RULES, MAX)


def test_reschedule_keeps_the_count_and_cancels_the_old_one(engine: Engine, sam: int) -> None:
    first = book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    second = book(engine, request(slot_at(sam, at(3, 10))), NOW, RULES, MAX)
    moved = book(
        engine, request(slot_at(sam, at(4, 14))), NOW, RULES, MAX, replacing=first.reference
    )
    assert statuses(engine) == {
        first.reference: "cancelled",
        second.reference: "confirmed",
        moved.reference: "confirmed",
    }
    with session_scope(engine) as session:
        old = session.execute(
            select(Booking).where(Booking.reference == first.reference)
        ).scalar_one()
        assert old.cancelled_at == NOW and old.cancel_reason == "changed by the person"
    # The old time is free again for someone else.
    book(engine, request(slot_at(sam, at(2, 10)), phone=LANDLINE), NOW, RULES, MAX)


def test_reschedule_to_the_same_time_with_another_advisor_or_back(engine: Engine, sam: int) -> None:
    first = book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    # Changing to the very same slot is allowed: the old one is freed in the same transaction.
    again = book(
        engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX, replacing=first.reference
    )
    assert statuses(engine) == {first.reference: "cancelled", again.reference: "confirmed"}


def test_a_failed_reschedule_changes_nothing(engine: Engine, sam: int) -> None:
    mine = book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    theirs = book(engine, request(slot_at(sam, at(3, 10)), phone=LANDLINE), NOW, RULES, MAX)
    with pytest.raises(SlotTaken):
        book(engine, request(slot_at(sam, at(3, 10))), NOW, RULES, MAX, replacing=mine.reference)
    assert statuses(engine) == {mine.reference: "confirmed", theirs.reference: "confirmed"}
    with pytest.raises(NotFound):  # not this phone's booking: nothing is cancelled
        book(engine, request(slot_at(sam, at(4, 10))), NOW, RULES, MAX, replacing=theirs.reference)
    assert statuses(engine) == {mine.reference: "confirmed", theirs.reference: "confirmed"}


def test_find_checks_the_phone_or_conversation(engine: Engine, sam: int) -> None:
    view = book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    assert find(engine, view.reference, phone=MOBILE).reference == view.reference
    spaced = f" {view.reference[:2].lower()} {view.reference[2:].lower()}-"
    assert find(engine, spaced, phone=MOBILE).reference == view.reference
    assert find(engine, view.reference, conversation_id="conv-1").reference == view.reference
    for wrong in ({"phone": LANDLINE}, {"conversation_id": "conv-2"}, {}):
        with pytest.raises(NotFound):
            find(engine, view.reference, **wrong)
    with pytest.raises(NotFound) as missing:
        find(engine, "ZZZZZ", phone=MOBILE)
    with pytest.raises(NotFound) as wrong_phone:
        find(engine, view.reference, phone=LANDLINE)
    assert str(missing.value) == "ZZZZZ" and type(missing.value) is type(wrong_phone.value)


def test_cancel_needs_the_right_phone(engine: Engine, sam: int) -> None:
    view = book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    with pytest.raises(NotFound):
        cancel(engine, view.reference, NOW, "by the person", phone=LANDLINE)
    assert statuses(engine) == {view.reference: "confirmed"}
    cancelled = cancel(engine, view.reference, NOW, "by the person", phone=MOBILE)
    assert cancelled.status == "cancelled"
    # Cancelling twice keeps the first reason.
    cancel_by_advisor(engine, view.reference, NOW + timedelta(hours=1), "advisor ill")
    with session_scope(engine) as session:
        row = session.execute(select(Booking)).scalar_one()
        assert (row.cancel_reason, row.cancelled_at) == ("by the person", NOW)
    with pytest.raises(NotFound):
        cancel_by_advisor(engine, "NOPE2", NOW, "typo")


def test_latest_for_conversation_and_bookings_between(engine: Engine, sam: int) -> None:
    later = book(engine, request(slot_at(sam, at(3, 10))), NOW, RULES, MAX)
    sooner = book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    other = book(
        engine,
        request(slot_at(sam, at(2, 11)), phone=LANDLINE, conversation_id="c2"),
        NOW,
        RULES,
        MAX,
    )
    assert latest_for_conversation(engine, "conv-1", NOW).reference == sooner.reference  # type: ignore[union-attr]
    cancel_by_advisor(engine, sooner.reference, NOW, "advisor ill")
    assert latest_for_conversation(engine, "conv-1", NOW).reference == later.reference  # type: ignore[union-attr]
    assert latest_for_conversation(engine, "nobody", NOW) is None
    tuesday = bookings_between(engine, at(2, 0), at(3, 0))
    assert [b.reference for b in tuesday] == [sooner.reference, other.reference]
    assert [b.status for b in tuesday] == ["cancelled", "confirmed"]
    assert bookings_between(engine, at(2, 0), at(3, 0), advisor_id=sam + 1) == []
    assert len(bookings_between(engine, at(1, 0), at(8, 0), advisor_id=sam)) == 3


def test_join_callback_list(engine: Engine) -> None:
    join_callback_list(engine, "Alex", MOBILE, "money", "phone", "conv-1", NOW)
    with session_scope(engine) as session:
        row = session.execute(select(CallbackRequest)).scalar_one()
        assert (row.name, row.phone, row.need, row.mode, row.status) == (
            "Alex",
            MOBILE,
            "money",
            "phone",
            "waiting",
        )
        assert row.consent_at == NOW and row.consent_version == CONSENT_VERSION


def test_times_round_trip_as_utc(engine: Engine, sam: int) -> None:
    view = book(engine, request(slot_at(sam, at(2, 10))), NOW, RULES, MAX)
    assert view.starts_at.utcoffset() == timedelta(0)
    assert view.starts_at.hour == 9  # 10am British Summer Time
    assert view.starts_at.date() == date(2026, 6, 2)
