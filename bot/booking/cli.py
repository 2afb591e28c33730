"""The advisors' side: `signpost advisors ...` and `signpost bookings ...`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from bot import runtime
from bot.booking.availability import working_window
from bot.booking.call_safety import FOR_ADVISOR
from bot.booking.models import MODES, Advisor, AvailabilityException, Hub, WorkingHours
from bot.booking.service import NotFound, bookings_between, cancel_by_advisor, utc_now
from bot.booking.wording import MODE_NAMES
from bot.db import session_scope
from bot.schedule import LONDON, format_datetime, parse_byday

advisors_app = typer.Typer(help="Advisors, their hours and leave.", no_args_is_help=True)
bookings_app = typer.Typer(help="Bookings: list, cancel, export.", no_args_is_help=True)
console = Console()
# Minutes are enough for leave ("2026-12-22 09:00"); a date alone means its midnight.
LEAVE_FORMATS = [
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
]


def _advisor(session, advisor_id: int) -> Advisor:  # type: ignore[no-untyped-def]
    advisor = session.get(Advisor, advisor_id)
    if advisor is None:
        typer.echo(f"No advisor with id {advisor_id}.", err=True)
        raise typer.Exit(1)
    return advisor


@advisors_app.command("load")
def load_command(
    path: Path = typer.Option(
        None, help="Advisors YAML (default: resources/booking/advisors.yml)."
    ),
) -> None:
    """Load advisors, hours and hubs from YAML (safe to repeat)."""
    from bot.booking.loader import load_advisors

    source = path or runtime.settings().resources_dir / "booking" / "advisors.yml"
    count = load_advisors(runtime.engine(), source)
    typer.echo(f"Loaded {count} advisors from {source}.")


@advisors_app.command("add")
def add_command(
    name: str, modes: str = typer.Option("phone", help="Comma-separated: " + ",".join(MODES))
) -> None:
    """Add an advisor (first name only is fine)."""
    wanted = [m.strip() for m in modes.split(",") if m.strip()]
    if not wanted or set(wanted) - set(MODES):
        typer.echo(f"Modes must be from: {', '.join(MODES)}", err=True)
        raise typer.Exit(1)
    with session_scope(runtime.engine()) as session:
        advisor = Advisor(display_name=name, modes=",".join(wanted))
        session.add(advisor)
        session.flush()
        typer.echo(f"Added advisor {advisor.id}: {name} ({', '.join(wanted)}).")


@advisors_app.command("list")
def list_command() -> None:
    """Advisors with their weekly hours."""
    table = Table("id", "name", "modes", "weekly hours", "leave")
    with session_scope(runtime.engine()) as session:
        for advisor in session.execute(select(Advisor).order_by(Advisor.id)).scalars():
            days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
            hours = "; ".join(
                f"{days[h.weekday]} {h.starts}-{h.ends}" + (f" @{h.hub_id}" if h.hub_id else "")
                for h in sorted(advisor.hours, key=lambda h: (h.weekday, h.starts))
            )
            leave = "; ".join(
                f"{format_datetime(e.starts_at)} to {format_datetime(e.ends_at)}"
                for e in advisor.exceptions
            )
            table.add_row(str(advisor.id), advisor.display_name, advisor.modes, hours, leave)
    console.print(table)


@advisors_app.command("hours")
def hours_command(
    advisor_id: int,
    days: str = typer.Option(..., help="Days, e.g. MO,TU,WE"),
    start: str = typer.Option(..., help="Start, London time, e.g. 09:30"),
    end: str = typer.Option(..., help="End, e.g. 16:30"),
    hub: str = typer.Option(None, help="Hub id for in-person appointments"),
    replace: bool = typer.Option(False, help="Replace all existing weekly hours"),
) -> None:
    """Set weekly working hours."""
    try:
        start, end = working_window(start, end)
        weekdays = parse_byday(days)
    except ValueError as error:
        typer.echo(f"Hours not set: {error}.", err=True)
        raise typer.Exit(1) from None
    with session_scope(runtime.engine()) as session:
        advisor = _advisor(session, advisor_id)
        if hub and session.get(Hub, hub) is None:
            typer.echo(f"No hub {hub!r}.", err=True)
            raise typer.Exit(1)
        new = [WorkingHours(weekday=d, starts=start, ends=end, hub_id=hub) for d in weekdays]
        advisor.hours = new if replace else [*advisor.hours, *new]
    typer.echo(f"Hours set for advisor {advisor_id}.")


@advisors_app.command("leave")
def leave_command(
    advisor_id: int,
    start: datetime = typer.Option(
        ..., "--from", formats=LEAVE_FORMATS, help="Start, London time, e.g. 2026-12-22 09:00"
    ),
    end: datetime = typer.Option(..., "--to", formats=LEAVE_FORMATS, help="End, London time"),
    reason: str = typer.Option("leave"),
) -> None:
    """Add leave or training (no appointments between the two times)."""
    if end <= start:
        typer.echo("Leave not added: --to must be after --from.", err=True)
        raise typer.Exit(1)
    with session_scope(runtime.engine()) as session:
        advisor = _advisor(session, advisor_id)
        advisor.exceptions.append(
            AvailabilityException(
                starts_at=start.replace(tzinfo=LONDON),
                ends_at=end.replace(tzinfo=LONDON),
                reason=reason,
            )
        )
    typer.echo(f"Added {reason} for advisor {advisor_id}.")


def _range(day: date | None, week: date | None) -> tuple[datetime, datetime]:
    first = (
        week - timedelta(days=week.weekday())
        if week
        else (day or utc_now().astimezone(LONDON).date())
    )
    length = 7 if week else 1
    start = datetime.combine(first, time(0), tzinfo=LONDON)
    return start, datetime.combine(first + timedelta(days=length), time(0), tzinfo=LONDON)


@bookings_app.command("list")
def bookings_list_command(
    day: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="A day (default today)"),
    week: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="The week of this day"),
    advisor: int = typer.Option(None, help="Only this advisor"),
) -> None:
    """Bookings for a day or a week, as a table."""
    start, end = _range(day.date() if day else None, week.date() if week else None)
    rows = bookings_between(runtime.engine(), start, end, advisor)
    table = Table("when", "ref", "advisor", "how", "name", "phone", "calls", "about", "status")
    for b in rows:
        table.add_row(
            format_datetime(b.starts_at),
            b.reference,
            b.advisor_name,
            MODE_NAMES[b.mode] + (f" @ {b.hub_name}" if b.hub_name else ""),
            b.name or "",
            b.phone or "",
            FOR_ADVISOR.get(b.call_safety or "", ""),
            b.need or "",
            b.status,
        )
    console.print(table)
    typer.echo(f"{len(rows)} booking(s).")


@bookings_app.command("cancel")
def bookings_cancel_command(reference: str, reason: str = typer.Option(...)) -> None:
    """Cancel a booking with a reason."""
    try:
        view = cancel_by_advisor(runtime.engine(), reference, utc_now(), reason)
    except NotFound:
        typer.echo(f"No booking {reference}.", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Cancelled {view.reference} ({format_datetime(view.starts_at)}): {reason}")


@bookings_app.command("export-ics")
def export_ics_command(
    advisor_id: int,
    out: Path = typer.Option(..., help="Where to write the .ics file"),
    days: int = typer.Option(28, help="How many days ahead"),
) -> None:
    """Export an advisor's upcoming bookings as an iCalendar file."""
    from bot.booking.ics import bookings_calendar

    now = utc_now()
    with session_scope(runtime.engine()) as session:
        name = _advisor(session, advisor_id).display_name
    rows = bookings_between(
        runtime.engine(), now - timedelta(days=1), now + timedelta(days=days), advisor_id
    )
    out.write_bytes(bookings_calendar(name, rows, now))
    typer.echo(f"Wrote {len([r for r in rows if r.status == 'confirmed'])} booking(s) to {out}.")
