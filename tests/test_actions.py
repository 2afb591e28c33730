"""Actions, run the way the action server runs them: a Tracker in, a CollectingDispatcher out."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import booking as booking_actions
from actions.conversation import ActionClarifyNeed, ActionGreet
from actions.location import ActionAskOutcode, ActionChangeLocation, ValidateLocationForm
from actions.needs import ActionIdentifyNeed
from actions.safety import ActionCrisisResponse
from actions.signposting import ActionSearchServices, ActionServiceDetails, ActionShowMore
from bot import runtime
from bot.booking.loader import load_advisors
from bot.config import REPO_ROOT
from bot.crisis import crisis_lines
from bot.db import session_scope
from bot.directory.loader import load_directory
from bot.events import NeedEvent
from bot.schedule import LONDON

# The action server receives the domain as a dict; the file's own structure is the same.
DOMAIN: dict[str, Any] = yaml.safe_load((REPO_ROOT / "domain.yml").read_text())


def tracker(
    text: str = "",
    intent: str | None = None,
    slots: dict | None = None,
    active_loop: str | None = None,
    entities: list | None = None,
    extra: dict | None = None,
    channel: str | None = None,
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        **(extra or {}),
    }
    return Tracker(
        sender_id="test",
        slots={"requested_slot": None, **(slots or {})},
        latest_message=message,
        events=[{"event": "user", "text": text, "input_channel": channel}] if channel else [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


async def run(action: Any, t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return dispatcher.messages, events


def slots_of(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def directory_loaded(local_env: Path) -> Path:
    load_directory(runtime.engine(), REPO_ROOT / "resources" / "directory", runtime.gazetteer())
    return local_env


async def test_greeting_says_what_it_is_once() -> None:
    messages, events = await run(ActionGreet(), tracker("hi", "greet"))
    assert "not an emergency service" in messages[0]["text"]
    assert slots_of(events) == {"disclaimer_shown": True}
    messages, _ = await run(ActionGreet(), tracker("hi", "greet", {"disclaimer_shown": True}))
    assert "not an emergency service" not in messages[0]["text"]


async def test_two_needs_keep_both_and_lead_with_the_more_urgent(local_env: Path) -> None:
    text = "I'm in debt and about to lose my flat"
    messages, events = await run(ActionIdentifyNeed(), tracker(text, "need_money"))
    slots = slots_of(events)
    assert slots["need"] == "housing"
    assert slots["needs"] == ["housing", "money"]
    assert "housing" in messages[0]["text"] and "money" in messages[0]["text"]


async def test_a_place_in_the_need_message_is_used(local_env: Path) -> None:
    _, events = await run(ActionIdentifyNeed(), tracker("need a food bank in Bootle", "need_food"))
    slots = slots_of(events)
    assert slots["need"] == "food"
    assert slots["outcode"].startswith("L")


async def test_full_postcode_keeps_only_the_outward_code(local_env: Path) -> None:
    t = tracker("l9 1ad", "inform_location", {"requested_slot": "outcode"}, "location_form")
    _, events = await run(ValidateLocationForm(), t)
    slots = slots_of(events)
    assert slots["outcode"] == "L9"
    assert "1AD" not in json.dumps(events).upper()


async def test_unknown_postcode_is_asked_again_kindly(local_env: Path) -> None:
    t = tracker("ZZ9 9ZZ", "inform_location", {"requested_slot": "outcode"}, "location_form")
    _, events = await run(ValidateLocationForm(), t)
    slots = slots_of(events)
    assert slots["outcode"] is None and slots["location_problem"]
    ask = tracker("", None, {"location_problem": slots["location_problem"]})
    messages, events = await run(ActionAskOutcode(), ask)
    assert "postcode" in messages[0]["text"]
    assert slots_of(events)["location_problem"] is None


@pytest.mark.parametrize("intent", ["crisis", "stop", "need_housing"])
async def test_interruptions_are_not_taken_as_a_place(local_env: Path, intent: str) -> None:
    t = tracker("i cant do this anymore", intent, {"requested_slot": "outcode"}, "location_form")
    _, events = await run(ValidateLocationForm(), t)
    assert slots_of(events).get("outcode") is None
    assert "outcode" not in slots_of(events)  # nothing extracted: the form steps aside


async def test_the_message_that_starts_the_form_is_not_an_answer(local_env: Path) -> None:
    t = tracker("im skint", "need_money", {"requested_slot": None}, "location_form")
    _, events = await run(ValidateLocationForm(), t)
    assert "outcode" not in slots_of(events)


async def test_search_shows_three_nearest_and_records_an_anonymous_event(
    directory_loaded: Path,
) -> None:
    t = tracker("L9", "inform_location", {"need": "money", "outcode": "L9", "place_label": "L9"})
    messages, events = await run(ActionSearchServices(), t)
    text = messages[0]["text"]
    assert "1. " in text and "2. " in text and "3. " in text and "4. " not in text
    assert "miles away" in text or "mile away" in text
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[:3] == ["More about 1", "More about 2", "More about 3"]
    slots = slots_of(events)
    assert len(slots["results"]) > 3 and slots["results_offset"] == 3
    with session_scope(runtime.engine()) as session:
        event = session.execute(select(NeedEvent)).scalar_one()
    assert (event.category, event.outcode) == ("money", "L9")
    assert event.found_count == len(slots["results"])

    more = tracker("more", "show_more", {**slots, "outcode": "L9"})
    messages, events = await run(ActionShowMore(), more)
    assert "4. " in messages[0]["text"]
    assert slots_of(events)["results_offset"] == min(6, len(slots["results"]))

    details = tracker("tell me more about 2", "ask_details", {**slots, "outcode": "L9"})
    messages, _ = await run(ActionServiceDetails(), details)
    assert messages[0]["text"].startswith("2. ")
    assert "Phone:" in messages[0]["text"]


async def test_details_before_any_search_gives_a_next_step(local_env: Path) -> None:
    messages, _ = await run(ActionServiceDetails(), tracker("number 2", "ask_details"))
    assert "What would you like help with?" in messages[0]["text"]
    assert messages[0]["buttons"]


async def test_details_out_of_range_asks_which(directory_loaded: Path) -> None:
    slots = {"results": ["a", "b", "c", "d"], "results_offset": 3, "outcode": "L9"}
    messages, _ = await run(ActionServiceDetails(), tracker("number 9", "ask_details", slots))
    assert "Which one" in messages[0]["text"]


async def test_change_location_with_a_place_sets_it(local_env: Path) -> None:
    _, events = await run(ActionChangeLocation(), tracker("im in southport now", "change_location"))
    assert slots_of(events)["outcode"].startswith("PR")


async def test_emoji_only_gets_a_kind_answer() -> None:
    messages, _ = await run(ActionClarifyNeed(), tracker("😊😊", "nlu_fallback"))
    assert "words" in messages[0]["text"] and messages[0]["buttons"]


async def test_crisis_mid_question_pauses_it_and_gives_the_numbers(local_env: Path) -> None:
    t = tracker(
        "i want to end it all",
        "crisis",
        {"requested_slot": "outcode"},
        "location_form",
        extra={"safety": {"kind": "suicide_self_harm"}},
    )
    messages, events = await run(ActionCrisisResponse(), t)
    text = messages[0]["text"]
    for number in ("116 123", "85258", "999", "111"):
        assert number in text
    assert [e["name"] for e in events if e["event"] == "active_loop"] == [None]
    assert slots_of(events)["paused_loop"] == "location_form"
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert crisis_lines()  # the numbers come from the data file


async def test_abuse_at_home_gets_the_helpline_and_privacy_advice(local_env: Path) -> None:
    messages, events = await run(
        ActionIdentifyNeed(),
        tracker("my partner controls all my money and hits me", "need_domestic_abuse"),
    )
    text = messages[0]["text"]
    helpline = next(
        line for line in crisis_lines() if line.id == "national_domestic_abuse_helpline"
    )
    assert helpline.number in text and "999" in text and "55" in text
    assert "Leave this site quickly" in text and "delete it" in text
    assert slots_of(events)["need"] == "domestic_abuse"


@pytest.mark.parametrize(
    ("channel", "advice", "not_said"),
    [
        ("sms", "delete these texts", "Leave this site quickly"),
        ("telegram", "delete this chat", "Leave this site quickly"),
        ("web", "Leave this site quickly", "delete these texts"),
    ],
)
async def test_abuse_privacy_advice_fits_the_channel(
    local_env: Path, channel: str, advice: str, not_said: str
) -> None:
    messages, _ = await run(
        ActionIdentifyNeed(),
        tracker("he hits me", "need_domestic_abuse", channel=channel),
    )
    text = messages[0]["text"]
    assert advice in text and not_said not in text
    assert "unless you ask" in text


@pytest.mark.parametrize(
    ("when", "closed"),
    [
        (datetime(2026, 12, 1, 11, 0, tzinfo=LONDON), False),  # a Tuesday morning
        (datetime(2026, 12, 1, 20, 0, tzinfo=LONDON), True),  # that evening
        (datetime(2026, 12, 25, 11, 0, tzinfo=LONDON), True),  # Christmas Day
    ],
)
async def test_asking_for_a_person_out_of_hours_says_when_and_gives_24_7_options(
    directory_loaded: Path, monkeypatch: pytest.MonkeyPatch, when: datetime, closed: bool
) -> None:
    load_advisors(runtime.engine(), REPO_ROOT / "resources" / "booking" / "advisors.yml")
    monkeypatch.setattr(booking_actions, "now_london", lambda: when)
    messages, _ = await run(booking_actions.ActionStartBooking(), tracker("speak to someone"))
    text = "\n".join(m["text"] for m in messages)
    assert "Let's book a time" in text
    if closed:
        assert "closed" in text and "opens again" in text
        for line in crisis_lines():
            if line.id in ("samaritans", "shout"):
                assert line.number in text
    else:
        assert "closed" not in text


async def test_results_come_as_data_too_only_when_the_channel_asks(
    directory_loaded: Path,
) -> None:
    """SMS asks (metadata), to fit them in one text; every other channel gets the same reply
    as ever: the same text and buttons, no data (Rasa's generic channels would show it)."""
    slots = {"need": "housing", "outcode": "L9", "place_label": "L9"}
    asked = {"metadata": {"service_data": True}}
    plain, events = await run(ActionSearchServices(), tracker("L9", "inform_location", slots))
    data, _ = await run(
        ActionSearchServices(), tracker("L9", "inform_location", slots, extra=asked)
    )
    assert plain[0]["custom"] == {}
    assert {k: v for k, v in data[0].items() if k != "custom"} == {
        k: v for k, v in plain[0].items() if k != "custom"
    }
    results = data[0]["custom"]["signposting"]
    assert results["kind"] == "results" and [s["number"] for s in results["services"]] == [1, 2, 3]
    assert all(s["phone"] in plain[0]["text"] for s in results["services"] if s["phone"])

    slots = {**slots, **slots_of(events)}
    for action, text, intent in (
        (ActionShowMore(), "more", "show_more"),
        (ActionServiceDetails(), "2", "ask_details"),
    ):
        plain, _ = await run(action, tracker(text, intent, slots))
        data, _ = await run(action, tracker(text, intent, slots, extra=asked))
        assert plain[0]["custom"] == {} and data[0]["custom"]["signposting"]
        assert data[0]["text"] == plain[0]["text"] and data[0]["buttons"] == plain[0]["buttons"]
