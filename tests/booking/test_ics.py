"""The advisor's .ics export, read back with icalendar as a calendar app would."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from icalendar import Calendar
from sqlalchemy.engine import Engine

from bot.booking.ics import bookings_calendar
from bot.booking.service import book, bookings_between, cancel_by_advisor
from tests.booking.conftest import (
    LANDLINE,
    MOBILE,
    RULES,
    add_advisor,
    add_hub,
    london,
    request,
    slot_at,
)

UTC = timezone.utc
NOW = london(2026, 10, 20, 9, 0)  # a Tuesday; the clocks go back on Sunday 25 October


def test_export_round_trips(engine: Engine) -> None:
    add_hub(engine, "loc-hub-walton", "Walton Wellbeing Hub", "207 Rice Lane, Liverpool, L9 1EP")
    sam = add_advisor(
        engine,
        "Sam",
        modes="phone,in_person",
        hours=[("MO,WE,TH", "09:30", "16:30", "loc-hub-walton")],
    )
    summer = book(engine, request(slot_at(sam, london(2026, 10, 22, 9, 30))), NOW, RULES, 2)
    winter = book(
        engine,
        request(
            slot_at(sam, london(2026, 10, 26, 9, 30), "loc-hub-walton"),
            mode="in_person",
            phone=LANDLINE,
            name="Jo",
            conversation_id="c2",
        ),
        NOW,
        RULES,
        2,
    )
    gone = book(engine, request(slot_at(sam, london(2026, 10, 28, 11, 0))), NOW, RULES, 2)
    cancel_by_advisor(engine, gone.reference, NOW, "advisor ill")
    rows = bookings_between(engine, NOW, NOW + timedelta(days=28), sam)
    assert len(rows) == 3

    calendar = Calendar.from_ical(bookings_calendar("Sam", rows, NOW))

    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Appointments: Sam"
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        f"{summer.reference}@signpost-assistant",
        f"{winter.reference}@signpost-assistant",
    }  # no cancelled one

    first = events[f"{summer.reference}@signpost-assistant"]
    # 09:30 London is 08:30 UTC before the change and 09:30 UTC after it; stored as UTC ("Z").
    assert first["dtstart"].dt == datetime(2026, 10, 22, 8, 30, tzinfo=UTC)
    assert first["dtstart"].dt.utcoffset() == timedelta(0)
    assert first["dtend"].dt == datetime(2026, 10, 22, 9, 0, tzinfo=UTC)
    assert first["dtstart"].to_ical() == b"20261022T083000Z"
    assert first["dtstamp"].dt == NOW
    assert str(first["summary"]) == f"Alex: a phone call ({summer.reference})"
    assert str(first["description"]).splitlines() == [
        f"Reference: {summer.reference}",
        f"Phone: {MOBILE}",
        "About: money",
        "Their note: about rent",
    ]
    assert "location" not in first

    second = events[f"{winter.reference}@signpost-assistant"]
    assert second["dtstart"].dt == datetime(2026, 10, 26, 9, 30, tzinfo=UTC)
    assert second["dtstart"].dt == winter.starts_at
    assert str(second["summary"]) == f"Jo: in person ({winter.reference})"
    assert str(second["location"]) == "Walton Wellbeing Hub, 207 Rice Lane, Liverpool, L9 1EP"


def test_awkward_text_survives(engine: Engine) -> None:
    sam = add_advisor(engine, "Sam", hours=[("TH", "09:30", "16:30")])
    awkward = request(slot_at(sam, london(2026, 10, 22, 10)), name='O\'Neil; Jr, "Jo"')
    view = book(
        engine,
        replace(awkward, note="Line one;\nline two, with commas\\ and a backslash"),
        NOW,
        RULES,
        2,
    )
    calendar = Calendar.from_ical(bookings_calendar("Sam, Walton", [view], NOW))
    assert str(calendar["x-wr-calname"]) == "Appointments: Sam, Walton"
    event = calendar.walk("VEVENT")[0]
    assert str(event["summary"]).startswith('O\'Neil; Jr, "Jo": ')
    assert str(event["description"]).endswith(
        "Their note: Line one;\nline two, with commas\\ and a backslash"
    )


def test_empty_calendar_is_still_valid() -> None:
    calendar = Calendar.from_ical(bookings_calendar("Priya", [], NOW))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["prodid"]).startswith("-//")
