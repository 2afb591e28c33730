"""Greeting, clarifying, stopping and starting again."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import category_buttons, latest_text, say
from bot import runtime, wording
from bot.booking.drafts import delete_draft
from bot.text import has_words


async def _leave_loop(tracker: Tracker) -> list[EventType]:
    """Close any open question; forget an unfinished booking's details at once."""
    await asyncio.to_thread(delete_draft, runtime.engine(), tracker.sender_id)
    if tracker.active_loop_name:
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        parts = [wording.GREETING]
        if not tracker.get_slot("disclaimer_shown"):
            parts.append(wording.DISCLAIMER)
        parts.append(wording.GREETING_QUESTION)
        say(dispatcher, "\n\n".join(parts), category_buttons()[:4])
        return [SlotSet("disclaimer_shown", True)]


class ActionClarifyNeed(Action):
    """Unsure what was meant: say what we can do and offer the categories as buttons."""

    def name(self) -> str:
        return "action_clarify_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = latest_text(tracker)
        message = wording.CLARIFY if has_words(text) else wording.ONLY_EMOJI
        say(dispatcher, message, category_buttons())
        return []


class ActionStop(Action):
    def name(self) -> str:
        return "action_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        say(dispatcher, wording.STOPPED)
        return await _leave_loop(tracker)


class ActionStartAgain(Action):
    def name(self) -> str:
        return "action_start_again"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        say(dispatcher, wording.START_AGAIN, category_buttons()[:4])
        # Forget everything but keep the one-off disclaimer from being repeated.
        return [*await _leave_loop(tracker), AllSlotsReset(), SlotSet("disclaimer_shown", True)]
