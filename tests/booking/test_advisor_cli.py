"""`signpost advisors ...` and `signpost bookings ...` through the real typer app, on SQLite.

The commands read the clock through `utc_now`, fixed here so the output is the same every run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select
from typer.testing import CliRunner

import bot.booking.cli as booking_cli
from bot import runtime
from bot.booking.loader import load_advisors
from bot.booking.models import Advisor, AvailabilityException, Booking, WorkingHours
from bot.booking.service import book
from bot.cli import app
from bot.config import REPO_ROOT
from bot.db import session_scope
from tests.booking.conftest import LANDLINE, MOBILE, RULES, london, request, slot_at

NOW = london(2026, 6, 1, 9, 0)  # Monday 1 June 2026
ADVISORS_YML = REPO_ROOT / "resources" / "booking" / "advisors.yml"


@pytest.fixture
def cli(local_env: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(booking_cli, "utc_now", lambda: NOW)
    monkeypatch.setenv("COLUMNS", "200")  # rich tables: one line per row
    runtime.reset()
    return CliRunner()


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    return result.stdout if code == 0 else result.stderr


def hours_of(name: str) -> list[tuple[int, str, str, str | None]]:
    with session_scope(runtime.engine()) as session:
        advisor = session.execute(select(Advisor).where(Advisor.display_name == name)).scalar_one()
        return sorted((h.weekday, h.starts, h.ends, h.hub_id) for h in advisor.hours)


def test_load_list_add_hours_leave(cli: CliRunner) -> None:
    assert "Loaded 3 advisors" in run(cli, "advisors", "load")
    listing = run(cli, "advisors", "list")
    assert "Sam" in listing and "Priya" in listing and "Jordan" in listing
    assert "Mon 09:30-16:30 @loc-hub-walton" in listing
    assert "Tuesday 22 December at midnight to Saturday 2 January at midnight" not in listing
    assert "Monday 21 December at midnight" in listing  # Jordan's leave, from 00:00 on the 22nd

    assert run(cli, "advisors", "add", "Alex", "--modes", "phone,video") == (
        "Added advisor 4: Alex (phone, video).\n"
    )
    run(cli, "advisors", "hours", "4", "--days", "MO,WE", "--start", "09:30", "--end", "12:00")
    run(
        cli,
        "advisors",
        "hours",
        "4",
        "--days",
        "FR",
        "--start",
        "13:00",
        "--end",
        "16:00",
        "--hub",
        "loc-hub-bootle",
    )
    assert hours_of("Alex") == [
        (0, "09:30", "12:00", None),
        (2, "09:30", "12:00", None),
        (4, "13:00", "16:00", "loc-hub-bootle"),
    ]
    run(
        cli,
        "advisors",
        "hours",
        "4",
        "--days",
        "TU",
        "--start",
        "10:00",
        "--end",
        "11:00",
        "--replace",
    )
    assert hours_of("Alex") == [(1, "10:00", "11:00", None)]

    assert (
        run(
            cli,
            "advisors",
            "leave",
            "4",
            "--from",
            "2026-06-02 00:00",
            "--to",
            "2026-06-03 00:00",
            "--reason",
            "training",
        )
        == "Added training for advisor 4.\n"
    )
    with session_scope(runtime.engine()) as session:
        leave = session.execute(
            select(AvailabilityException).where(AvailabilityException.advisor_id == 4)
        ).scalar_one()
        # London wall-clock in, UTC stored: midnight BST is 23:00 UTC the day before.
        assert leave.starts_at == london(2026, 6, 2, 0, 0) and leave.reason == "training"
        assert leave.starts_at.hour == 23
    assert "Tuesday 2 June" not in run(cli, "advisors", "list").split("Alex")[0]


def test_cli_refuses_bad_input(cli: CliRunner) -> None:
    run(cli, "advisors", "load")
    assert "Modes must be from" in run(
        cli, "advisors", "add", "Kim", "--modes", "carrier pigeon", code=1
    )
    assert "No advisor with id 99" in run(
        cli, "advisors", "hours", "99", "--days", "MO", "--start", "09:00", "--end", "10:00", code=1
    )
    assert "No hub 'nowhere'" in run(
        cli,
        "advisors",
        "hours",
        "1",
        "--days",
        "MO",
        "--start",
        "09:00",
        "--end",
        "10:00",
        "--hub",
        "nowhere",
        code=1,
    )
    before = hours_of("Sam")
    for days, start, end in [
        ("MO", "930", "16:30"),
        ("MO", "09:30", "25:00"),
        ("MO", "16:30", "09:30"),
        ("XX", "09:30", "16:30"),
    ]:
        run(cli, "advisors", "hours", "1", "--days", days, "--start", start, "--end", end, code=1)
    assert hours_of("Sam") == before  # nothing half-saved that would break every slot lookup
    assert "No advisor with id 99" in run(
        cli, "advisors", "leave", "99", "--from", "2026-06-02 00:00", "--to", "2026-06-03", code=1
    )
    assert "--to must be after --from" in run(
        cli, "advisors", "leave", "1", "--from", "2026-06-03 09:00", "--to", "2026-06-02", code=1
    )
    assert "No booking NOPE2" in run(cli, "bookings", "cancel", "NOPE2", "--reason", "x", code=1)


def _book_two(engine) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    sam = 1
    first = book(engine, request(slot_at(sam, london(2026, 6, 2, 10, 0))), NOW, RULES, 2)
    second = book(
        engine,
        request(
            slot_at(sam, london(2026, 6, 2, 14, 30)),
            phone=LANDLINE,
            name="Jo",
            conversation_id="c2",
            call_safety="no_message",  # after a disclosure of abuse
        ),
        NOW,
        RULES,
        2,
    )
    return first.reference, second.reference


def test_bookings_list_cancel_export(cli: CliRunner, tmp_path: Path) -> None:
    run(cli, "advisors", "load")
    first, second = _book_two(runtime.engine())

    listing = run(cli, "bookings", "list", "--day", "2026-06-02")
    assert listing.index(first) < listing.index(second)
    assert "Tuesday 2 June at 10am" in listing and "Tuesday 2 June at 2:30pm" in listing
    assert MOBILE in listing and "2 booking(s)." in listing
    assert listing.count("do NOT leave a") == 1  # Jo's booking only (the column may wrap)
    assert "0 booking(s)." in run(cli, "bookings", "list", "--day", "2026-06-03")
    assert "2 booking(s)." in run(cli, "bookings", "list", "--week", "2026-06-04")
    assert "0 booking(s)." in run(cli, "bookings", "list", "--day", "2026-06-02", "--advisor", "2")

    assert run(cli, "bookings", "cancel", first.lower(), "--reason", "advisor ill") == (
        f"Cancelled {first} (Tuesday 2 June at 10am): advisor ill\n"
    )
    with session_scope(runtime.engine()) as session:
        row = session.execute(select(Booking).where(Booking.reference == first)).scalar_one()
        assert (row.status, row.cancel_reason, row.cancelled_at) == (
            "cancelled",
            "advisor ill",
            NOW,
        )
    assert "cancelled" in run(cli, "bookings", "list", "--day", "2026-06-02")

    out = tmp_path / "sam.ics"
    assert run(cli, "bookings", "export-ics", "1", "--out", str(out)) == (
        f"Wrote 1 booking(s) to {out}.\n"
    )
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"{second}@signpost-assistant"]
    assert events[0]["dtstart"].dt == london(2026, 6, 2, 14, 30)
    assert "Calls: do NOT leave a message or text" in str(events[0]["description"])
    run(cli, "bookings", "export-ics", "2", "--out", str(out))
    assert Calendar.from_ical(out.read_bytes()).walk("VEVENT") == []


def test_loader_is_idempotent(local_env: Path) -> None:
    engine = runtime.engine()

    def snapshot() -> list[tuple]:  # type: ignore[type-arg]
        with session_scope(engine) as session:
            advisors = session.execute(select(Advisor).order_by(Advisor.id)).scalars().all()
            return [
                (
                    a.id,
                    a.display_name,
                    a.modes,
                    a.active,
                    sorted((h.weekday, h.starts, h.ends, h.hub_id) for h in a.hours),
                    sorted((e.starts_at, e.ends_at, e.reason) for e in a.exceptions),
                )
                for a in advisors
            ]

    assert load_advisors(engine, ADVISORS_YML) == 3
    first = snapshot()
    assert load_advisors(engine, ADVISORS_YML) == 3
    assert snapshot() == first
    with session_scope(engine) as session:
        assert len(session.execute(select(WorkingHours)).scalars().all()) == 3 + 1 + 3 + 1 + 2 + 1
    sam = first[0]
    assert sam[1:4] == ("Sam", "phone,in_person,video", True)
    assert sam[4][0] == (0, "09:30", "16:30", "loc-hub-walton")
    jordan = first[2]
    assert jordan[5] == [(london(2026, 12, 22, 0, 0), london(2027, 1, 2, 0, 0), "leave")]
    assert isinstance(jordan[5][0][0], datetime)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ('{days: "MO", start: 9:30, end: 16:30}', "quote times"),  # YAML 1.1 reads 570
        ('{days: "MO", start: "16:30", end: "09:30"}', "must come after"),
        ('{days: "MO", start: "9", end: "16:30"}', "must look like 09:30"),
    ],
)
def test_loader_refuses_bad_hours(local_env: Path, hours: str, message: str) -> None:
    bad = local_env / "advisors.yml"
    bad.write_text(f"advisors:\n  - name: Kim\n    modes: [phone]\n    hours:\n      - {hours}\n")
    with pytest.raises(ValueError, match=message):
        load_advisors(runtime.engine(), bad)
    with session_scope(runtime.engine()) as session:
        assert session.execute(select(Advisor)).scalars().all() == []  # all or nothing


def test_loader_normalises_times(local_env: Path) -> None:
    good = local_env / "advisors.yml"
    good.write_text(
        "advisors:\n  - name: Kim\n    modes: [phone]\n    hours:\n"
        '      - {days: "MO,TU", start: "9.30", end: "12:00"}\n'
    )
    load_advisors(runtime.engine(), good)
    assert hours_of("Kim") == [(0, "09:30", "12:00", None), (1, "09:30", "12:00", None)]
