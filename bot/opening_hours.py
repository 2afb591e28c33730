"""Is anyone at the Wellbeing Hubs available now, and if not, when? (Pure domain, no Rasa.)

When someone asks to speak to a person while the hubs are closed, the assistant must say when
they open, offer a booking, and give the 24/7 options (docs/safety/hazard-log.md, HAZ-09:
someone waiting for a call that cannot come tonight).

Two sources of hours, both London wall-clock times, both closed on bank holidays in England:
- the hub phone line, the directory service `svc-hubs-phone-line` (its HSDS schedule rows, read
  through bot.schedule.Timetable, so clock changes and bank holidays are handled in one place);
- the advisors' weekly working hours (bot/booking/models.py), less their leave.

"Open now" means the phone line is open: that is how a person reaches someone straight away.
The advisors' hours are reported beside it, and stand in for the phone line when a deployment's
directory has no phone line entry.

`service_status` reads the database, so call it from a worker thread in async code (the
actions' `db()` helper does that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload

from bot.booking.models import Advisor
from bot.crisis import crisis_line
from bot.db import session_scope
from bot.directory.models import Schedule, Service
from bot.schedule import (
    LONDON,
    Timetable,
    WeeklySession,
    format_date,
    format_time,
    is_bank_holiday,
    parse_time,
)

__all__ = [
    "ALWAYS_OPEN_IDS",
    "HUB_PHONE_LINE_ID",
    "AdvisorWindow",
    "HubHours",
    "ServiceStatus",
    "always_open_options",
    "load_hub_hours",
    "out_of_hours_message",
    "service_status",
    "status_at",
]

HUB_PHONE_LINE_ID = "svc-hubs-phone-line"
# The 24/7 options given when nobody here can answer (entries of resources/crisis_lines.yml).
ALWAYS_OPEN_IDS = ("samaritans", "shout", "nhs_111_mental_health")
_HORIZON_DAYS = 35
_UTC = timezone.utc


@dataclass(frozen=True)
class AdvisorWindow:
    """One advisor's weekly working window, and that advisor's leave (UTC spans)."""

    weekday: int  # 0 = Monday
    starts: str  # "09:30", London wall-clock
    ends: str
    leave: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class HubHours:
    """Everything needed to answer "is anyone there?", read from the database once."""

    phone_line: Timetable | None  # None when the directory has no phone line entry
    phone_number: str | None
    phone_line_is_sample: bool  # a made-up demo entry: say so when showing its number
    advisors: tuple[AdvisorWindow, ...] = ()


@dataclass(frozen=True)
class ServiceStatus:
    """Whether the hubs can be reached now, and when next, at one moment."""

    at: datetime  # the moment asked about, London time
    open_now: bool  # the phone line is open (or, without one, an advisor is working)
    closes_at: datetime | None  # end of the current open stretch, if open
    next_opening: datetime | None  # the next opening, if closed (None: not known)
    phone_number: str | None
    phone_line_is_sample: bool
    bank_holiday: bool  # today is a bank holiday in England
    advisor_working_now: bool
    advisor_next_working: datetime | None  # if none is working now

    @property
    def known(self) -> bool:
        """True if we know any opening times at all."""
        return self.open_now or self.next_opening is not None


# --- reading the database ------------------------------------------------------------------


def load_hub_hours(engine: Engine) -> HubHours:
    """The phone line's timetable and number, and the active advisors' hours and leave."""
    with session_scope(engine) as session:
        service = session.get(Service, HUB_PHONE_LINE_ID)
        phone_line, number, sample = None, None, False
        if service is not None and service.status == "active":
            rows = list(
                session.execute(
                    select(Schedule).where(Schedule.service_id == HUB_PHONE_LINE_ID)
                ).scalars()
            )
            # Service-wide rows describe the line itself; location rows only if there are none.
            own = [r for r in rows if r.service_at_location_id is None] or rows
            phone_line = Timetable(
                sessions=tuple(
                    WeeklySession.from_rrule(
                        r.byday,
                        r.opens_at,
                        r.closes_at,
                        valid_from=r.valid_from,
                        valid_to=r.valid_to,
                        description=r.description,
                    )
                    for r in own
                ),
                always_open=service.always_open,
                open_on_bank_holidays=service.open_on_bank_holidays,
            )
            numbers = [p.number for c in service.contacts for p in c.phones]
            number, sample = (numbers[0] if numbers else None), bool(service.sample)
        advisors = session.execute(
            select(Advisor)
            .where(Advisor.active.is_(True))
            .options(selectinload(Advisor.hours), selectinload(Advisor.exceptions))
        ).scalars()
        windows = tuple(
            AdvisorWindow(
                h.weekday,
                h.starts,
                h.ends,
                tuple(
                    (e.starts_at.astimezone(_UTC), e.ends_at.astimezone(_UTC))
                    for e in advisor.exceptions
                ),
            )
            for advisor in advisors
            for h in advisor.hours
        )
    return HubHours(phone_line, number, sample, windows)


def service_status(engine: Engine, now: datetime) -> ServiceStatus:
    """Whether the hub phone line and advisors are available at `now` (aware), and when next."""
    return status_at(load_hub_hours(engine), now)


# --- working it out ------------------------------------------------------------------------


def status_at(hours: HubHours, now: datetime) -> ServiceStatus:
    """The status at the aware moment `now`, from hours already read."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")
    working_now, next_working = _advisors_at(hours.advisors, now)
    line = hours.phone_line
    if line is not None and line.has_times:
        open_now = line.is_open(now)
        closes_at = line.current_session_end(now) if open_now else None
        next_opening = None if open_now else line.next_opening(now, _HORIZON_DAYS)
    else:  # no phone line listed: the advisors' hours are the best we know
        open_now, next_opening = working_now, next_working
        closes_at = None
    return ServiceStatus(
        at=now.astimezone(LONDON),
        open_now=open_now,
        closes_at=closes_at,
        next_opening=next_opening,
        phone_number=hours.phone_number,
        phone_line_is_sample=hours.phone_line_is_sample,
        bank_holiday=is_bank_holiday(now.astimezone(LONDON).date()),
        advisor_working_now=working_now,
        advisor_next_working=None if working_now else next_working,
    )


def _advisors_at(windows: tuple[AdvisorWindow, ...], now: datetime) -> tuple[bool, datetime | None]:
    """Is an advisor working at `now`; else when does the next one start (London time)."""
    u = now.astimezone(_UTC)
    today = u.astimezone(LONDON).date()
    sessions = [
        (w, WeeklySession((w.weekday,), parse_time(w.starts), parse_time(w.ends))) for w in windows
    ]
    working, earliest = False, None
    for offset in range(_HORIZON_DAYS + 1):
        day = today + timedelta(days=offset)
        if is_bank_holiday(day):
            continue
        for w, weekly in sessions:
            span = weekly.span_on(day) if weekly.runs_on(day) else None
            if span is None:
                continue
            for start, end in _minus_leave(span, w.leave):
                if start <= u < end:
                    working = True
                elif start > u and (earliest is None or start < earliest):
                    earliest = start
        if working:
            return True, None
        if earliest is not None:  # days are in order, so the first day with a start wins
            return False, earliest.astimezone(LONDON)
    return False, None


def _minus_leave(
    span: tuple[datetime, datetime], leave: tuple[tuple[datetime, datetime], ...]
) -> list[tuple[datetime, datetime]]:
    """The parts of `span` outside every leave period."""
    parts = [span]
    for off_start, off_end in leave:
        kept = []
        for start, end in parts:
            if off_end <= start or end <= off_start:
                kept.append((start, end))
                continue
            if start < off_start:
                kept.append((start, off_start))
            if off_end < end:
                kept.append((off_end, end))
        parts = kept
    return parts


# --- words ---------------------------------------------------------------------------------


def _when(now: datetime, at: datetime) -> str:
    """'today at 9am', 'tomorrow at 9am', 'on Monday at 9am', 'on Tuesday 29 December at 9am'."""
    local, today = at.astimezone(LONDON), now.astimezone(LONDON).date()
    days = (local.date() - today).days
    clock = format_time(local.time())
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if 1 < days < 7 and not _bank_holiday_between(today, local.date()):
        return f"on {format_date(local.date()).split()[0]} at {clock}"
    return f"on {format_date(local.date())} at {clock}"


def _bank_holiday_between(first: date, last: date) -> bool:
    # A bare weekday name after a bank holiday reads as a mistake ("on Tuesday" - which?).
    day = first + timedelta(days=1)
    while day < last:
        if is_bank_holiday(day):
            return True
        day += timedelta(days=1)
    return False


def always_open_options() -> str:
    """The 24/7 numbers, one a line, from the crisis numbers data (no number is written here)."""
    lines = []
    for line_id in ALWAYS_OPEN_IDS:
        line = crisis_line(line_id)
        purpose = " for urgent mental health help" if line_id == "nhs_111_mental_health" else ""
        lines.append(f"- {line.name}: {line.action}{purpose} ({line.availability})")
    emergency = crisis_line("emergency_999")
    return (
        "If you need to talk to someone now:\n"
        + "\n".join(lines)
        + f"\nIf you're in danger right now, {emergency.action}."
    )


def out_of_hours_message(status: ServiceStatus, *, ask: bool = True) -> str:
    """What to say when someone asks to speak to a person: when the hubs open, an offer to
    book, and the 24/7 options. Safe to call while open too (it then says so).

    With `ask=False` the offer is a statement, for when the booking questions follow at once.
    """
    number = ""
    if status.phone_number:
        number = f" The number is {status.phone_number}"
        number += " (a made-up number for this demo)." if status.phone_line_is_sample else "."
    if status.open_now:
        until = f" until {format_time(status.closes_at.time())}" if status.closes_at else ""
        first = f"The Wellbeing Hubs phone line is open now{until}.{number}"
        offer = "Or I can book you a call with an advisor at a time that suits you."
    else:
        if status.bank_holiday:
            first = "The Wellbeing Hubs phone line is closed today for the bank holiday."
        else:
            first = "The Wellbeing Hubs phone line is closed now."
        if status.next_opening is not None:
            first += f" It opens again {_when(status.at, status.next_opening)}.{number}"
        else:
            first += " I don't have its next opening time."
        offer = "I can book you a call with an advisor at a time that suits you."
    question = " Would you like to do that?" if ask else ""
    return f"{first}\n\n{offer}{question}\n\n{always_open_options()}"
