"""Tests for bot.schedule: opening hours in Europe/London time.

Every instant here is fixed; nothing reads the real clock.  Calendar facts the
tests lean on (weekdays, clock-change dates, bank holidays) are themselves
checked against the standard library / the ``holidays`` package first, so a
wrong assumption fails loudly instead of passing quietly.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta, timezone

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule import (
    LONDON,
    Timetable,
    WeeklySession,
    format_date,
    format_datetime,
    format_time,
    format_time_range,
    is_bank_holiday,
    parse_byday,
    parse_time,
)

UTC = timezone.utc
MO, TU, WE, TH, FR, SA, SU = range(7)


def ldt(*args: int, fold: int = 0) -> datetime:
    """An aware London datetime."""
    return datetime(*args, tzinfo=LONDON, fold=fold)


def udt(*args: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


def as_utc(dt: datetime | None) -> datetime:
    """Compare and subtract in UTC: Python compares two datetimes sharing a
    tzinfo by wall time (ignoring fold), and never finds an ambiguous London
    time equal to a datetime in another zone."""
    assert dt is not None
    return dt.astimezone(UTC)


def weekly(
    byday: str,
    opens: str,
    closes: str,
    valid_from: str | None = None,
    valid_to: str | None = None,
) -> Timetable:
    session = WeeklySession.from_rrule(
        byday, opens, closes, valid_from=valid_from, valid_to=valid_to
    )
    return Timetable((session,))


# Mondays and Wednesdays 10am to 12pm; Fridays 1pm to 3pm.
CAFE = Timetable(
    (
        WeeklySession.from_rrule("MO,WE", "10:00", "12:00"),
        WeeklySession.from_rrule("FR", "13:00", "15:00"),
    )
)


# --------------------------------------------------------------------------
# Calendar facts the tests rely on
# --------------------------------------------------------------------------


def test_calendar_facts() -> None:
    assert calendar.day_name[date(2026, 3, 3).weekday()] == "Tuesday"
    assert calendar.day_name[date(2026, 3, 5).weekday()] == "Thursday"
    assert calendar.day_name[date(2025, 8, 25).weekday()] == "Monday"
    assert calendar.day_name[date(2026, 12, 25).weekday()] == "Friday"
    assert calendar.day_name[date(2026, 12, 26).weekday()] == "Saturday"
    # Clock changes: last Sunday of March / October, at 01:00 UTC.
    for spring, autumn in (
        (date(2025, 3, 30), date(2025, 10, 26)),
        (date(2026, 3, 29), date(2026, 10, 25)),
    ):
        assert spring.weekday() == SU and autumn.weekday() == SU
        before = datetime.combine(spring, time(0, 59), tzinfo=UTC).astimezone(LONDON)
        after = datetime.combine(spring, time(1, 0), tzinfo=UTC).astimezone(LONDON)
        assert before.utcoffset() == timedelta(0)
        assert after.utcoffset() == timedelta(hours=1)
        before = datetime.combine(autumn, time(0, 59), tzinfo=UTC).astimezone(LONDON)
        after = datetime.combine(autumn, time(1, 0), tzinfo=UTC).astimezone(LONDON)
        assert before.utcoffset() == timedelta(hours=1)
        assert after.utcoffset() == timedelta(0)


def test_bank_holidays_match_the_package() -> None:
    eng = holidays.UK(subdiv="ENG", years=[2025, 2026, 2027])
    for day in (
        date(2025, 8, 25),  # Late Summer Bank Holiday
        date(2026, 12, 25),  # Christmas Day (Friday)
        date(2026, 12, 28),  # Boxing Day substitute (Monday)
        date(2027, 1, 1),  # New Year's Day (Friday)
        date(2026, 4, 3),  # Good Friday
    ):
        assert day in eng
        assert is_bank_holiday(day)
    for day in (date(2025, 8, 26), date(2026, 12, 24), date(2026, 12, 29)):
        assert day not in eng
        assert not is_bank_holiday(day)
    # The package counts Saturday 26 December 2026 as Boxing Day too.
    assert is_bank_holiday(date(2026, 12, 26)) == (date(2026, 12, 26) in eng)
    # Every day of 2026 agrees with the package.
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert is_bank_holiday(day) == (day in eng)
        day += timedelta(days=1)


def test_is_bank_holiday_accepts_datetime() -> None:
    assert is_bank_holiday(datetime(2025, 8, 25, 10, 0))


# --------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "text"),
    [
        (time(10, 0), "10am"),
        (time(10, 30), "10:30am"),
        (time(9, 5), "9:05am"),
        (time(12, 0), "12pm"),
        (time(12, 30), "12:30pm"),
        (time(13, 0), "1pm"),
        (time(16, 0), "4pm"),
        (time(23, 59), "11:59pm"),
        (time(0, 0), "midnight"),
        (time(0, 30), "12:30am"),
    ],
)
def test_format_time(t: time, text: str) -> None:
    assert format_time(t) == text


def test_format_time_range() -> None:
    assert format_time_range(time(10), time(12)) == "10am to 12pm"
    assert format_time_range(time(22), time(2)) == "10pm to 2am"
    assert format_time_range(time(18), time(0)) == "6pm to midnight"
    assert format_time_range(time(0), time(0)) == "24 hours"
    assert format_time_range(time(9), time(9)) == "24 hours from 9am"


def test_format_date_uses_the_real_weekday() -> None:
    assert format_date(date(2026, 3, 3)) == "Tuesday 3 March"
    assert format_date(date(2026, 3, 3), with_year=True) == "Tuesday 3 March 2026"
    assert format_date(date(2025, 3, 3)) == "Monday 3 March"
    # Every day of 2026 names the weekday the calendar gives.
    day = date(2026, 1, 1)
    while day.year == 2026:
        text = format_date(day, with_year=True)
        assert text.split()[0] == calendar.day_name[day.weekday()]
        assert text.split()[2] == calendar.month_name[day.month]
        day += timedelta(days=1)


def test_format_datetime() -> None:
    assert format_datetime(ldt(2026, 3, 3, 10, 30)) == "Tuesday 3 March at 10:30am"
    assert (
        format_datetime(ldt(2026, 3, 3, 10, 30), with_year=True)
        == "Tuesday 3 March 2026 at 10:30am"
    )
    # Converted to London time: 09:30 UTC in summer is 10:30am BST...
    assert format_datetime(udt(2026, 7, 7, 9, 30)) == "Tuesday 7 July at 10:30am"
    # ...and in winter UTC and London agree.
    assert format_datetime(udt(2026, 3, 3, 10, 30)) == "Tuesday 3 March at 10:30am"
    # Late on Monday in UTC is already Tuesday in London in summer.
    assert format_datetime(udt(2026, 7, 6, 23, 30)) == "Tuesday 7 July at 12:30am"
    # A naive datetime is read as London wall-clock time.
    assert format_datetime(datetime(2026, 3, 3, 10, 30)) == "Tuesday 3 March at 10:30am"


def test_format_datetime_midnight_is_end_of_previous_day() -> None:
    assert format_datetime(ldt(2026, 3, 4, 0, 0)) == "Tuesday 3 March at midnight"


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


def test_parse_byday() -> None:
    assert parse_byday("MO,WE") == (MO, WE)
    assert parse_byday("we, mo") == (MO, WE)
    assert parse_byday("SU") == (SU,)
    assert parse_byday("MO,TU,WE,TH,FR,SA,SU") == tuple(range(7))
    with pytest.raises(ValueError):
        parse_byday("1MO")
    with pytest.raises(ValueError):
        parse_byday("Monday")


def test_parse_time() -> None:
    assert parse_time("10:00") == time(10, 0)
    assert parse_time("9:30") == time(9, 30)
    assert parse_time("09:30:00") == time(9, 30)
    assert parse_time("09:30:00.0000000") == time(9, 30)
    assert parse_time("24:00") == time(0, 0)
    assert parse_time(time(8, 15)) == time(8, 15)
    for bad in ("25:00", "10", "ten", "10:60"):
        with pytest.raises(ValueError):
            parse_time(bad)


def test_from_rrule() -> None:
    s = WeeklySession.from_rrule(
        "WE,MO",
        "10:00",
        "12:00",
        valid_from="2026-03-03",
        valid_to=date(2026, 4, 7),
        description="Drop-in",
    )
    assert s == WeeklySession(
        days=(MO, WE),
        opens_at=time(10),
        closes_at=time(12),
        valid_from=date(2026, 3, 3),
        valid_to=date(2026, 4, 7),
        description="Drop-in",
    )
    with pytest.raises(ValueError):
        WeeklySession.from_rrule(
            "MO", "10:00", "12:00", valid_from="2026-04-07", valid_to="2026-03-03"
        )
    with pytest.raises(ValueError):
        WeeklySession(days=(7,), opens_at=time(10), closes_at=time(12))


def test_from_hsds_skips_rows_it_cannot_use() -> None:
    tt = Timetable.from_hsds(
        [
            {
                "freq": "WEEKLY",
                "byday": "MO,WE",
                "opens_at": "10:00:00",
                "closes_at": "12:00:00",
                "description": "Drop-in",
            },
            {"freq": "MONTHLY", "byday": "1TU", "opens_at": "10:00", "closes_at": "12:00"},
            {"freq": "WEEKLY", "byday": "FR", "opens_at": "13:00"},
            {"freq": "WEEKLY", "byday": "XX", "opens_at": "13:00", "closes_at": "15:00"},
            {
                "byday": "FR",
                "opens_at": "13:00",
                "closes_at": "15:00",
                "valid_from": "2026-01-01",
                "valid_to": None,
            },
        ],
        open_on_bank_holidays=True,
    )
    assert len(tt.sessions) == 2
    assert tt.sessions[0].description == "Drop-in"
    assert tt.sessions[1].valid_from == date(2026, 1, 1)
    assert tt.open_on_bank_holidays


# --------------------------------------------------------------------------
# Open or closed
# --------------------------------------------------------------------------


def test_open_inclusive_close_exclusive() -> None:
    # Monday 2 March 2026, 10am to 12pm.
    assert not CAFE.is_open(ldt(2026, 3, 2, 9, 59, 59))
    assert CAFE.is_open(ldt(2026, 3, 2, 10, 0))
    assert CAFE.is_open(ldt(2026, 3, 2, 11, 59, 59))
    assert not CAFE.is_open(ldt(2026, 3, 2, 12, 0))
    # Not on Tuesdays.
    assert not CAFE.is_open(ldt(2026, 3, 3, 10, 30))
    # Friday afternoon.
    assert CAFE.is_open(ldt(2026, 3, 6, 13, 0))
    assert not CAFE.is_open(ldt(2026, 3, 6, 15, 0))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        CAFE.is_open(datetime(2026, 3, 2, 10, 30))
    with pytest.raises(ValueError):
        CAFE.next_opening(datetime(2026, 3, 2, 10, 30))
    with pytest.raises(ValueError):
        CAFE.current_session_end(datetime(2026, 3, 2, 10, 30))


def test_utc_and_london_give_the_same_answer() -> None:
    # Wednesday 1 July 2026 is in BST: 10:30am London is 09:30 UTC.
    assert date(2026, 7, 1).weekday() == WE
    london = ldt(2026, 7, 1, 10, 30)
    utc = udt(2026, 7, 1, 9, 30)
    assert london == utc
    assert CAFE.is_open(london) and CAFE.is_open(utc)
    assert CAFE.current_session_end(utc) == CAFE.current_session_end(london)
    assert CAFE.status(utc) == CAFE.status(london) == "Open now until 12pm"
    # 11:30 UTC looks like "inside 10 to 12" but is 12:30pm in London: closed.
    assert not CAFE.is_open(udt(2026, 7, 1, 11, 30))
    # 09:30 UTC... and 9:30am London are different instants in summer.
    assert not CAFE.is_open(ldt(2026, 7, 1, 9, 30))
    # Any other zone works too (New York, UTC-4 in July).
    from zoneinfo import ZoneInfo

    new_york = datetime(2026, 7, 1, 5, 30, tzinfo=ZoneInfo("America/New_York"))
    assert CAFE.is_open(new_york)
    assert CAFE.next_opening(new_york) == CAFE.next_opening(london)


def test_results_are_in_london_time() -> None:
    start = CAFE.next_opening(udt(2026, 7, 1, 12, 0))
    assert start is not None and start.tzinfo == LONDON
    end = CAFE.current_session_end(udt(2026, 7, 1, 9, 30))
    assert end is not None and end.tzinfo == LONDON
    assert end == ldt(2026, 7, 1, 12, 0)


# --------------------------------------------------------------------------
# Next opening
# --------------------------------------------------------------------------


def test_next_opening_same_day_and_strictly_after() -> None:
    assert CAFE.next_opening(ldt(2026, 3, 2, 8, 0)) == ldt(2026, 3, 2, 10, 0)
    # At exactly 10am the Monday session has started; the next is Wednesday.
    assert CAFE.next_opening(ldt(2026, 3, 2, 10, 0)) == ldt(2026, 3, 4, 10, 0)
    assert CAFE.next_opening(ldt(2026, 3, 2, 9, 59)) == ldt(2026, 3, 2, 10, 0)


def test_next_opening_wraps_the_week() -> None:
    # After Friday's session, the next is Monday.
    assert CAFE.next_opening(ldt(2026, 3, 6, 15, 0)) == ldt(2026, 3, 9, 10, 0)
    # Late on Sunday.
    assert CAFE.next_opening(ldt(2026, 3, 8, 23, 59)) == ldt(2026, 3, 9, 10, 0)
    # A Sunday-only session seen from Monday.
    sunday = weekly("SU", "14:00", "16:00")
    assert sunday.next_opening(ldt(2026, 3, 2, 9, 0)) == ldt(2026, 3, 8, 14, 0)


def test_next_opening_horizon_and_empty() -> None:
    sunday = weekly("SU", "14:00", "16:00")
    assert sunday.next_opening(ldt(2026, 3, 2, 9, 0), horizon_days=3) is None
    assert Timetable(()).next_opening(ldt(2026, 3, 2, 9, 0)) is None
    assert Timetable((), always_open=True).next_opening(ldt(2026, 3, 2)) is None


def test_back_to_back_sessions_are_one_stretch() -> None:
    tt = Timetable(
        (
            WeeklySession.from_rrule("MO", "09:00", "12:00"),
            WeeklySession.from_rrule("MO", "12:00", "17:00"),
        )
    )
    assert tt.current_session_end(ldt(2026, 3, 2, 10, 0)) == ldt(2026, 3, 2, 17, 0)
    assert tt.is_open(ldt(2026, 3, 2, 12, 0))
    # 12pm is not an "opening": it was already open.
    assert tt.next_opening(ldt(2026, 3, 2, 10, 0)) == ldt(2026, 3, 9, 9, 0)
    assert tt.status(ldt(2026, 3, 2, 10, 0)) == "Open now until 5pm"
    assert tt.status(ldt(2026, 3, 1, 10, 0)) == "Opens tomorrow, 9am to 5pm"


# --------------------------------------------------------------------------
# Clock changes (2025 and 2026)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saturday", "sunday", "offset_hours"),
    [
        (date(2025, 3, 29), date(2025, 3, 30), 1),  # spring forward
        (date(2025, 10, 25), date(2025, 10, 26), 0),  # fall back
        (date(2026, 3, 28), date(2026, 3, 29), 1),  # spring forward
        (date(2026, 10, 24), date(2026, 10, 25), 0),  # fall back
    ],
)
def test_wall_clock_session_across_clock_change(
    saturday: date, sunday: date, offset_hours: int
) -> None:
    tt = weekly("SU", "10:00", "12:00")
    after = datetime.combine(saturday, time(12), tzinfo=LONDON)
    start = tt.next_opening(after)
    assert start is not None
    # Still 10am on the wall, whatever the offset.
    assert start.date() == sunday
    assert (start.hour, start.minute) == (10, 0)
    assert start.utcoffset() == timedelta(hours=offset_hours)
    assert start.astimezone(UTC).hour == 10 - offset_hours
    end = tt.current_session_end(start)
    assert as_utc(end) - as_utc(start) == timedelta(hours=2)
    assert end is not None
    assert (end.hour, end.minute) == (12, 0)
    # Open at 11am London, checked in UTC.
    assert tt.is_open(datetime.combine(sunday, time(11 - offset_hours), tzinfo=UTC))
    # 12pm London has passed at 12 - offset UTC.
    assert not tt.is_open(datetime.combine(sunday, time(12 - offset_hours), tzinfo=UTC))
    # And the week before the change kept the other offset.
    previous = tt.next_opening(after - timedelta(days=7))
    assert previous is not None
    assert (previous.hour, previous.minute) == (10, 0)
    assert previous.utcoffset() == timedelta(hours=1 - offset_hours)
    assert tt.status(after) == "Opens tomorrow, 10am to 12pm"  # `after` is the Saturday


def test_spring_forward_session_in_the_missing_hour_2025() -> None:
    # Sunday 30 March 2025: at 01:00 GMT the clocks go to 02:00 BST.
    tt = weekly("SU", "01:00", "03:00")
    start = tt.next_opening(ldt(2025, 3, 29, 12, 0))
    assert as_utc(start) == udt(2025, 3, 30, 1, 0)  # the instant of the change
    assert start is not None and (start.hour, start.utcoffset()) == (2, timedelta(hours=1))
    end = tt.current_session_end(start)
    assert as_utc(end) == udt(2025, 3, 30, 2, 0)  # 03:00 BST
    assert end is not None and (end.hour, end.minute) == (3, 0)
    assert as_utc(end) - as_utc(start) == timedelta(hours=1)
    assert not tt.is_open(udt(2025, 3, 30, 0, 59))
    assert tt.is_open(udt(2025, 3, 30, 1, 0))
    assert tt.is_open(udt(2025, 3, 30, 1, 59))
    assert not tt.is_open(udt(2025, 3, 30, 2, 0))
    # A nonexistent local time as input does not crash either.
    assert tt.is_open(ldt(2025, 3, 30, 1, 30)) in (True, False)
    assert tt.status(ldt(2025, 3, 29, 12, 0)) == "Opens tomorrow, 2am to 3am"


def test_session_wholly_inside_the_missing_hour_is_skipped() -> None:
    tt = weekly("SU", "01:15", "01:45")
    # 30 March 2025 has no 01:15 to 01:45, so the next is a week later.
    assert tt.next_opening(ldt(2025, 3, 29, 12, 0)) == ldt(2025, 4, 6, 1, 15)
    starts_in_gap = weekly("SU", "01:30", "04:00")
    start = starts_in_gap.next_opening(ldt(2025, 3, 29, 12, 0))
    assert start == ldt(2025, 3, 30, 2, 0)


def test_fall_back_night_2025() -> None:
    # Sunday 26 October 2025: 01:00-01:59 happens twice (BST, then GMT).
    tt = weekly("SU", "01:00", "03:00")
    start = tt.next_opening(ldt(2025, 10, 25, 12, 0))
    assert as_utc(start) == udt(2025, 10, 26, 0, 0)  # the first 1am (BST)
    assert start is not None and (start.hour, start.fold) == (1, 0)
    end = tt.current_session_end(start)
    assert as_utc(end) == udt(2025, 10, 26, 3, 0)  # 3am GMT
    assert as_utc(end) - as_utc(start) == timedelta(hours=3)
    # Both 1:30ams are within the session.
    assert tt.is_open(ldt(2025, 10, 26, 1, 30, fold=0))
    assert tt.is_open(ldt(2025, 10, 26, 1, 30, fold=1))
    assert not tt.is_open(ldt(2025, 10, 26, 3, 0))


def test_fall_back_session_ending_in_the_repeated_hour() -> None:
    # Closes the first time the clock reads 1:30am (BST).
    tt = weekly("SU", "00:30", "01:30")
    assert tt.is_open(ldt(2025, 10, 26, 1, 29, fold=0))
    assert not tt.is_open(ldt(2025, 10, 26, 1, 30, fold=0))
    assert not tt.is_open(ldt(2025, 10, 26, 1, 10, fold=1))  # later, in GMT
    end = tt.current_session_end(ldt(2025, 10, 26, 1, 0))
    assert as_utc(end) == udt(2025, 10, 26, 0, 30)


@pytest.mark.parametrize(
    ("saturday", "hours"),
    [
        (date(2026, 3, 28), 3),  # spring forward: the night is an hour short
        (date(2026, 10, 24), 5),  # fall back: an hour long
        (date(2026, 3, 21), 4),  # an ordinary Saturday night
    ],
)
def test_overnight_session_across_clock_change_2026(saturday: date, hours: int) -> None:
    tt = weekly("SA", "22:00", "02:00")
    start = tt.next_opening(datetime.combine(saturday, time(12), tzinfo=LONDON))
    assert start == datetime.combine(saturday, time(22), tzinfo=LONDON)
    end = tt.current_session_end(start)
    assert end is not None and start is not None
    assert as_utc(end) - as_utc(start) == timedelta(hours=hours)
    assert (end.date(), end.hour) == (saturday + timedelta(days=1), 2)


# --------------------------------------------------------------------------
# Overnight sessions and midnight
# --------------------------------------------------------------------------


def test_overnight_session() -> None:
    tt = weekly("FR", "22:00", "02:00")
    # Friday 6 March 2026, 10pm to Saturday 2am.
    assert not tt.is_open(ldt(2026, 3, 6, 21, 59))
    assert tt.is_open(ldt(2026, 3, 6, 22, 0))
    assert tt.is_open(ldt(2026, 3, 7, 0, 0))
    assert tt.is_open(ldt(2026, 3, 7, 1, 59))
    assert not tt.is_open(ldt(2026, 3, 7, 2, 0))
    # Not open in the small hours of Friday (that would be Thursday's night).
    assert not tt.is_open(ldt(2026, 3, 6, 1, 0))
    assert tt.current_session_end(ldt(2026, 3, 7, 1, 0)) == ldt(2026, 3, 7, 2, 0)
    assert tt.status(ldt(2026, 3, 7, 1, 0)) == "Open now until 2am"
    assert tt.status(ldt(2026, 3, 6, 23, 0)) == "Open now until Saturday 7 March at 2am"
    assert tt.status(ldt(2026, 3, 6, 12, 0)) == "Opens today, 10pm to 2am"
    assert tt.describe() == "Fridays 10pm to 2am; closed on bank holidays"


def test_closing_at_midnight() -> None:
    tt = weekly("TU", "18:00", "00:00")
    assert tt.is_open(ldt(2026, 3, 3, 23, 59, 59))
    assert not tt.is_open(ldt(2026, 3, 4, 0, 0))
    assert tt.current_session_end(ldt(2026, 3, 3, 20, 0)) == ldt(2026, 3, 4, 0, 0)
    assert tt.status(ldt(2026, 3, 3, 20, 0)) == "Open now until midnight"
    assert tt.status(ldt(2026, 3, 3, 9, 0)) == "Opens today, 6pm to midnight"


def test_all_day_sessions_chain_until_a_bank_holiday() -> None:
    tt = weekly("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")
    # Good Friday 3 April 2026 is a bank holiday, so it closes at the end of
    # Thursday 2 April and reopens at the start of Saturday 4 April.
    assert is_bank_holiday(date(2026, 4, 3))
    assert tt.current_session_end(ldt(2026, 3, 30, 12, 0)) == ldt(2026, 4, 3, 0, 0)
    assert tt.status(ldt(2026, 3, 30, 12, 0)) == "Open now until Thursday 2 April at midnight"
    assert not tt.is_open(ldt(2026, 4, 3, 12, 0))
    assert tt.next_opening(ldt(2026, 3, 30, 12, 0)) == ldt(2026, 4, 4, 0, 0)
    assert tt.describe() == "Every day, 24 hours; closed on bank holidays"


# --------------------------------------------------------------------------
# Bank holidays
# --------------------------------------------------------------------------


def test_closed_on_late_summer_bank_holiday_2025() -> None:
    # Monday 25 August 2025.
    assert is_bank_holiday(date(2025, 8, 25))
    assert not CAFE.is_open(ldt(2025, 8, 25, 10, 30))
    assert CAFE.next_opening(ldt(2025, 8, 22, 16, 0)) == ldt(2025, 8, 27, 10, 0)
    assert CAFE.status(ldt(2025, 8, 25, 10, 30)) == "Next open: Wednesday 27 August, 10am to 12pm"
    # An ordinary Monday a week later is open.
    assert CAFE.is_open(ldt(2025, 9, 1, 10, 30))


def test_open_on_bank_holidays() -> None:
    tt = Timetable(CAFE.sessions, open_on_bank_holidays=True)
    assert tt.is_open(ldt(2025, 8, 25, 10, 30))
    assert tt.next_opening(ldt(2025, 8, 22, 16, 0)) == ldt(2025, 8, 25, 10, 0)
    assert "bank holiday" not in tt.describe()


def test_christmas_and_new_year_2026() -> None:
    # Fridays, Saturdays and Mondays 10am to 12pm.
    tt = weekly("MO,FR,SA", "10:00", "12:00")
    # Friday 25 December: Christmas Day. Saturday 26: Boxing Day (the package
    # counts it). Monday 28: Boxing Day substitute. Friday 1 January 2027:
    # New Year's Day.  So the first session after Christmas Eve is Saturday
    # 2 January 2027.
    for day in (date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28), date(2027, 1, 1)):
        assert is_bank_holiday(day)
        assert not tt.is_open(datetime.combine(day, time(11), tzinfo=LONDON))
    assert tt.next_opening(ldt(2026, 12, 24, 12, 0)) == ldt(2027, 1, 2, 10, 0)
    assert tt.status(ldt(2026, 12, 24, 12, 0)) == "Next open: Saturday 2 January, 10am to 12pm"
    # The same service open on bank holidays opens on Christmas Day.
    tt_open = Timetable(tt.sessions, open_on_bank_holidays=True)
    assert tt_open.next_opening(ldt(2026, 12, 24, 12, 0)) == ldt(2026, 12, 25, 10, 0)


def test_overnight_session_before_a_bank_holiday_still_runs() -> None:
    # Thursday 2 April 2026 overnight into Good Friday runs (it starts on an
    # ordinary day); the Good Friday night session does not.
    tt = weekly("TH,FR", "22:00", "02:00")
    assert tt.is_open(ldt(2026, 4, 3, 1, 0))
    assert not tt.is_open(ldt(2026, 4, 3, 23, 0))
    assert not tt.is_open(ldt(2026, 4, 4, 1, 0))


def test_always_open_ignores_bank_holidays() -> None:
    tt = Timetable((), always_open=True)
    assert tt.is_open(ldt(2026, 12, 25, 3, 0))
    assert tt.is_open(udt(2025, 3, 30, 1, 30))
    assert tt.current_session_end(ldt(2026, 12, 25, 3, 0)) is None
    assert tt.status(ldt(2026, 12, 25, 3, 0)) == "Open 24 hours"
    assert tt.describe() == "Every day, 24 hours"


# --------------------------------------------------------------------------
# valid_from / valid_to
# --------------------------------------------------------------------------


def test_six_week_course() -> None:
    # Tuesdays 3 March to 7 April 2026, 10am to 12pm.
    tt = weekly("TU", "10:00", "12:00", valid_from="2026-03-03", valid_to="2026-04-07")
    assert not tt.is_open(ldt(2026, 2, 24, 10, 30))
    assert tt.next_opening(ldt(2026, 2, 20, 9, 0)) == ldt(2026, 3, 3, 10, 0)
    assert tt.is_open(ldt(2026, 3, 3, 10, 30))
    assert tt.is_open(ldt(2026, 4, 7, 10, 30))  # valid_to is inclusive
    assert not tt.is_open(ldt(2026, 4, 14, 10, 30))
    assert tt.next_opening(ldt(2026, 4, 7, 12, 0)) is None
    assert tt.status(ldt(2026, 4, 8, 9, 0)) == "No upcoming opening times listed"
    # No Tuesday in the course is a bank holiday, so that goes unsaid.
    assert tt.describe() == "Tuesdays 10am to 12pm (from Tuesday 3 March to Tuesday 7 April)"


def test_course_over_a_bank_holiday_says_so() -> None:
    # Mondays 2 March to 13 April 2026 include Easter Monday 6 April.
    tt = weekly("MO", "10:00", "12:00", valid_from="2026-03-02", valid_to="2026-04-13")
    assert not tt.is_open(ldt(2026, 4, 6, 10, 30))
    assert tt.describe().endswith("; closed on bank holidays")


def test_open_ended_validity() -> None:
    starts = weekly("WE", "10:00", "12:00", valid_from="2026-03-11")
    assert starts.next_opening(ldt(2026, 3, 2, 9, 0)) == ldt(2026, 3, 11, 10, 0)
    assert "from Wednesday 11 March" in starts.describe()
    ends = weekly("WE", "10:00", "12:00", valid_to="2026-03-04")
    assert ends.is_open(ldt(2026, 3, 4, 10, 0))
    assert not ends.is_open(ldt(2026, 3, 11, 10, 0))
    assert "until Wednesday 4 March" in ends.describe()


# --------------------------------------------------------------------------
# Status and description strings
# --------------------------------------------------------------------------


def test_status_strings() -> None:
    tt = Timetable(
        (
            WeeklySession.from_rrule("MO", "12:00", "16:00"),
            WeeklySession.from_rrule("TH", "10:00", "12:00"),
        )
    )
    # Monday 2 March 2026, 1pm.
    assert tt.status(ldt(2026, 3, 2, 13, 0)) == "Open now until 4pm"
    # After closing on Monday: Thursday 5 March.
    assert tt.status(ldt(2026, 3, 2, 16, 0)) == "Next open: Thursday 5 March, 10am to 12pm"
    # The same instant in UTC.
    assert tt.status(udt(2026, 3, 2, 16, 0)) == "Next open: Thursday 5 March, 10am to 12pm"
    assert Timetable(()).status(ldt(2026, 3, 2, 13, 0)) == "Opening times not listed"
    assert Timetable((), always_open=True).status(ldt(2026, 3, 2)) == "Open 24 hours"


def test_describe() -> None:
    assert CAFE.describe() == (
        "Mondays and Wednesdays 10am to 12pm; Fridays 1pm to 3pm; closed on bank holidays"
    )
    assert Timetable(()).describe() == "Opening times not listed"
    weekdays = Timetable(
        (
            WeeklySession.from_rrule("SA", "10:00", "12:00"),
            WeeklySession.from_rrule("MO,TU,WE,TH,FR", "09:00", "17:00"),
        ),
        open_on_bank_holidays=True,
    )
    assert weekdays.describe() == "Monday to Friday, 9am to 5pm; Saturdays 10am to 12pm"
    split_day = Timetable(
        (
            WeeklySession.from_rrule("TU", "14:00", "16:00"),
            WeeklySession.from_rrule("TU", "09:30", "12:00"),
        ),
        open_on_bank_holidays=True,
    )
    assert split_day.describe() == "Tuesdays 9:30am to 12pm and 2pm to 4pm"
    assert (
        weekly("MO,WE,FR", "10:00", "12:00")
        .describe()
        .startswith("Mondays, Wednesdays and Fridays 10am to 12pm")
    )


# --------------------------------------------------------------------------
# Consistency over many instants, including both clock-change nights
# --------------------------------------------------------------------------

MIXED = Timetable(
    (
        WeeklySession.from_rrule("MO,WE", "10:00", "12:00"),
        WeeklySession.from_rrule("FR,SA", "22:00", "02:00"),
        WeeklySession.from_rrule("SU", "01:00", "03:00"),
        WeeklySession.from_rrule("SU", "00:30", "01:30"),
        WeeklySession.from_rrule("TH", "18:00", "00:00"),
        WeeklySession.from_rrule("TU", "09:00", "12:00"),
        WeeklySession.from_rrule("TU", "12:00", "13:00"),
    )
)

# Any second from Saturday 22 March 2025 to Monday 2 November 2026, UTC.
_SPAN_START = udt(2025, 3, 22)
_SPAN_SECONDS = int((udt(2026, 11, 2) - _SPAN_START).total_seconds())
_CLOCK_CHANGE_NIGHTS = [udt(2025, 3, 30), udt(2025, 10, 26), udt(2026, 3, 29), udt(2026, 10, 25)]


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    if draw(st.booleans()):
        night = draw(st.sampled_from(_CLOCK_CHANGE_NIGHTS))
        return night + timedelta(minutes=draw(st.integers(-180, 300)))
    return _SPAN_START + timedelta(seconds=draw(st.integers(0, _SPAN_SECONDS)))


@settings(derandomize=True, database=None, max_examples=400, deadline=None)
@given(instants())
def test_open_close_and_next_opening_agree(at: datetime) -> None:
    second = timedelta(seconds=1)
    london = at.astimezone(LONDON)
    assert MIXED.is_open(at) == MIXED.is_open(london)
    end = MIXED.current_session_end(at)
    if MIXED.is_open(at):
        assert end is not None and as_utc(end) > at
        assert MIXED.is_open(as_utc(end) - second)
        assert not MIXED.is_open(end)
    else:
        assert end is None
    start = MIXED.next_opening(at)
    assert start is not None and start.tzinfo == LONDON
    assert as_utc(start) > at
    assert MIXED.is_open(start)
    assert not MIXED.is_open(as_utc(start) - second)
    if not MIXED.is_open(at):
        # Closed all the way from `at` to the next opening: check a midpoint.
        assert not MIXED.is_open(at + (as_utc(start) - at) / 2)
    assert MIXED.next_opening(at) == MIXED.next_opening(london)
