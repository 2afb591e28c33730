"""Finding services, showing more, and details of one. Database work runs in a thread."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import category_buttons, latest_text, say
from bot import runtime, wording
from bot.areas import load_service_areas
from bot.booking import wording as booking_wording
from bot.events import record_need_event
from bot.schedule import now_london
from bot.signposting import (
    MORE_INTRO,
    SERVICE_DATA_KEY,
    SERVICE_DATA_WANTED,
    SearchOutcome,
    details_data,
    find_services,
    national_data,
    page,
    page_data,
    parse_result_number,
    render_details,
    render_national,
    render_page,
    results_intro,
)

Data = dict[str, Any]


def _origin(outcode: str) -> tuple[float, float] | None:
    return runtime.gazetteer().centroid(outcode)


def _as_data(tracker: Tracker, data: Data | None) -> dict[str, Any]:
    """The results as data too, for a channel that asked for them (SMS lays them out itself);
    other channels get exactly the text they always did."""
    metadata = tracker.latest_message.get("metadata") or {}
    if data is None or not metadata.get(SERVICE_DATA_WANTED):
        return {}
    return {"json_message": {SERVICE_DATA_KEY: data}}


def _result_buttons(first: int, shown: int, more: bool) -> list[dict[str, str]]:
    buttons = [
        {"title": f"More about {n}", "payload": f'/ask_details{{"result_number":"{n}"}}'}
        for n in range(first, first + shown)
    ]
    if more:
        buttons.append({"title": "Show more", "payload": "/show_more"})
    buttons.append({"title": "Talk to an advisor", "payload": "/talk_to_person"})
    buttons.append({"title": "Look somewhere else", "payload": "/change_location"})
    return buttons


def _search_and_render(
    need: str, outcode: str, place_label: str
) -> tuple[str, SearchOutcome, Data | None]:
    settings = runtime.settings()
    origin = _origin(outcode)
    if origin is None:
        raise LookupError(outcode)
    directory = runtime.directory()
    outcome = find_services(
        directory,
        need,
        (outcode, *origin),
        settings.search_radius_miles,
        settings.widen_radius_miles,
        load_service_areas(),
    )
    record_need_event(runtime.engine(), need, outcode, len(outcome.keys), outcome.widened)
    now = now_london()
    if outcome.keys:
        cards = directory.cards(page(outcome.keys, 0, settings.page_size), now, origin)
        intro = results_intro(place_label, need, outcome)
        short = results_intro(place_label, need, outcome, short=True)
        data = page_data(intro, cards, 1, booking_wording.OFFER, short)
        return render_page(intro, cards, 1), outcome, data
    cards = directory.cards(list(outcome.national_keys), now)
    data = national_data(cards, place_label, need, outcome.in_area, wording.AFTER_DETAILS)
    return render_national(cards, place_label, need, outcome.in_area), outcome, data


class ActionSearchServices(Action):
    def name(self) -> str:
        return "action_search_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        need, outcode = tracker.get_slot("need"), tracker.get_slot("outcode")
        if not need:
            say(dispatcher, wording.ASK_NEED_AFTER_LOCATION, category_buttons())
            return []
        if not outcode:
            say(dispatcher, wording.ASK_LOCATION)
            return []
        label = tracker.get_slot("place_label") or outcode
        text, outcome, data = await asyncio.to_thread(_search_and_render, need, outcode, label)
        size = runtime.settings().page_size
        shown = min(size, len(outcome.keys))
        if outcome.keys:
            say(
                dispatcher,
                f"{text}\n\n{booking_wording.OFFER}",
                _result_buttons(1, shown, len(outcome.keys) > shown),
                **_as_data(tracker, data),
            )
        else:
            say(
                dispatcher,
                f"{text}\n\n{wording.AFTER_DETAILS}",
                category_buttons()[:4],
                **_as_data(tracker, data),
            )
        return [
            SlotSet("results", list(outcome.keys)),
            SlotSet("results_offset", shown),
            SlotSet("advisor_offered", bool(outcome.keys)),
        ]


def _more(keys: list[str], offset: int, outcode: str) -> tuple[str, Data] | None:
    settings = runtime.settings()
    chunk = page(keys, offset, settings.page_size)
    if not chunk:
        return None
    cards = runtime.directory().cards(chunk, now_london(), _origin(outcode))
    data = page_data(MORE_INTRO, cards, offset + 1, None)
    return render_page(MORE_INTRO, cards, offset + 1), data


class ActionShowMore(Action):
    def name(self) -> str:
        return "action_show_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        keys = list(tracker.get_slot("results") or [])
        offset = int(tracker.get_slot("results_offset") or 0)
        outcode = tracker.get_slot("outcode") or ""
        if not keys:
            say(dispatcher, wording.NO_RESULTS_YET, category_buttons()[:4])
            return []
        found = await asyncio.to_thread(_more, keys, offset, outcode)
        if found is None:
            place = tracker.get_slot("place_label") or outcode
            say(
                dispatcher,
                wording.NO_MORE_RESULTS.format(place=place) + " " + wording.AFTER_DETAILS,
                [
                    {"title": "Look somewhere else", "payload": "/change_location"},
                    {"title": "Something else", "payload": "/what_can_you_do"},
                ],
            )
            return []
        size = runtime.settings().page_size
        shown = min(size, len(keys) - offset)
        text, data = found
        buttons = _result_buttons(offset + 1, shown, offset + shown < len(keys))
        say(dispatcher, text, buttons, **_as_data(tracker, data))
        return [SlotSet("results_offset", offset + shown)]


class ActionServiceDetails(Action):
    def name(self) -> str:
        return "action_service_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        keys = list(tracker.get_slot("results") or [])
        shown = int(tracker.get_slot("results_offset") or 0) or len(keys)
        if not keys:
            say(dispatcher, wording.NO_RESULTS_YET, category_buttons()[:4])
            return []
        entity = next(tracker.get_latest_entity_values("result_number"), None)
        number = parse_result_number(str(entity) if entity else latest_text(tracker))
        if number == -1:
            number = shown
        if number is None or not 1 <= number <= shown:
            buttons = _result_buttons(1, shown, False)[:-1]
            say(dispatcher, wording.which_result(shown), buttons)
            return []
        outcode = tracker.get_slot("outcode") or ""

        def load() -> tuple[str, Data] | None:
            details = runtime.directory().details(keys[number - 1], now_london(), _origin(outcode))
            if details is None:
                return None
            return render_details(number, details), details_data(
                number, details, wording.AFTER_DETAILS
            )

        found = await asyncio.to_thread(load)
        if found is None:  # the directory changed since the search
            say(dispatcher, wording.NO_RESULTS_YET, category_buttons()[:4])
            return [SlotSet("results", None), SlotSet("results_offset", 0)]
        text, data = found
        say(
            dispatcher,
            f"{text}\n\n{wording.AFTER_DETAILS}",
            _result_buttons(1, shown, len(keys) > shown),
            **_as_data(tracker, data),
        )
        return []
