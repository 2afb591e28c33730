"""The crisis response, and carrying on afterwards only if the person wants to."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text, parse_extra, say
from bot import wording
from bot.crisis import crisis_reply
from bot.safety import CrisisKind, assess

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "Not now", "payload": "/deny"}]


def crisis_kind(safety: dict[str, Any] | None, text: str) -> CrisisKind:
    """What kind of crisis: the deterministic check's verdict, else help for the person."""
    kind = (safety or {}).get("kind")
    if kind:
        return CrisisKind(kind)
    # The model alone flagged it: when unsure, err towards offering help.
    return assess(text).kind or CrisisKind.SUICIDE_SELF_HARM


class ActionCrisisResponse(Action):
    def name(self) -> str:
        return "action_crisis_response"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kind = crisis_kind(parse_extra(tracker, "safety"), latest_text(tracker))
        reply = crisis_reply(kind)
        # Whatever yes/no was pending (book it? an advisor?) is off: a "yes" now must not book.
        events: list[EventType] = [
            SlotSet("booking_stage", None),
            SlotSet("advisor_offered", False),
        ]
        loop = tracker.active_loop_name
        if loop:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        elif tracker.get_slot("booking_stage") == "confirming":
            loop = "booking_form"  # all answered: resuming reads the booking back again
        if not loop:
            say(dispatcher, reply)
            # Any question paused by an earlier crisis stays closed (the rules expect this).
            return [*events, SlotSet("paused_loop", None)]
        # Never drop straight back into a half-finished question: pause it and ask.
        say(dispatcher, f"{reply}\n\n{wording.RESUME_OFFER}", YES_NO)
        return [*events, SlotSet("paused_loop", loop)]


class ActionResumeAfterCrisis(Action):
    def name(self) -> str:
        return "action_resume_after_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        say(dispatcher, wording.RESUMING)
        return [SlotSet("paused_loop", None)]


class ActionDeclineResume(Action):
    def name(self) -> str:
        return "action_decline_resume"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        say(dispatcher, wording.DECLINED_RESUME)
        return [SlotSet("paused_loop", None)]
