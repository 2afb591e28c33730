"""End to end: booking, cancelling and changing an appointment through the real servers.

Checks the database as the advisor would see it, and that the conversation tracker never
holds the person's name or phone number.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.booking.models import Booking, BookingDraft
from bot.db import get_engine, session_scope
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

NAME, PHONE, E164 = "Jo", "0151 496 0123", "+441514960123"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("e2e-booking"))
    running.start()
    yield running
    running.stop()


def _bookings(stack: Stack) -> list[Booking]:
    with session_scope(get_engine(stack.db_url)) as session:
        return list(session.execute(select(Booking).order_by(Booking.id)).scalars())


def _reference(text: str) -> str:
    match = re.search(r"reference is ([A-Z0-9]{5})", text)
    assert match, text
    return match.group(1)


def _book(stack: Stack, sender: str, phone: str = PHONE) -> str:
    reply = stack.say(sender, "im skint and behind on my council tax")
    assert "Whereabouts" in reply
    reply = stack.say(sender, "L9")
    assert "talk it through with an advisor" in reply
    assert "How would you like to talk" in stack.say(sender, "yes")
    reply = stack.say(sender, "Phone call")
    assert re.search(r"^2\. \w+day \d+ \w+ at \d", reply, flags=re.MULTILINE), reply
    chosen = re.search(r"^2\. (.+)$", reply, flags=re.MULTILINE).group(1)
    assert "first name and a phone number" in stack.say(sender, "2")
    assert "call you" in stack.say(sender, "yes")
    assert "number" in stack.say(sender, NAME)
    assert "anything you'd like the advisor to know" in stack.say(sender, phone)
    summary = stack.say(sender, "no")
    ending = f"ending {phone.replace(' ', '')[-3:]}"
    assert chosen in summary and ending in summary and "Shall I book it?" in summary
    assert NAME not in summary  # replies are kept in the history: no personal details
    confirmation = stack.say(sender, "yes")
    assert f"You're booked: {chosen}, a phone call from" in confirmation
    return _reference(confirmation)


def test_book_then_cancel_in_the_same_conversation(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    reference = _book(stack, sender)
    booking = next(b for b in _bookings(stack) if b.reference == reference)
    assert (booking.name, booking.phone, booking.status) == (NAME, E164, "confirmed")
    assert booking.need == "money" and booking.consent_version

    # Nothing personal in the conversation's slots ("given" markers only) or in the replies.
    slots = json.dumps(stack.slots(sender))
    assert "0151" not in slots and "4960123" not in slots and '"Jo"' not in slots
    replies = json.dumps(stack.bot_texts(sender))
    assert "496 0123" not in replies and "4960123" not in replies and " Jo" not in replies

    assert "Shall I cancel" in stack.say(sender, "cancel my appointment")
    assert "cancelled" in stack.say(sender, "yes")
    booking = next(b for b in _bookings(stack) if b.reference == reference)
    assert booking.status == "cancelled"


def test_change_from_a_new_conversation_with_reference_and_number(stack: Stack) -> None:
    reference = _book(stack, f"e2e-{uuid.uuid4().hex[:8]}", phone="0151 496 0155")
    other = f"e2e-{uuid.uuid4().hex[:8]}"
    assert "booking reference" in stack.say(other, "change my appointment")
    assert "phone number" in stack.say(other, reference)
    reply = stack.say(other, "0151 496 0155")
    assert "new time" in reply and re.search(r"^3\. ", reply, flags=re.MULTILINE)
    chosen = re.search(r"^3\. (.+)$", reply, flags=re.MULTILINE).group(1)
    assert chosen in stack.say(other, "3")
    new_reference = _reference(stack.say(other, "yes"))
    by_reference = {b.reference: b for b in _bookings(stack)}
    assert by_reference[reference].status == "cancelled"
    assert by_reference[new_reference].status == "confirmed"
    assert by_reference[new_reference].phone == "+441514960155"


def test_wrong_number_finds_nothing(stack: Stack) -> None:
    reference = _book(stack, f"e2e-{uuid.uuid4().hex[:8]}", phone="0151 496 0166")
    other = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.say(other, "cancel my appointment")
    stack.say(other, reference)
    assert "couldn't find a booking" in stack.say(other, "0151 496 0999")
    assert next(b for b in _bookings(stack) if b.reference == reference).status == "confirmed"


def _to_the_phone_question(stack: Stack, sender: str) -> None:
    stack.say(sender, "can i speak to a real person")
    stack.say(sender, "phone")
    stack.say(sender, "1")
    stack.say(sender, "yes")
    stack.say(sender, "Sam")


def test_bad_phone_number_is_asked_again(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    _to_the_phone_question(stack, sender)
    assert "doesn't look like a UK phone number" in stack.say(sender, "12345")
    assert "anything you'd like the advisor to know" in stack.say(sender, "0151 496 0177")


def test_crisis_in_the_booking_form_comes_first_then_resumes(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "book an appointment")
    reply = stack.say(sender, "honestly i just want to end my life")
    assert "116 123" in reply and "999" in reply
    assert "How would you like to talk" in stack.say(sender, "yes")


# --- after a disclosure of abuse: is it safe to call, and to leave a message? (HAZ-05) ------


def _to_the_call_question(stack: Stack, sender: str, phone: str) -> str:
    disclosure = stack.say(sender, "my partner hits me and i'm scared to go home")
    assert "0808 2000 247" in disclosure and "Whereabouts" in disclosure
    assert "How would you like to talk" in stack.say(sender, "can I talk to an advisor")
    stack.say(sender, "Phone call")
    stack.say(sender, "1")
    assert "call you" in stack.say(sender, "yes")
    stack.say(sender, "Sam")
    return stack.say(sender, phone)


def test_after_abuse_the_advisor_is_told_not_to_leave_a_message(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    asked = _to_the_call_question(stack, sender, "0151 496 0188")
    assert "safe for the advisor to call you" in asked
    assert "anything you'd like the advisor to know" in stack.say(
        sender, "Yes, but don't leave a message"
    )
    summary = stack.say(sender, "no")
    assert "won't leave a message" in summary and "Shall I book it?" in summary
    reference = _reference(stack.say(sender, "yes"))
    booking = next(b for b in _bookings(stack) if b.reference == reference)
    assert (booking.call_safety, booking.need) == ("no_message", "domestic_abuse")


def test_after_abuse_not_safe_to_call_books_nothing_and_keeps_no_number(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    before = len(_bookings(stack))
    _to_the_call_question(stack, sender, "0151 496 0199")
    reply = stack.say(sender, "no")
    assert "won't book a call" in reply and "0808 2000 247" in reply and "in person" in reply
    assert len(_bookings(stack)) == before
    with session_scope(get_engine(stack.db_url)) as session:
        drafts = session.execute(
            select(BookingDraft).where(BookingDraft.conversation_id == sender)
        ).all()
    assert drafts == []


def test_without_a_disclosure_the_call_question_is_not_asked(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    _to_the_phone_question(stack, sender)
    assert "anything you'd like the advisor to know" in stack.say(sender, "0151 496 0144")
