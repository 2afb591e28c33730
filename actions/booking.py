"""Booking, cancelling and changing an appointment with an advisor.

Names and phone numbers never go into the conversation tracker: the form's slots only say
"given", and the values wait in a booking draft (bot/booking/drafts.py) until booked.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_intent, latest_text, say
from bot import runtime
from bot.booking import call_safety, wording
from bot.booking.availability import Slot, SlotRules, free_slots, next_free_day
from bot.booking.dates import in_part, parse_day_request
from bot.booking.drafts import delete_draft, get_draft, save_draft
from bot.booking.models import Advisor, Hub
from bot.booking.phones import masked_phone, normalise_phone
from bot.booking.service import (
    BookingRequest,
    NotFound,
    SlotTaken,
    TooManyBookings,
    book,
    cancel,
    find,
    hubs,
    join_callback_list,
    latest_for_conversation,
    utc_now,
)
from bot.db import session_scope
from bot.opening_hours import out_of_hours_message, service_status
from bot.schedule import LONDON, now_london

GIVEN = "given"
ANOTHER_NUMBER = re.compile(r"\b(another|different|other) (number|phone|mobile)\b")
ANSWER_PREFIX = "answer:"  # an unread answer, between extract_ and validate_ (never stored)
CALLBACK = "callback"
SLOTS_SHOWN = 4
CALL_SAFETY_BUTTONS = [{"title": title, "payload": title} for title, _ in call_safety.BUTTONS]
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
# Intents that are not an answer to a booking question: the form steps aside for them.
INTERRUPTIONS = {
    "crisis",
    "stop",
    "start_again",
    "cancel_booking",
    "change_booking",
    "delete_my_data",
}

# --- small helpers -----------------------------------------------------------------------


def rules() -> SlotRules:
    s = runtime.settings()
    return SlotRules(s.slot_minutes, timedelta(minutes=s.min_notice_minutes), s.horizon_days)


def encode_slot(slot: Slot) -> str:
    return f"{slot.starts_at.isoformat()}|{slot.advisor_id}|{slot.hub_id or ''}"


def decode_slot(token: str, minutes: int) -> Slot:
    start_text, advisor, hub = token.split("|")
    start = datetime.fromisoformat(start_text)
    return Slot(start, start + timedelta(minutes=minutes), int(advisor), hub or None)


def parse_mode(text: str) -> str | None:
    lowered = text.lower()
    if re.search(r"\b(video|zoom|teams|facetime|online)\b", lowered):
        return "video"
    if re.search(r"\b(in person|face to face|f2f|at (a|the) hub|visit|come in|meet)\b", lowered):
        return "in_person"
    if re.search(r"\b(phone|call|ring|telephone)\b", lowered):
        return "phone"
    return None


_NAME_PREFIX = re.compile(
    r"^(?:(?:my name is|my name's|i'm|im|i am|it's|its|call me|"
    r"this is|name)\s+)",
    re.IGNORECASE,
)


def parse_name(text: str) -> str | None:
    """A first name or nickname: one or two short words of letters, else None."""
    candidate = _NAME_PREFIX.sub("", text.strip()).strip(" .!")
    words = candidate.split()
    if not 1 <= len(words) <= 2 or len(candidate) > 30:
        return None
    if not all(re.fullmatch(r"[^\W\d_][^\W\d_'\-]*", w) for w in words):
        return None
    return " ".join(w[:1].upper() + w[1:] for w in words)


def wants_no(text: str, intent: str | None) -> bool:
    return intent == "deny" or bool(
        re.fullmatch(r"\s*(no|nope|nah|n|no thanks|nothing)\W*", text.lower())
    )


async def db(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run blocking database work off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def _slots_for(
    mode: str, hub: str | None, day_text: str | None, not_before: str | None
) -> tuple[list[Slot], str | None]:
    """Slots to offer, and a note when the asked-for day had none."""
    now = utc_now()
    today = now.astimezone(LONDON).date()
    after = datetime.fromisoformat(not_before) if not_before else None
    with session_scope(runtime.engine()) as session:
        if day_text:
            request = parse_day_request(day_text, today)
            if request:
                found = [
                    s
                    for day in request.days()
                    for s in free_slots(
                        session, mode, now, rules(), hub_id=hub, on_day=day, not_before=after
                    )
                    if in_part(s.local_start.time(), request.part)
                ]
                if found:
                    return found[:SLOTS_SHOWN], None
                nxt = next_free_day(session, mode, now, rules(), request.last, hub_id=hub)
                note = "There's nothing free then, sorry."
                if nxt:
                    found = free_slots(session, mode, now, rules(), hub_id=hub, on_day=nxt)
                    return found[:SLOTS_SHOWN], note + " The next free day is:"
                return [], note
        return free_slots(
            session, mode, now, rules(), hub_id=hub, not_before=after, limit=SLOTS_SHOWN
        ), None


def _advisor_and_hub(advisor_id: int, hub_id: str | None) -> tuple[str, str | None]:
    with session_scope(runtime.engine()) as session:
        advisor = session.get(Advisor, advisor_id)
        hub = session.get(Hub, hub_id) if hub_id else None
        return advisor.display_name, (hub.name if hub else None)


def _modes_available() -> list[str]:
    with session_scope(runtime.engine()) as session:
        from sqlalchemy import select

        modes = {
            m
            for a in session.execute(select(Advisor).where(Advisor.active.is_(True))).scalars()
            for m in a.mode_list
        }
    return [m for m in ("phone", "in_person", "video") if m in modes]


# --- the form ----------------------------------------------------------------------------


class ValidateBookingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots = list(domain_slots)
        if tracker.get_slot("booking_mode") != "in_person":
            slots.remove("booking_hub")
        if tracker.get_slot("booking_stage") == "changing":
            # Same person, same details: only the new time is asked for.
            return [s for s in slots if s in ("booking_mode", "booking_hub", "booking_slot")]
        if tracker.get_slot("booking_slot") == CALLBACK:
            slots.remove("booking_note")
        if tracker.get_slot("booking_consent") == "no":
            return slots[: slots.index("booking_consent") + 1]
        if not _told_us_about_abuse(tracker):
            slots.remove("booking_call_safety")
        elif tracker.get_slot("booking_call_safety") == call_safety.NOT_SAFE:
            return slots[: slots.index("booking_call_safety") + 1]
        return slots

    def _answering(self, tracker: Tracker, slot: str) -> str | None:
        """The text of an answer to the question about `slot`, or None (not our turn)."""
        if tracker.get_slot("requested_slot") != slot:
            return None
        if latest_intent(tracker) in INTERRUPTIONS:
            return None
        return latest_text(tracker)

    async def extract_booking_mode(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = self._answering(tracker, "booking_mode")
        if text is None:
            return {}
        mode = parse_mode(text)
        if mode is None:
            say(dispatcher, "Sorry, I didn't catch that.")
        return {"booking_mode": mode}

    async def extract_booking_hub(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = self._answering(tracker, "booking_hub")
        if text is None:
            return {}
        lowered = text.lower()
        for hub_id, name in await db(hubs, runtime.engine()):
            town = name.lower().replace(" wellbeing hub", "")
            if town in lowered or hub_id == text.strip():
                return {"booking_hub": hub_id}
        say(dispatcher, "Sorry, I didn't catch which hub.")
        return {"booking_hub": None}

    async def extract_booking_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = self._answering(tracker, "booking_slot")
        # Interpreted in validate_booking_slot, which may also set the helper slots.
        return {} if text is None else {"booking_slot": ANSWER_PREFIX + text}

    async def validate_booking_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not isinstance(value, str) or not value.startswith(ANSWER_PREFIX):
            return {"booking_slot": value}  # already a chosen slot (or cleared)
        text = value.removeprefix(ANSWER_PREFIX)
        lowered = text.lower().strip()
        offered = list(tracker.get_slot("booking_offered") or [])
        if re.search(r"\b(call (me )?back|call-?back)\b", lowered):
            return {"booking_slot": CALLBACK}
        number = re.fullmatch(r"\D{0,12}?(\d{1,2})(st|nd|rd|th)?\W*", lowered)
        if number and offered and 1 <= int(number.group(1)) <= len(offered):
            return {"booking_slot": offered[int(number.group(1)) - 1]}
        if re.search(r"\b(later|after that|more times|other times)\b", lowered) and offered:
            last = decode_slot(offered[-1], runtime.settings().slot_minutes)
            return {
                "booking_slot": None,
                "booking_day": None,
                "booking_not_before": (last.starts_at + timedelta(minutes=1)).isoformat(),
            }
        if re.search(r"\b(different|another|other) (day|time|way)\b", lowered):
            if "way" in lowered:
                return {"booking_slot": None, "booking_mode": None, "booking_hub": None}
            say(dispatcher, wording.ASK_DAY)
            return {"booking_slot": None, "booking_day": "ask"}
        mode = parse_mode(lowered)
        if mode and mode != tracker.get_slot("booking_mode"):
            return {"booking_mode": mode, "booking_slot": None, "booking_hub": None}
        today = utc_now().astimezone(LONDON).date()
        if parse_day_request(lowered, today):
            return {"booking_slot": None, "booking_day": text, "booking_not_before": None}
        say(dispatcher, wording.BAD_CHOICE)
        return {"booking_slot": None}

    async def extract_booking_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = self._answering(tracker, "booking_consent")
        if text is None:
            return {}
        intent = latest_intent(tracker)
        if intent == "affirm" or re.search(r"\b(yes|yeah|yep|ok|okay|fine|sure)\b", text.lower()):
            return {"booking_consent": "yes"}
        if wants_no(text, intent):
            return {"booking_consent": "no"}
        say(dispatcher, "Sorry, I didn't catch that. Is it OK to keep a name and number?")
        return {"booking_consent": None}

    async def extract_booking_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = self._answering(tracker, "booking_name")
        if text is None:
            return {}
        name = parse_name(text)
        if name is None:
            say(dispatcher, wording.BAD_NAME)
            return {"booking_name": None}
        await db(save_draft, runtime.engine(), tracker.sender_id, name=name)
        return {"booking_name": GIVEN}

    async def extract_booking_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = self._answering(tracker, "booking_phone")
        if text is None:
            return {}
        if latest_intent(tracker) == "use_my_number":
            # The channel has already put the sender's number in the draft (if it could).
            draft = await db(get_draft, runtime.engine(), tracker.sender_id)
            if draft["phone"]:
                return {"booking_phone": GIVEN}
            say(dispatcher, wording.ASK_PHONE)
            return {"booking_phone": None}
        if ANOTHER_NUMBER.search(text.lower()):
            return {"booking_phone": None}  # the question is asked again, without the offer
        phone = normalise_phone(text)
        if phone is None:
            say(dispatcher, wording.BAD_PHONE)
            return {"booking_phone": None}
        await db(save_draft, runtime.engine(), tracker.sender_id, phone=phone)
        return {"booking_phone": GIVEN}

    async def extract_booking_call_safety(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "booking_call_safety":
            return {}
        intent = latest_intent(tracker)
        # The answers sound like "no" or "stop" ("No, it's not safe to call", "don't leave a
        # message"), so a clear answer counts whatever the intent; only a crisis comes first.
        answer = call_safety.parse(latest_text(tracker)) if intent != "crisis" else None
        if answer is None and intent in INTERRUPTIONS:
            return {}
        if answer is None:
            say(dispatcher, call_safety.NOT_UNDERSTOOD)
        return {"booking_call_safety": answer}

    async def extract_booking_note(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = self._answering(tracker, "booking_note")
        if text is None:
            return {}
        if wants_no(text, latest_intent(tracker)):
            await db(save_draft, runtime.engine(), tracker.sender_id, note=None)
            return {"booking_note": "none"}
        await db(save_draft, runtime.engine(), tracker.sender_id, note=text.strip()[:500])
        return {"booking_note": GIVEN}


class ActionAskBookingMode(Action):
    def name(self) -> str:
        return "action_ask_booking_mode"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        modes = await db(_modes_available)
        say(
            dispatcher,
            wording.ASK_MODE,
            [{"title": wording.MODE_BUTTONS[m], "payload": wording.MODE_BUTTONS[m]} for m in modes],
        )
        return []


class ActionAskBookingHub(Action):
    def name(self) -> str:
        return "action_ask_booking_hub"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        names = [name for _, name in await db(hubs, runtime.engine())]
        say(dispatcher, wording.ASK_HUB, [{"title": n, "payload": n} for n in names])
        return []


class ActionAskBookingSlot(Action):
    def name(self) -> str:
        return "action_ask_booking_slot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        day = tracker.get_slot("booking_day")
        if day == "ask":
            return [SlotSet("booking_day", None)]  # the question was just asked
        mode = tracker.get_slot("booking_mode")
        slots, note = await db(
            _slots_for,
            mode,
            tracker.get_slot("booking_hub"),
            day,
            tracker.get_slot("booking_not_before"),
        )
        if not slots:
            text = (note + " " if note else "") + wording.no_slots(
                mode, runtime.settings().horizon_days
            )
            say(
                dispatcher,
                f"{text} {wording.CALLBACK_OFFER}",
                [
                    {"title": "Call me back", "payload": "call me back"},
                    {"title": "Try another way", "payload": "a different way"},
                    {"title": "No thanks", "payload": "/stop"},
                ],
            )
            return [SlotSet("booking_offered", [])]
        intro = note or (
            "Here are the next free times:" if not day else "Here are the free times then:"
        )
        buttons = [{"title": str(i), "payload": str(i)} for i in range(1, len(slots) + 1)]
        buttons += [
            {"title": "Later", "payload": "later"},
            {"title": "A different day", "payload": "a different day"},
        ]
        say(dispatcher, wording.slot_choices(slots, intro), buttons)
        return [
            SlotSet("booking_offered", [encode_slot(s) for s in slots]),
            SlotSet("booking_day", None),
            SlotSet("booking_not_before", None),
        ]


class _Ask(Action):
    """A fixed question (its words live in bot/booking/wording.py)."""

    slot = ""
    text = ""
    buttons: list[dict[str, str]] | None = None

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        say(dispatcher, self.text, self.buttons)
        return []


class ActionAskBookingConsent(_Ask):
    slot, text, buttons = "booking_consent", wording.ASK_CONSENT, YES_NO


class ActionAskBookingName(_Ask):
    slot, text = "booking_name", wording.ASK_NAME


class ActionAskBookingPhone(Action):
    """Ask for a number; by text message, offer the number they are texting from."""

    def name(self) -> str:
        return "action_ask_booking_phone"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        metadata = tracker.latest_message.get("metadata") or {}
        declined = ANOTHER_NUMBER.search(latest_text(tracker).lower())
        if metadata.get("sms_number_available") and not declined:
            say(
                dispatcher,
                wording.ASK_USE_THIS_NUMBER,
                [
                    {"title": "Yes, use this number", "payload": "/use_my_number"},
                    {"title": "No, another number", "payload": "another number"},
                ],
            )
        else:
            say(dispatcher, wording.ASK_PHONE)
        return []


class ActionAskBookingCallSafety(_Ask):
    slot, text, buttons = "booking_call_safety", call_safety.ASK, CALL_SAFETY_BUTTONS


class ActionAskBookingNote(_Ask):
    slot, text, buttons = "booking_note", wording.ASK_NOTE, [{"title": "No", "payload": "no"}]


class ActionAskLookupReference(_Ask):
    slot, text = "lookup_reference", wording.ASK_REFERENCE


class ActionAskLookupPhone(_Ask):
    slot, text = "lookup_phone", wording.ASK_LOOKUP_PHONE


# --- after the form: read back, book, cancel, change -------------------------------------


class ActionBookingSummary(Action):
    """Read the details back and ask before booking (or explain why we stopped)."""

    def name(self) -> str:
        return "action_booking_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        conversation = tracker.sender_id
        if tracker.get_slot("booking_consent") == "no":
            await db(delete_draft, runtime.engine(), conversation)
            say(dispatcher, wording.NO_CONSENT)
            return _reset_booking()
        if tracker.get_slot("booking_call_safety") == call_safety.NOT_SAFE:
            await db(delete_draft, runtime.engine(), conversation)
            say(dispatcher, call_safety.not_safe_reply())
            return _reset_booking()
        events: list[EventType] = []
        draft = await db(get_draft, runtime.engine(), conversation)
        if tracker.get_slot("booking_stage") == "changing" and not draft["phone"]:
            # Changing a booking made in this conversation: same name and number as before.
            view = await db(
                find,
                runtime.engine(),
                tracker.get_slot("booking_replacing") or "",
                conversation_id=conversation,
            )
            await db(
                save_draft,
                runtime.engine(),
                conversation,
                name=view.name,
                phone=view.phone,
                note=view.note,
            )
            draft = await db(get_draft, runtime.engine(), conversation)
            # ...and the same answer about calls, if one was given.
            events.append(SlotSet("booking_call_safety", view.call_safety))
        if tracker.get_slot("booking_slot") == CALLBACK:
            await db(
                join_callback_list,
                runtime.engine(),
                draft["name"] or "",
                draft["phone"] or "",
                tracker.get_slot("need"),
                tracker.get_slot("booking_mode"),
                conversation,
                utc_now(),
            )
            await db(delete_draft, runtime.engine(), conversation)
            say(dispatcher, wording.CALLBACK_DONE)
            return _reset_booking()
        slot = decode_slot(tracker.get_slot("booking_slot"), runtime.settings().slot_minutes)
        advisor, hub = await db(_advisor_and_hub, slot.advisor_id, slot.hub_id)
        safety = next(
            (e["value"] for e in events if e.get("name") == "booking_call_safety"),
            tracker.get_slot("booking_call_safety"),
        )
        text = wording.summary(
            slot,
            tracker.get_slot("booking_mode"),
            advisor,
            hub,
            masked_phone(draft["phone"] or ""),
            bool(draft["note"]),
            call_safety.READ_BACK.get(safety or ""),
        )
        say(
            dispatcher,
            text,
            [{"title": "Yes, book it", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        )
        return [*events, SlotSet("booking_stage", "confirming")]


def _told_us_about_abuse(tracker: Tracker) -> bool:
    needs = tracker.get_slot("needs") or []
    return tracker.get_slot("need") == "domestic_abuse" or "domestic_abuse" in needs


def _reset_booking(keep_reference: str | None = None) -> list[EventType]:
    names = (
        "booking_mode",
        "booking_hub",
        "booking_slot",
        "booking_consent",
        "booking_name",
        "booking_phone",
        "booking_note",
        "booking_call_safety",
        "booking_offered",
        "booking_day",
        "booking_not_before",
        "booking_stage",
        "lookup_reference",
        "lookup_phone",
    )
    events: list[EventType] = [SlotSet(name, None) for name in names]
    if keep_reference:
        events.append(SlotSet("booking_reference", keep_reference))
    return events


class ActionConfirmBooking(Action):
    def name(self) -> str:
        return "action_confirm_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        settings = runtime.settings()
        draft = await db(get_draft, runtime.engine(), tracker.sender_id)
        token = tracker.get_slot("booking_slot")
        if not token or not draft["phone"] or not draft["name"]:
            say(dispatcher, wording.ABANDONED)
            return _reset_booking()
        slot = decode_slot(token, settings.slot_minutes)
        request = BookingRequest(
            slot=slot,
            mode=tracker.get_slot("booking_mode"),
            name=draft["name"],
            phone=draft["phone"],
            conversation_id=tracker.sender_id,
            need=tracker.get_slot("need"),
            note=draft["note"],
            call_safety=tracker.get_slot("booking_call_safety"),
        )
        try:
            view = await db(
                book,
                runtime.engine(),
                request,
                utc_now(),
                rules(),
                settings.max_future_bookings,
                replacing=tracker.get_slot("booking_replacing"),
            )
        except SlotTaken as taken:
            say(dispatcher, wording.SLOT_TAKEN)
            return [
                SlotSet("booking_slot", None),
                SlotSet("booking_stage", "retry"),
                SlotSet("booking_offered", [encode_slot(s) for s in taken.alternatives]),
            ]
        except TooManyBookings as error:
            say(dispatcher, wording.TOO_MANY.format(count=len(error.existing)))
            await db(delete_draft, runtime.engine(), tracker.sender_id)
            return _reset_booking()
        say(dispatcher, wording.confirmed(view))
        return [*_reset_booking(view.reference), SlotSet("booking_replacing", None)]


class ActionBookingDeclined(Action):
    def name(self) -> str:
        return "action_booking_declined"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        stage = tracker.get_slot("booking_stage")
        if stage == "cancelling":
            say(dispatcher, wording.KEPT)
        else:
            await db(delete_draft, runtime.engine(), tracker.sender_id)
            say(dispatcher, wording.ABANDONED)
        return [*_reset_booking(), SlotSet("booking_replacing", None)]


class ActionStartBooking(Action):
    """Before the form: when the hubs are closed say so, with the 24/7 options; start clean."""

    def name(self) -> str:
        return "action_start_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        status = await db(service_status, runtime.engine(), now_london())
        if not status.open_now:
            say(dispatcher, out_of_hours_message(status, ask=False))
        say(
            dispatcher,
            "Let's book a time to talk with an advisor. It's free, and you can cancel any time.",
        )
        return [
            *_reset_booking(tracker.get_slot("booking_reference")),
            SlotSet("booking_replacing", None),
            SlotSet("advisor_offered", False),
        ]


class ActionFindBooking(Action):
    """Cancel or change: use this conversation's booking, or ask for reference and number."""

    def name(self) -> str:
        return "action_find_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        purpose = "change" if latest_intent(tracker) == "change_booking" else "cancel"
        view = await db(latest_for_conversation, runtime.engine(), tracker.sender_id, utc_now())
        events: list[EventType] = [SlotSet("lookup_purpose", purpose)]
        if view is None:
            return [*events, SlotSet("booking_stage", "lookup")]
        return events + await _offer(dispatcher, view.reference, purpose, view)


async def _offer(
    dispatcher: CollectingDispatcher, reference: str, purpose: str, view: Any
) -> list[EventType]:
    what = f"your appointment on {wording.when(view)} ({reference})"
    if purpose == "cancel":
        say(dispatcher, f"Shall I cancel {what}?", YES_NO)
        return [SlotSet("booking_reference", reference), SlotSet("booking_stage", "cancelling")]
    say(dispatcher, f"Let's find a new time for {what}.")
    return [
        SlotSet("booking_reference", reference),
        SlotSet("booking_replacing", reference),
        SlotSet("booking_stage", "changing"),
        SlotSet("booking_mode", view.mode),
        SlotSet("booking_hub", view.hub_id),
    ]


class ValidateLookupForm(FormValidationAction):
    def name(self) -> str:
        return "validate_lookup_form"

    async def extract_lookup_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "lookup_reference":
            return {}
        if latest_intent(tracker) in {"crisis", "stop", "start_again", "delete_my_data"}:
            return {}
        match = re.search(
            r"\b([A-Za-z0-9]{5})\b",
            latest_text(tracker).replace(" ", "")
            if len(latest_text(tracker)) <= 7
            else latest_text(tracker),
        )
        if not match:
            say(dispatcher, "Sorry, that doesn't look like a reference.")
            return {"lookup_reference": None}
        return {"lookup_reference": match.group(1).upper()}

    async def extract_lookup_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "lookup_phone":
            return {}
        if latest_intent(tracker) in {"crisis", "stop", "start_again", "delete_my_data"}:
            return {}
        phone = normalise_phone(latest_text(tracker))
        if phone is None:
            say(dispatcher, wording.BAD_PHONE)
            return {"lookup_phone": None}
        await db(save_draft, runtime.engine(), tracker.sender_id, phone=phone)
        return {"lookup_phone": GIVEN}


class ActionLookupBooking(Action):
    def name(self) -> str:
        return "action_lookup_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        draft = await db(get_draft, runtime.engine(), tracker.sender_id)
        reference = tracker.get_slot("lookup_reference") or ""
        purpose = tracker.get_slot("lookup_purpose") or "cancel"
        try:
            view = await db(find, runtime.engine(), reference, phone=draft["phone"])
        except NotFound:
            say(dispatcher, wording.NOT_FOUND)
            return _reset_booking()
        if view.status != "confirmed":
            say(dispatcher, f"That appointment on {wording.when(view)} is already cancelled.")
            return _reset_booking()
        # The person proved it is theirs; link it to this conversation for what follows.
        if purpose == "change":
            await db(
                save_draft,
                runtime.engine(),
                tracker.sender_id,
                name=view.name,
                phone=view.phone,
                note=view.note,
            )
        return [
            SlotSet("lookup_reference", None),
            SlotSet("lookup_phone", None),
            *await _offer(dispatcher, view.reference, purpose, view),
        ]


class ActionCancelBooking(Action):
    def name(self) -> str:
        return "action_cancel_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reference = tracker.get_slot("booking_reference") or ""
        draft = await db(get_draft, runtime.engine(), tracker.sender_id)
        try:
            view = await db(
                cancel,
                runtime.engine(),
                reference,
                utc_now(),
                "cancelled by the person",
                phone=draft["phone"],
                conversation_id=tracker.sender_id,
            )
        except NotFound:
            say(dispatcher, wording.NOT_FOUND)
            return _reset_booking()
        await db(delete_draft, runtime.engine(), tracker.sender_id)
        say(dispatcher, wording.CANCELLED.format(when=wording.when(view)), YES_NO)
        # A yes now means "book another time" (the same rule as after results).
        return [
            *_reset_booking(),
            SlotSet("booking_reference", None),
            SlotSet("advisor_offered", True),
        ]


class ActionDeclineAdvisor(Action):
    def name(self) -> str:
        return "action_decline_advisor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        say(dispatcher, "That's fine. " + wording.AFTER_DECLINE)
        return [SlotSet("advisor_offered", False)]
