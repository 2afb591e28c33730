"""Asking where the person is. Only the outward code is ever kept in the conversation."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_intent, latest_text, say
from bot import runtime, wording
from bot.geography import LocationResult
from bot.needs import need_from_intent

# Intents that mean "not an answer to the question" unless the text is clearly a place:
# the form steps aside and the rules for these take over.
INTERRUPTIONS = {"crisis", "stop", "deny", "start_again", "talk_to_person", "delete_my_data"}


def location_slots(result: LocationResult) -> dict[str, Any]:
    """Slots for a resolved answer, or for the problem with it (never the raw text)."""
    if result.place is not None:
        return {
            "outcode": result.place.outcode,
            "place_label": result.place.label,
            "location_problem": None,
            "location_candidates": None,
        }
    return {
        "outcode": None,
        "place_label": None,
        "location_problem": result.problem,
        "location_candidates": list(result.candidates) or None,
    }


async def resolve(text: str) -> LocationResult:
    return await asyncio.to_thread(lambda: runtime.gazetteer().resolve(text))


class ValidateLocationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_location_form"

    async def extract_outcode(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Only an answer to our question counts (not the message that started the form).
        if tracker.get_slot("requested_slot") != "outcode":
            return {}
        text = latest_text(tracker)
        result = await resolve(text)
        intent = latest_intent(tracker)
        if result.place is None and (intent in INTERRUPTIONS or need_from_intent(intent)):
            return {}
        # The raw text goes only as far as validate_outcode, which replaces it.
        return {"outcode": text}

    async def validate_outcode(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return location_slots(await resolve(str(value or "")))


class ActionAskOutcode(Action):
    """The location question, with what was wrong with the last answer if anything."""

    def name(self) -> str:
        return "action_ask_outcode"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        problem = tracker.get_slot("location_problem")
        candidates = tuple(tracker.get_slot("location_candidates") or ())
        buttons = [{"title": name, "payload": name} for name in candidates]
        say(dispatcher, wording.location_question(problem, candidates), buttons)
        return [SlotSet("location_problem", None), SlotSet("location_candidates", None)]


class ActionChangeLocation(Action):
    """Look somewhere else. If the message names the place, use it straight away."""

    def name(self) -> str:
        return "action_change_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = latest_text(tracker)
        place = await asyncio.to_thread(lambda: runtime.gazetteer().find_in_text(text))
        events: list[EventType] = [SlotSet("results", None), SlotSet("results_offset", 0)]
        if place is not None:
            slots = {"outcode": place.outcode, "place_label": place.label, "location_problem": None}
        elif latest_intent(tracker) == "inform_location":
            slots = location_slots(await resolve(text))
        else:
            slots = {"outcode": None, "place_label": None}
        return events + [SlotSet(key, value) for key, value in slots.items()]
