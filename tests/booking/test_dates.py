"""parse_day_request: the ways people say when they'd like an appointment. `today` is fixed."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.booking.dates import DayRequest, in_part, parse_day_request

SUNDAY_1_MARCH = date(2026, 3, 1)
THURSDAY_5_MARCH = date(2026, 3, 5)
SATURDAY_7_MARCH = date(2026, 3, 7)


def one_day(day: date, part: str | None = None) -> DayRequest:
    return DayRequest(day, day, part)


def test_calendar_facts() -> None:
    assert SUNDAY_1_MARCH.weekday() == 6
    assert THURSDAY_5_MARCH.weekday() == 3
    assert SATURDAY_7_MARCH.weekday() == 5


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("Thursday", SUNDAY_1_MARCH, one_day(date(2026, 3, 5))),
        ("Thursday", THURSDAY_5_MARCH, one_day(date(2026, 3, 12))),  # said on a Thursday
        ("thurs", THURSDAY_5_MARCH, one_day(date(2026, 3, 12))),
        ("today", THURSDAY_5_MARCH, one_day(THURSDAY_5_MARCH)),
        ("Friday", THURSDAY_5_MARCH, one_day(date(2026, 3, 6))),
        ("monday please", THURSDAY_5_MARCH, one_day(date(2026, 3, 9))),
        ("tomorrow afternoon", THURSDAY_5_MARCH, one_day(date(2026, 3, 6), "afternoon")),
        ("Tomorrow morning", SATURDAY_7_MARCH, one_day(date(2026, 3, 8), "morning")),
        ("day after tomorrow", THURSDAY_5_MARCH, one_day(date(2026, 3, 7))),
        ("this afternoon", THURSDAY_5_MARCH, one_day(THURSDAY_5_MARCH, "afternoon")),
        ("next week", THURSDAY_5_MARCH, DayRequest(date(2026, 3, 9), date(2026, 3, 15))),
        ("next week", SUNDAY_1_MARCH, DayRequest(date(2026, 3, 2), date(2026, 3, 8))),
        ("tuesday next week", THURSDAY_5_MARCH, one_day(date(2026, 3, 10))),
        ("this week", THURSDAY_5_MARCH, DayRequest(THURSDAY_5_MARCH, date(2026, 3, 8))),
        ("3 March", SUNDAY_1_MARCH, one_day(date(2026, 3, 3))),
        ("3rd of march", SUNDAY_1_MARCH, one_day(date(2026, 3, 3))),
        ("march 3", SUNDAY_1_MARCH, one_day(date(2026, 3, 3))),
        ("March 3rd", SUNDAY_1_MARCH, one_day(date(2026, 3, 3))),
        ("3/3", SUNDAY_1_MARCH, one_day(date(2026, 3, 3))),
        ("3 Mar", SUNDAY_1_MARCH, one_day(date(2026, 3, 3))),
        (
            "on the 3rd of March, in the morning",
            SUNDAY_1_MARCH,
            one_day(date(2026, 3, 3), "morning"),
        ),
        ("3 March", THURSDAY_5_MARCH, one_day(date(2027, 3, 3))),  # gone this year: next year's
        ("12/4", SUNDAY_1_MARCH, one_day(date(2026, 4, 12))),  # UK order: day/month
        ("1 January", date(2026, 12, 20), one_day(date(2027, 1, 1))),
        ("the 5th", SUNDAY_1_MARCH, one_day(date(2026, 3, 5))),
        ("the 5th", date(2026, 3, 10), one_day(date(2026, 4, 5))),
        ("the 5th", date(2026, 12, 20), one_day(date(2027, 1, 5))),
        ("weekend", THURSDAY_5_MARCH, DayRequest(SATURDAY_7_MARCH, date(2026, 3, 8))),
        ("at the weekend", SATURDAY_7_MARCH, DayRequest(SATURDAY_7_MARCH, date(2026, 3, 8))),
        ("friday pm", THURSDAY_5_MARCH, one_day(date(2026, 3, 6), "afternoon")),
        (
            "any evening",
            THURSDAY_5_MARCH,
            DayRequest(THURSDAY_5_MARCH, date(2026, 3, 11), "evening"),
        ),
    ],
)
def test_understood(text: str, today: date, expected: DayRequest) -> None:
    assert parse_day_request(text, today) == expected


@pytest.mark.parametrize(
    "text", ["", "blah", "asdfgh qwerty", "I'd like to talk to someone", "whenever", "yes", "42"]
)
def test_nonsense_is_none(text: str) -> None:
    assert parse_day_request(text, THURSDAY_5_MARCH) is None


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # "I am" is not "a.m.": a Thursday, any time of day.
        ("I am free on Thursday", SUNDAY_1_MARCH, one_day(date(2026, 3, 5))),
        ("am I able to do Friday", SUNDAY_1_MARCH, one_day(date(2026, 3, 6))),
        # Clock times say which part of the day.
        ("10am tomorrow", THURSDAY_5_MARCH, one_day(date(2026, 3, 6), "morning")),
        ("tomorrow at 2 pm", THURSDAY_5_MARCH, one_day(date(2026, 3, 6), "afternoon")),
        ("Thursday 6pm", SUNDAY_1_MARCH, one_day(date(2026, 3, 5), "evening")),
        # "The 31st" in a 30-day month is the next month that has one.
        ("the 31st", date(2026, 4, 10), one_day(date(2026, 5, 31))),
        ("the 30th", date(2026, 1, 31), one_day(date(2026, 3, 30))),
        # A year, when given, is kept.
        ("9th March 2027", THURSDAY_5_MARCH, one_day(date(2027, 3, 9))),
        ("9/3/2027", THURSDAY_5_MARCH, one_day(date(2027, 3, 9))),
        ("9/3/27", THURSDAY_5_MARCH, one_day(date(2027, 3, 9))),
    ],
)
def test_tricky_phrasings(text: str, today: date, expected: DayRequest) -> None:
    assert parse_day_request(text, today) == expected


@pytest.mark.parametrize("text", ["31/2", "30 February", "the 32nd", "9 March 2025"])
def test_impossible_or_past_dates_are_none(text: str) -> None:
    assert parse_day_request(text, THURSDAY_5_MARCH) is None


def test_days_and_parts() -> None:
    assert parse_day_request("next week", THURSDAY_5_MARCH).days()[0] == date(2026, 3, 9)  # type: ignore[union-attr]
    assert len(parse_day_request("next week", THURSDAY_5_MARCH).days()) == 7  # type: ignore[union-attr]
    assert in_part(time(11, 30), "morning") and not in_part(time(12), "morning")
    assert in_part(time(12), "afternoon") and not in_part(time(17), "afternoon")
    assert in_part(time(18, 30), "evening")
    assert in_part(time(3), None)
