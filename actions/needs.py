"""Understanding what the person needs: sets the `need` and `needs` slots."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, latest_text, parse_extra, say
from bot import runtime, wording
from bot.crisis import domestic_abuse_note
from bot.needs import detect_needs, need_from_intent, order_by_urgency


def needs_in_message(intent: str | None, text: str, detected: list[str] | None) -> list[str]:
    """Every need in the message, most urgent first: the model's plus the phrase detector's."""
    found = list(detected) if detected is not None else detect_needs(text)
    model_need = need_from_intent(intent)
    if model_need:
        found.append(model_need)
    return order_by_urgency(found)


class ActionIdentifyNeed(Action):
    def name(self) -> str:
        return "action_identify_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = latest_text(tracker)
        needs = needs_in_message(
            latest_intent(tracker), text, parse_extra(tracker, "detected_needs")
        )
        if not needs:  # a need intent always gives one; this is only a guard
            return []
        need = needs[0]
        events: list[EventType] = [
            SlotSet("need", need),
            SlotSet("needs", needs),
            SlotSet("results", None),
            SlotSet("results_offset", 0),
            SlotSet("paused_loop", None),
        ]
        parts = [wording.ACKNOWLEDGEMENTS[need]]
        if need == "domestic_abuse":
            parts += [
                domestic_abuse_note(),
                wording.abuse_privacy(tracker.get_latest_input_channel()),
            ]
        if len(needs) > 1:
            parts.append(wording.two_needs_note(needs[0], needs[1]))
        if not tracker.get_slot("disclaimer_shown"):
            parts.append(wording.DISCLAIMER)
            events.append(SlotSet("disclaimer_shown", True))
        # "I need a food bank in Bootle": the place is in the message, no need to ask.
        # (In a thread: the first full-postcode check loads the postcode list from disk.)
        place = await asyncio.to_thread(lambda: runtime.gazetteer().find_in_text(text))
        if place is not None:
            events += [
                SlotSet("outcode", place.outcode),
                SlotSet("place_label", place.label),
                SlotSet("location_problem", None),
            ]
        say(dispatcher, " ".join(parts))
        return events
