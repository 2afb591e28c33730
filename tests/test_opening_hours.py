"""Out of hours (bot/opening_hours.py): is the hub phone line open, when next, and what to say.

On the shipped sample directory and advisors (phone line Monday to Friday 9am to 5pm and
Saturday 10am to 1pm, closed on bank holidays), at fixed London times.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine

from bot.booking.loader import load_advisors
from bot.config import REPO_ROOT
from bot.crisis import crisis_line
from bot.db import get_engine
from bot.directory.loader import load_directory
from bot.geography import Gazetteer
from bot.opening_hours import (
    ALWAYS_OPEN_IDS,
    AdvisorWindow,
    HubHours,
    ServiceStatus,
    out_of_hours_message,
    service_status,
    status_at,
)
from bot.schedule import LONDON


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    db = get_engine(f"sqlite:///{tmp_path_factory.mktemp('hours') / 'signpost.db'}")
    load_directory(db, REPO_ROOT / "resources" / "directory", Gazetteer.load())
    load_advisors(db, REPO_ROOT / "resources" / "booking" / "advisors.yml")
    yield db
    db.dispose()


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _has_the_24_7_options(message: str) -> None:
    for line_id in (*ALWAYS_OPEN_IDS, "emergency_999"):
        line = crisis_line(line_id)
        assert line.action in message, f"{line.name} missing"
    assert "any time" in message


def test_a_weekday_morning_is_open(engine: Engine) -> None:
    status = service_status(engine, london(2026, 12, 1, 11, 0))  # a Tuesday
    assert status.open_now and status.known
    assert status.closes_at == london(2026, 12, 1, 17, 0)
    assert status.next_opening is None
    assert status.advisor_working_now
    message = out_of_hours_message(status)
    assert message.startswith("The Wellbeing Hubs phone line is open now until 5pm.")
    assert "0151 496 0100 (a made-up number for this demo)" in message
    assert "book you a call with an advisor" in message
    _has_the_24_7_options(message)


def test_a_weekday_evening_is_closed_until_nine_tomorrow(engine: Engine) -> None:
    status = service_status(engine, london(2026, 12, 1, 20, 0))
    assert not status.open_now
    assert status.next_opening == london(2026, 12, 2, 9, 0)
    assert not status.advisor_working_now
    assert status.advisor_next_working == london(2026, 12, 2, 9, 30)  # Sam, Wednesday
    message = out_of_hours_message(status)
    assert message.startswith(
        "The Wellbeing Hubs phone line is closed now. It opens again tomorrow at 9am."
    )
    assert "I can book you a call with an advisor" in message
    assert "Would you like to do that?" in message
    _has_the_24_7_options(message)


def test_the_offer_can_be_a_statement_when_the_booking_questions_follow(engine: Engine) -> None:
    status = service_status(engine, london(2026, 12, 1, 20, 0))
    message = out_of_hours_message(status, ask=False)
    assert "I can book you a call with an advisor at a time that suits you." in message
    assert "?" not in message
    _has_the_24_7_options(message)


def test_after_midnight_it_opens_today(engine: Engine) -> None:
    status = service_status(engine, london(2026, 12, 2, 0, 30))
    assert status.next_opening == london(2026, 12, 2, 9, 0)
    assert "It opens again today at 9am." in out_of_hours_message(status)


def test_saturday_morning_is_open_and_saturday_afternoon_is_closed(engine: Engine) -> None:
    morning = service_status(engine, london(2026, 11, 28, 11, 0))
    assert morning.open_now and morning.closes_at == london(2026, 11, 28, 13, 0)
    assert morning.advisor_working_now  # Jordan, Saturdays 10am to 12pm
    afternoon = service_status(engine, london(2026, 11, 28, 15, 0))
    assert not afternoon.open_now
    assert afternoon.next_opening == london(2026, 11, 30, 9, 0)
    assert "It opens again on Monday at 9am." in out_of_hours_message(afternoon)


def test_christmas_day_is_closed_until_after_boxing_day(engine: Engine) -> None:
    # 2026: Christmas is a Friday; Boxing Day is Saturday, observed on Monday 28 December.
    status = service_status(engine, london(2026, 12, 25, 11, 0))
    assert not status.open_now and status.bank_holiday
    assert status.next_opening == london(2026, 12, 29, 9, 0)
    # Jordan works Tuesday mornings from 9am but is on leave until 2 January: Sam, at 9:30.
    assert status.advisor_next_working == london(2026, 12, 29, 9, 30)
    message = out_of_hours_message(status)
    assert message.startswith(
        "The Wellbeing Hubs phone line is closed today for the bank holiday. "
        "It opens again on Tuesday 29 December at 9am."
    )
    _has_the_24_7_options(message)


def test_across_the_spring_clock_change(engine: Engine) -> None:
    status = service_status(engine, london(2026, 3, 29, 12, 0))  # a Sunday, clocks went forward
    assert status.next_opening == london(2026, 3, 30, 9, 0)
    assert status.next_opening.utcoffset().total_seconds() == 3600  # 9am BST


def test_easter_monday_is_skipped(engine: Engine) -> None:
    status = service_status(engine, london(2027, 3, 28, 12, 0))  # Easter Sunday 2027
    assert status.next_opening == london(2027, 3, 30, 9, 0)
    assert "It opens again on Tuesday 30 March at 9am." in out_of_hours_message(status)


def test_without_a_phone_line_the_advisors_hours_stand_in() -> None:
    hours = HubHours(None, None, False, (AdvisorWindow(0, "10:00", "12:00"),))
    monday_11 = status_at(hours, london(2026, 11, 30, 11, 0))
    assert monday_11.open_now
    monday_13 = status_at(hours, london(2026, 11, 30, 13, 0))
    assert not monday_13.open_now and monday_13.next_opening == london(2026, 12, 7, 10, 0)
    message = out_of_hours_message(monday_13)
    assert "It opens again on Monday 7 December at 10am." in message
    assert "The number is" not in message  # none listed


def test_leave_covering_the_start_moves_the_next_opening_to_its_end() -> None:
    leave = ((london(2026, 11, 30, 9, 0), london(2026, 11, 30, 11, 0)),)
    hours = HubHours(None, None, False, (AdvisorWindow(0, "10:00", "12:00", leave),))
    status = status_at(hours, london(2026, 11, 30, 8, 0))
    assert status.next_opening == london(2026, 11, 30, 11, 0)


def test_with_no_hours_known_it_still_offers_a_booking_and_the_24_7_options() -> None:
    status = status_at(HubHours(None, None, False), london(2026, 12, 1, 11, 0))
    assert not status.open_now and not status.known
    message = out_of_hours_message(status)
    assert "I don't have its next opening time." in message
    assert "book you a call" in message
    _has_the_24_7_options(message)


def test_a_time_without_a_zone_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError):
        service_status(engine, datetime(2026, 12, 1, 11, 0))


def test_the_status_is_reported_in_london_time(engine: Engine) -> None:
    from datetime import timezone

    status = service_status(engine, datetime(2026, 7, 1, 8, 30, tzinfo=timezone.utc))
    assert isinstance(status, ServiceStatus)
    assert status.at == london(2026, 7, 1, 9, 30) and status.open_now  # 9:30 BST
