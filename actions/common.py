"""Small helpers every action uses: reading the latest message and replying with buttons."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

# Shown when the person hasn't said (or we couldn't tell) what they need.
CATEGORY_BUTTONS: tuple[tuple[str, str], ...] = (
    ("Money and debt", "money"),
    ("Housing", "housing"),
    ("Food", "food"),
    ("Feeling alone", "loneliness"),
    ("Work and jobs", "work"),
    ("Stress and wellbeing", "wellbeing"),
    ("Caring for someone", "carers"),
    ("Losing someone", "bereavement"),
    ("Drink or drugs", "substance_use"),
    ("Getting active", "physical_activity"),
    ("Learning and courses", "learning"),
    ("Abuse at home", "domestic_abuse"),
)


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def latest_intent(tracker: Tracker) -> str | None:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name")


def parse_extra(tracker: Tracker, key: str, default: Any = None) -> Any:
    """A value our NLU component put in the parse data (see components/)."""
    return tracker.latest_message.get(key, default)


def category_buttons() -> list[dict[str, str]]:
    return [{"title": title, "payload": f"/need_{need}"} for title, need in CATEGORY_BUTTONS]


def say(
    dispatcher: CollectingDispatcher,
    text: str,
    buttons: list[dict[str, str]] | None = None,
    **extra: Any,
) -> None:
    dispatcher.utter_message(text=text, buttons=buttons or [], **extra)
