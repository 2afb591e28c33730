"""What the assistant says while booking, cancelling or changing an appointment."""

from __future__ import annotations

from bot.booking.availability import Slot
from bot.booking.service import BookingView
from bot.schedule import format_datetime

MODE_NAMES = {"phone": "a phone call", "in_person": "in person", "video": "a video call"}
MODE_BUTTONS = {"phone": "Phone call", "in_person": "In person at a hub", "video": "Video call"}

OFFER = "Would you like to talk it through with an advisor? They're real people, and it's free."

ASK_MODE = "How would you like to talk to an advisor?"
ASK_HUB = "Which hub would suit you?"
ASK_DAY = 'Which day would suit you? You can say a day like Thursday, or "next week".'
ASK_CONSENT = (
    "To book, I need a first name and a phone number so the advisor can reach you. We keep "
    "them with your appointment only, and delete them 30 days after it. Is that OK?"
)
ASK_NAME = "What should the advisor call you? A first name or a nickname is fine."
ASK_PHONE = "What number should the advisor use to reach you?"
ASK_USE_THIS_NUMBER = "Shall the advisor use the number you're texting from?"
ASK_NOTE = (
    "Is there anything you'd like the advisor to know before you talk? A few words is "
    "plenty, or say no."
)
BAD_NAME = "Just a first name or a nickname is fine, like Jo."
BAD_PHONE = (
    "That doesn't look like a UK phone number. Could you check it? A mobile looks like "
    "07123 456789."
)
BAD_CHOICE = "Sorry, I didn't catch which time you'd like."
NO_CONSENT = (
    "That's fine, I won't keep anything. You can call the hub on 0151 496 0100 to book "
    "instead, or I can help you find something else."
)
ABANDONED = "No problem, I haven't booked anything. Is there anything else I can help with?"
SLOT_TAKEN = "Sorry, someone has just taken that time."
TOO_MANY = (
    "You already have {count} appointments coming up, which is the most we can hold for one "
    'person. You can change or cancel one of them: say "change my appointment".'
)
CALLBACK_OFFER = "Would you like us to call you back when a time comes free?"
CALLBACK_DONE = (
    "Thanks, you're on the call-back list. Someone from the hub will call you on the number "
    "you gave. Is there anything else I can help with?"
)
ASK_REFERENCE = (
    "What's your booking reference? It's 5 letters and numbers, like K7P2Q, in your confirmation."
)
ASK_LOOKUP_PHONE = "And the phone number you gave when you booked?"
NOT_FOUND = (
    "I couldn't find a booking with that reference and number. Could you check them? Or "
    "call the hub on 0151 496 0100."
)
CANCELLED = "Done, your appointment on {when} is cancelled. Would you like to book another time?"
KEPT = "OK, I've left your appointment as it is."
AFTER_DECLINE = (
    "You can ask for an advisor any time. Would you like to know more about one of these, "
    "or look for something else?"
)


def when(slot_or_booking: Slot | BookingView) -> str:
    return format_datetime(slot_or_booking.starts_at)


def slot_choices(slots: list[Slot], intro: str) -> str:
    lines = [f"{i}. {when(slot)}" for i, slot in enumerate(slots, start=1)]
    return intro + "\n\n" + "\n".join(lines) + "\n\nWhich would suit you?"


def no_slots(mode: str, days: int) -> str:
    return (
        f"I'm sorry, there are no free appointments for {MODE_NAMES[mode]} in the next {days} days."
    )


def how(view: BookingView) -> str:
    if view.mode == "in_person" and view.hub_name:
        place = view.hub_name + (f", {view.hub_address}" if view.hub_address else "")
        return f"in person with {view.advisor_name} at {place}"
    if view.mode == "video":
        return f"a video call with {view.advisor_name} (we'll text you the link)"
    return f"a phone call from {view.advisor_name}"


def summary(
    slot: Slot,
    mode: str,
    advisor: str,
    hub: str | None,
    phone_masked: str,
    note_given: bool,
    calls: str | None = None,
) -> str:
    """The read-back. It never repeats the name, number or note in full: replies are kept in
    the conversation history, which must hold no personal details."""
    what = {
        "phone": f"a phone call from {advisor}",
        "video": f"a video call with {advisor}",
        "in_person": f"in person with {advisor} at {hub}",
    }[mode]
    lines = [
        f"Here's what I've got:\n\n{when(slot)}, {what}.",
        f"We'll use the number {phone_masked}.",
    ]
    if calls:  # whether the advisor may leave a message (bot/booking/call_safety.py)
        lines.append(calls)
    if note_given:
        lines.append("Your note will go to the advisor.")
    return "\n".join(lines) + "\n\nShall I book it?"


def confirmed(view: BookingView) -> str:
    return (
        f"You're booked: {when(view)}, {how(view)}. Your reference is {view.reference}.\n\n"
        f'To cancel or change it, message "cancel my appointment" or "change my '
        f'appointment" here, any time.'
    )
