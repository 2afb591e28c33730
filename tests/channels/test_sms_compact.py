"""Results, details and national helplines by text: each turn is one text of at most three
segments (measured as networks count them), with every service's phone number and the reply
options. Real actions on the shipped directory, their replies through the SMS channel's own
collector and composer; other channels' replies are checked unchanged in tests/test_actions.py.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.signposting as signposting_actions
from actions.signposting import ActionSearchServices, ActionServiceDetails, ActionShowMore
from bot import runtime
from bot.channels.sms import compact
from bot.channels.sms.conversation import METADATA, TurnCollector
from bot.channels.sms.formatting import (
    GSM7,
    Reply,
    SmsTurn,
    compose_turn,
    describe_options,
    measure,
)
from bot.config import REPO_ROOT
from bot.crisis import CrisisKind, crisis_reply
from bot.directory.loader import load_directory
from bot.needs import LABELS
from bot.schedule import LONDON
from bot.signposting import SERVICE_DATA_KEY

# A weekday morning (most places open now) and a Saturday night (most say when they next open).
TUESDAY_MORNING = datetime(2026, 12, 1, 10, 30, tzinfo=LONDON)
SATURDAY_NIGHT = datetime(2026, 11, 28, 21, 0, tzinfo=LONDON)


@pytest.fixture
def directory(local_env: Path) -> Iterator[Path]:
    load_directory(runtime.engine(), REPO_ROOT / "resources" / "directory", runtime.gazetteer())
    yield local_env


def _tracker(text: str, intent: str, slots: dict[str, Any], number: int | None = None) -> Tracker:
    entities = [{"entity": "result_number", "value": str(number)}] if number else []
    return Tracker(
        sender_id="sms-test",
        slots={"requested_slot": None, **slots},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities,
            "metadata": dict(METADATA),  # as the SMS channel sends every message
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def _run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots


def _by_sms(messages: list[dict[str, Any]]) -> SmsTurn:
    """The replies as the SMS channel receives them from Rasa, composed into texts."""
    collector = TurnCollector()
    for message in messages:
        asyncio.run(collector.send_response("sms-test", dict(message)))
    replies, buttons = collector.replies_and_buttons()
    return compose_turn(replies, buttons)


def _one_text(turn: SmsTurn) -> str:
    assert len(turn.messages) == 1, turn.messages
    (text,) = turn.messages
    length = measure(text)
    assert length.encoding == GSM7 and length.segments <= 3, (length, text)
    prompts = {describe_options(turn.options), describe_options(turn.options, short=True)}
    assert any(text.endswith(prompt) for prompt in prompts), text
    return text


def _data(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return messages[0]["custom"][SERVICE_DATA_KEY]


def _assert_services_usable(text: str, data: dict[str, Any]) -> None:
    for service in data["services"]:
        # "4 Name" in a shorter form, "4. Name" when the assistant's own words fit.
        assert re.search(rf"\n{service['number']}\.? {re.escape(service['name'])}", text), text
        contact = service["phone"] or service["text_contact"]
        if contact:
            assert contact in text


@pytest.mark.parametrize("now", [TUESDAY_MORNING, SATURDAY_NIGHT], ids=["tuesday", "saturday"])
@pytest.mark.parametrize("place", ["L9", "PR8"])
def test_results_details_and_more_are_each_one_text(
    directory: Path, monkeypatch: pytest.MonkeyPatch, place: str, now: datetime
) -> None:
    monkeypatch.setattr(signposting_actions, "now_london", lambda: now)
    for need in LABELS:
        slots = {"need": need, "outcode": place, "place_label": place}
        messages, found = _run(ActionSearchServices(), _tracker(place, "inform_location", slots))
        if not found.get("results"):
            continue
        data = _data(messages)
        text = _one_text(_by_sms(messages))
        _assert_services_usable(text, data)
        assert "Reply 1, 2 or 3" in text or len(data["services"]) < 3

        slots = {**slots, **found}
        for number in range(1, found["results_offset"] + 1):
            tracker = _tracker(str(number), "ask_details", slots, number)
            messages, _ = _run(ActionServiceDetails(), tracker)
            details = _data(messages)
            text = _one_text(_by_sms(messages))
            assert text.startswith(f"{number}. {details['name']}")
            for phone, _ in details["phones"]:
                assert phone in text
            for key in ("address", "status", "website"):
                if details[key]:
                    assert details[key].rstrip(".") in text, key

        if len(found["results"]) > found["results_offset"]:
            messages, _ = _run(ActionShowMore(), _tracker("more", "show_more", slots))
            text = _one_text(_by_sms(messages))
            _assert_services_usable(text, _data(messages))
            assert "Reply 4" in text


def test_a_widened_search_still_fits(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signposting_actions, "now_london", lambda: SATURDAY_NIGHT)
    slots = {"need": "bereavement", "outcode": "L9", "place_label": "L9"}
    messages, _ = _run(ActionSearchServices(), _tracker("L9", "inform_location", slots))
    assert "looked a bit further" in messages[0]["text"]  # the assistant's own words: 8 segments
    text = _one_text(_by_sms(messages))
    assert "10 miles" in text
    _assert_services_usable(text, _data(messages))


def test_national_helplines_keep_every_number(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signposting_actions, "now_london", lambda: TUESDAY_MORNING)
    for need in LABELS:
        slots = {"need": need, "outcode": "SW1A", "place_label": "SW1A"}
        messages, _ = _run(ActionSearchServices(), _tracker("SW1A", "inform_location", slots))
        turn = _by_sms(messages)
        # Ten money helplines cannot fit one text: two, never more.
        assert 1 <= len(turn.messages) <= 2, turn.messages
        for text in turn.messages:
            assert measure(text).segments <= 3
        whole = "\n".join(turn.messages)
        if messages[0].get("custom"):
            for service in _data(messages)["services"]:
                assert (service["phone"] or service["text_contact"]) in whole


# --- the shorter forms themselves -------------------------------------------------------------

SERVICE = {
    "number": 2,
    "name": "Young people's housing drop-in",
    "organisation": "Open Door Housing",
    "distance": "1.6 miles away",
    "place": "Open Door Centre",
    "area": None,
    "status": "Open now until 5pm",
    "phone": "0151 496 0116",
    "text_contact": None,
    "sample": False,
    "verified": True,
}


def test_a_result_shortens_to_name_distance_and_phone() -> None:
    data = {"kind": "results", "intro": "Here are some:", "services": [SERVICE], "after": "Ok?"}
    forms = compact.shorter_forms(data)
    assert forms[0] == (
        "Here are some:\n"
        "2 Young people's housing drop-in (1.6 miles). Open now until 5pm. Call 0151 496 0116\n"
        "Ok?"
    )
    assert (
        forms[-1] == "Here are some:\n2 Young people's housing drop-in (1.6 miles): 0151 496 0116"
    )


def test_an_area_wide_service_says_where_it_covers() -> None:
    service = {
        **SERVICE,
        "distance": None,
        "area": "Sefton",
        "phone": None,
        "text_contact": "85258",
    }
    (line,) = compact.shorter_forms({"kind": "results", "services": [service]})[-1:]
    assert line == "2 Young people's housing drop-in (covers Sefton): Text 85258"


def test_details_keep_address_today_phone_and_link() -> None:
    details = {
        **SERVICE,
        "kind": "details",
        "address": "12 Rice Lane, Liverpool, L9 1AD",
        "hours": "Monday to Friday, 9am to 5pm",
        "phones": [["0151 496 0116", "bookings"], ["0151 496 0117", None]],
        "website": "https://open-door.example.org",
        "description": "A long description " * 10,
        "cost": "Free",
    }
    for form in compact.shorter_forms(details):
        for kept in ("2. Young", "L9 1AD", "Open now until 5pm.", "0151 496 0116", "0151 496 0117"):
            assert kept in form
        assert "https://open-door.example.org" in form
        assert "A long description" not in form
    assert "When: Monday to Friday" in compact.shorter_forms(details)[0]


@pytest.mark.parametrize(
    "data", [None, "text", {"kind": "poem"}, {"kind": "results", "services": 3}]
)
def test_unknown_or_odd_data_has_no_shorter_form(data: Any) -> None:
    assert compact.shorter_forms(data) == ()  # the assistant's own words are sent


# --- composing a turn -------------------------------------------------------------------------


def test_replies_without_service_data_read_as_before() -> None:
    long_text = "Call the hub on 0151 496 0100 if you'd like to talk. " * 12
    assert compose_turn([Reply(long_text)], []).messages == compose_turn([long_text], []).messages
    assert len(compose_turn([long_text], []).messages) == 2  # split, nothing shortened


def test_a_crisis_reply_is_never_shortened_and_comes_first() -> None:
    crisis = crisis_reply(CrisisKind.SUICIDE_SELF_HARM)
    results = Reply("1. Long result text. " * 30, ("1 Short result: 0151 496 0100",))
    turn = compose_turn([crisis, results], [])
    whole = "\n".join(turn.messages)
    assert turn.messages[0].startswith(crisis.split("\n")[0])
    for line in crisis.split("\n"):
        assert line.strip() in whole
    assert "0151 496 0100" in whole
    for text in turn.messages:
        assert measure(text).segments <= 3


def test_when_nothing_fits_the_form_with_fewest_texts_is_split() -> None:
    rich = "Service line. " * 80  # 1,120 characters: 3 texts
    short = "Short line. " * 50  # 600 characters: 2 texts
    turn = compose_turn([Reply(rich, (short,))], [])
    assert len(turn.messages) == 2 and "Short line." in turn.messages[0]
