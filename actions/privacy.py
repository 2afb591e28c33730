"""'Delete my data': ask once, then erase this person's data (bot/privacy/erasure.py).

The conversation itself is deleted by the tracker store when this turn is saved: the action
returns SlotSet("data_erased", True) and components/redacting_tracker_store.py deletes every
event of the conversation instead of writing them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import say
from bot import runtime
from bot.booking.service import utc_now
from bot.privacy import wording
from bot.privacy.erasure import ERASED_SLOT, erase_person

logger = logging.getLogger(__name__)


class ActionAskDeleteData(Action):
    """Say what would be deleted and ask to be sure; closes any open question first."""

    def name(self) -> str:
        return "action_ask_delete_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        say(
            dispatcher,
            wording.ASK,
            [
                {"title": wording.YES_BUTTON, "payload": "/affirm"},
                {"title": wording.NO_BUTTON, "payload": "/deny"},
            ],
        )
        if tracker.active_loop_name:
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        return []


class ActionDeleteMyData(Action):
    def name(self) -> str:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            # Bookings, drafts, call-back requests and each channel's state for this person;
            # the tracker store deletes the conversation itself (see the module docstring).
            report = await asyncio.to_thread(
                erase_person, runtime.engine(), [tracker.sender_id], None, None, utc_now()
            )
        except Exception:
            logger.exception("Erasure at the person's request failed")
            say(dispatcher, wording.FAILED)
            return []
        logger.info("Erased at the person's request: %d bookings cancelled", len(report.cancelled))
        say(dispatcher, wording.done(report.cancelled))
        return [SlotSet(ERASED_SLOT, True)]


class ActionKeepData(Action):
    def name(self) -> str:
        return "action_keep_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        say(dispatcher, wording.KEPT)
        return []
