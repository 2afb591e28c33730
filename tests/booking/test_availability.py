"""Free slots: London wall-clock hours across clock changes, bank holidays, notice, horizon,
leave, bookings, hubs, and one offer per start time. Every `now` is fixed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine

from bot.booking.availability import Slot, free_slots, next_free_day
from bot.booking.service import book, cancel_by_advisor
from bot.db import session_scope
from bot.schedule import LONDON, is_bank_holiday
from tests.booking.conftest import RULES, add_advisor, add_hub, london, request, slot_at

UTC = timezone.utc
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def slots(engine: Engine, now: datetime, mode: str = "phone", **kwargs: object) -> list[Slot]:
    with session_scope(engine) as session:
        return free_slots(session, mode, now, kwargs.pop("rules", RULES), **kwargs)  # type: ignore[arg-type]


def local_starts(found: list[Slot], day: date) -> list[time]:
    return [s.local_start.time() for s in found if s.local_start.date() == day]


def utc_starts(found: list[Slot], day: date) -> list[datetime]:
    return [s.starts_at for s in found if s.local_start.date() == day]


def test_calendar_facts_the_tests_rely_on() -> None:
    assert date(2026, 3, 29).weekday() == date(2026, 10, 25).weekday() == 6  # Sundays
    assert london(2026, 3, 29, 9, 30).utcoffset() == timedelta(hours=1)
    assert london(2026, 3, 28, 9, 30).utcoffset() == timedelta(0)
    assert london(2026, 10, 25, 9, 30).utcoffset() == timedelta(0)
    assert london(2026, 10, 24, 9, 30).utcoffset() == timedelta(hours=1)
    for holiday in (date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28)):
        assert is_bank_holiday(holiday)
    assert not is_bank_holiday(date(2026, 12, 29))


def test_spring_forward_keeps_the_london_wall_clock(engine: Engine) -> None:
    add_advisor(engine, "Sam", hours=[("SU,MO", "09:30", "11:30")])
    found = slots(engine, london(2026, 3, 20, 9, 0))  # Friday, a week before the change
    for day in (date(2026, 3, 22), date(2026, 3, 23), date(2026, 3, 29), date(2026, 3, 30)):
        assert local_starts(found, day) == [time(9, 30), time(10), time(10, 30), time(11)]
    # 09:30 London is 09:30 UTC in winter and 08:30 UTC in summer.
    assert utc_starts(found, date(2026, 3, 23))[0] == datetime(2026, 3, 23, 9, 30, tzinfo=UTC)
    assert utc_starts(found, date(2026, 3, 29))[0] == datetime(2026, 3, 29, 8, 30, tzinfo=UTC)
    assert utc_starts(found, date(2026, 3, 30))[0] == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in found)


def test_fall_back_keeps_the_london_wall_clock(engine: Engine) -> None:
    add_advisor(engine, "Sam", hours=[("SU,MO", "09:30", "11:30")])
    found = slots(engine, london(2026, 10, 16, 9, 0))
    for day in (date(2026, 10, 18), date(2026, 10, 19), date(2026, 10, 25), date(2026, 10, 26)):
        assert local_starts(found, day) == [time(9, 30), time(10), time(10, 30), time(11)]
    assert utc_starts(found, date(2026, 10, 19))[0] == datetime(2026, 10, 19, 8, 30, tzinfo=UTC)
    assert utc_starts(found, date(2026, 10, 25))[0] == datetime(2026, 10, 25, 9, 30, tzinfo=UTC)
    assert utc_starts(found, date(2026, 10, 26))[0] == datetime(2026, 10, 26, 9, 30, tzinfo=UTC)


def test_nothing_is_offered_in_the_missing_hour(engine: Engine) -> None:
    # Hours across the spring-forward night: the clock jumps from 01:00 to 02:00.
    add_advisor(engine, "Night owl", hours=[("SU", "00:00", "04:00")])
    found = slots(engine, london(2026, 3, 27, 9, 0), on_day=date(2026, 3, 29))
    assert local_starts(found, date(2026, 3, 29)) == [
        time(0),
        time(0, 30),
        time(2),
        time(2, 30),
        time(3),
        time(3, 30),
    ]
    for slot in found:  # every start is a real London time that survives a round trip
        local = slot.local_start
        assert local.replace(tzinfo=None).replace(tzinfo=LONDON).astimezone(UTC) == slot.starts_at
    assert [s.starts_at for s in found] == [
        datetime(2026, 3, 29, 0, 0, tzinfo=UTC) + timedelta(minutes=30 * n) for n in range(6)
    ]


@pytest.mark.parametrize(
    ("now", "holidays", "working_days"),
    [
        (london(2026, 8, 24, 8, 0), [date(2026, 8, 31)], [date(2026, 8, 28), date(2026, 9, 1)]),
        (
            london(2026, 12, 14, 8, 0),
            [date(2026, 12, 25), date(2026, 12, 28)],
            [date(2026, 12, 24), date(2026, 12, 29)],
        ),
    ],
)
def test_no_slots_on_bank_holidays(
    engine: Engine, now: datetime, holidays: list[date], working_days: list[date]
) -> None:
    add_advisor(engine, "Sam", hours=[(EVERY_DAY, "10:00", "12:00")])
    found = slots(engine, now)
    for holiday in holidays:
        assert local_starts(found, holiday) == []
        assert slots(engine, now, on_day=holiday) == []
    for day in working_days:
        assert len(local_starts(found, day)) == 4


def test_minimum_notice_default_two_hours(engine: Engine) -> None:
    add_advisor(engine, "Sam", hours=[("MO", "09:00", "17:00")])
    monday = date(2026, 6, 1)
    assert slots(engine, london(2026, 6, 1, 9, 0))[0].local_start == london(2026, 6, 1, 11, 0)
    assert slots(engine, london(2026, 6, 1, 9, 1))[0].local_start == london(2026, 6, 1, 11, 30)
    # A longer notice period is honoured too, and nothing is ever offered sooner.
    now = london(2026, 6, 1, 9, 10)
    day_before = replace(RULES, min_notice=timedelta(hours=24))
    assert local_starts(slots(engine, now, rules=day_before), monday) == []
    for slot in slots(engine, now):
        assert slot.starts_at >= now + RULES.min_notice


def test_never_in_the_past_late_in_the_day(engine: Engine) -> None:
    add_advisor(engine, "Sam", hours=[(EVERY_DAY, "09:00", "17:00")])
    now = london(2026, 6, 1, 16, 0)
    found = slots(engine, now, rules=replace(RULES, min_notice=timedelta(0)))
    assert found[0].local_start == london(2026, 6, 1, 16, 0)
    assert all(s.starts_at >= now for s in found)
    assert slots(engine, london(2026, 6, 1, 16, 0), on_day=date(2026, 5, 31)) == []


def test_horizon_default_21_days(engine: Engine) -> None:
    add_advisor(engine, "Sam", hours=[(EVERY_DAY, "10:00", "11:00")])
    now = london(2026, 6, 1, 7, 0)
    found = slots(engine, now)
    days = sorted({s.local_start.date() for s in found})
    assert days[0] == date(2026, 6, 1) and days[-1] == date(2026, 6, 22)  # today + 21
    assert slots(engine, now, on_day=date(2026, 6, 23)) == []
    assert max(
        s.local_start.date() for s in slots(engine, now, rules=replace(RULES, horizon_days=7))
    ) == date(2026, 6, 8)


def test_leave_removes_overlapping_slots(engine: Engine) -> None:
    add_advisor(
        engine,
        "Sam",
        hours=[("TU", "09:00", "12:00")],
        leave=[
            (london(2026, 6, 2, 10, 15), london(2026, 6, 2, 11, 0)),  # a training session
            (london(2026, 6, 9, 0, 0), london(2026, 6, 10, 0, 0)),  # a day off
        ],
    )
    found = slots(engine, london(2026, 6, 1, 9, 0))
    assert local_starts(found, date(2026, 6, 2)) == [time(9), time(9, 30), time(11), time(11, 30)]
    assert local_starts(found, date(2026, 6, 9)) == []
    assert len(local_starts(found, date(2026, 6, 16))) == 6


def test_confirmed_bookings_take_slots_and_cancelled_ones_free_them(engine: Engine) -> None:
    advisor = add_advisor(engine, "Sam", hours=[("TU", "09:00", "11:00")])
    now = london(2026, 6, 1, 9, 0)
    tuesday = date(2026, 6, 2)
    taken = book(engine, request(slot_at(advisor, london(2026, 6, 2, 10, 0))), now, RULES, 2)
    assert local_starts(slots(engine, now), tuesday) == [time(9), time(9, 30), time(10, 30)]
    cancel_by_advisor(engine, taken.reference, now, "advisor ill")
    assert local_starts(slots(engine, now), tuesday) == [
        time(9),
        time(9, 30),
        time(10),
        time(10, 30),
    ]


def test_in_person_only_at_the_hub_the_advisor_is_at_that_day(engine: Engine) -> None:
    add_hub(engine, "loc-hub-walton", "Walton Wellbeing Hub")
    add_hub(engine, "loc-hub-bootle", "Bootle Wellbeing Hub")
    add_advisor(
        engine,
        "Sam",
        modes="phone,in_person",
        hours=[
            ("MO", "09:30", "10:30", "loc-hub-walton"),
            ("TU", "09:30", "10:30", "loc-hub-bootle"),
            ("WE", "09:30", "10:30"),
        ],  # Wednesday: phone only, no hub
    )
    now = london(2026, 6, 1, 6, 0)
    walton = slots(engine, now, mode="in_person", hub_id="loc-hub-walton")
    bootle = slots(engine, now, mode="in_person", hub_id="loc-hub-bootle")
    assert {s.local_start.weekday() for s in walton} == {0}
    assert {s.local_start.weekday() for s in bootle} == {1}
    assert {s.hub_id for s in walton} == {"loc-hub-walton"}
    assert slots(engine, now, mode="in_person") == []  # no hub chosen: nowhere to meet
    assert slots(engine, now, mode="in_person", hub_id="loc-hub-southport") == []
    phone = slots(engine, now)
    assert {s.local_start.weekday() for s in phone} == {0, 1, 2}
    assert {s.hub_id for s in phone} == {None}
    assert slots(engine, now, mode="video") == []  # Sam doesn't do video


def test_one_slot_per_start_time_across_advisors(engine: Engine) -> None:
    first = add_advisor(engine, "Sam", hours=[("TU", "09:00", "10:00")])
    second = add_advisor(engine, "Priya", hours=[("TU", "09:00", "10:30")])
    add_advisor(engine, "Away", hours=[("TU", "08:00", "12:00")], active=False)
    now = london(2026, 6, 1, 9, 0)
    found = slots(engine, now, on_day=date(2026, 6, 2))
    assert [(s.local_start.time(), s.advisor_id) for s in found] == [
        (time(9), first),
        (time(9, 30), first),
        (time(10), second),
    ]
    book(engine, request(found[0]), now, RULES, 2)
    again = slots(engine, now, on_day=date(2026, 6, 2))
    assert [(s.local_start.time(), s.advisor_id) for s in again] == [
        (time(9), second),
        (time(9, 30), first),
        (time(10), second),
    ]


def test_next_free_day_skips_full_and_holiday_days(engine: Engine) -> None:
    add_advisor(engine, "Sam", hours=[("MO,TU", "10:00", "11:00")])
    now = london(2026, 8, 24, 8, 0)  # Monday; 31 August is a bank holiday
    with session_scope(engine) as session:
        assert next_free_day(session, "phone", now, RULES, after=date(2026, 8, 28)) == date(
            2026, 9, 1
        )
        assert next_free_day(session, "video", now, RULES, after=date(2026, 8, 28)) is None
