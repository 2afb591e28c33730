"""Free appointment slots: advisors' weekly hours, less leave, bank holidays and bookings.

Working hours are London wall-clock times, so a 09:30 start is 09:30 on both sides of a
clock change; slots are generated per local day and converted to UTC. Nothing is offered
in the past, sooner than the minimum notice, or beyond the booking horizon.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.booking.models import Advisor, Booking
from bot.schedule import LONDON, is_bank_holiday, parse_time


@dataclass(frozen=True)
class SlotRules:
    slot_minutes: int = 30
    min_notice: timedelta = timedelta(hours=2)
    horizon_days: int = 21


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    advisor_id: int
    hub_id: str | None

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(LONDON)


def _parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def working_window(start: object, end: object) -> tuple[str, str]:
    """Weekly hours checked and written one way: ("9:30", "16:30") -> ("09:30", "16:30").

    Raises ValueError for anything else, since one bad row would break every slot lookup.
    """
    try:
        opens, closes = parse_time(str(start)), parse_time(str(end))
    except ValueError:
        raise ValueError(f"times must look like 09:30, not {start!r} to {end!r}") from None
    if closes <= opens:
        raise ValueError(f"the end ({end}) must come after the start ({start}) on the same day")
    return opens.strftime("%H:%M"), closes.strftime("%H:%M")


def _local(day: date, at: time) -> datetime:
    """A London wall-clock time as an aware UTC datetime (fold=0 on the repeated hour)."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(timezone.utc)


def _overlaps(start: datetime, end: datetime, busy: Iterable[tuple[datetime, datetime]]) -> bool:
    return any(start < b_end and b_start < end for b_start, b_end in busy)


def free_slots(
    session: Session,
    mode: str,
    now: datetime,
    rules: SlotRules,
    hub_id: str | None = None,
    on_day: date | None = None,
    not_before: datetime | None = None,
    limit: int | None = None,
    advisor_id: int | None = None,
) -> list[Slot]:
    """Free slots for `mode` (and `hub_id` for in-person), earliest first, one per start time.

    `on_day` keeps to one London day; `not_before` skips slots starting earlier;
    `advisor_id` keeps to one advisor.
    """
    earliest = now + rules.min_notice
    if not_before is not None:
        earliest = max(earliest, not_before)
    today = now.astimezone(LONDON).date()
    horizon = today + timedelta(days=rules.horizon_days)
    days = (
        [on_day] if on_day else [today + timedelta(days=n) for n in range(rules.horizon_days + 1)]
    )
    days = [d for d in days if today <= d <= horizon and not is_bank_holiday(d)]
    if not days:
        return []
    window_start = _local(days[0], time(0))
    window_end = _local(days[-1], time(23, 59))

    query = (
        select(Advisor)
        .options(selectinload(Advisor.hours), selectinload(Advisor.exceptions))
        .where(Advisor.active.is_(True))
        .order_by(Advisor.id)
    )
    if advisor_id is not None:
        query = query.where(Advisor.id == advisor_id)
    advisors = session.execute(query).scalars().all()
    booked: dict[int, list[tuple[datetime, datetime]]] = {}
    for advisor_id, starts_at, ends_at in session.execute(
        select(Booking.advisor_id, Booking.starts_at, Booking.ends_at).where(
            Booking.status == "confirmed",
            Booking.starts_at < window_end + timedelta(days=1),
            Booking.ends_at > window_start,
        )
    ):
        booked.setdefault(advisor_id, []).append((starts_at, ends_at))

    length = timedelta(minutes=rules.slot_minutes)
    by_start: dict[datetime, Slot] = {}
    for advisor in advisors:
        if mode not in advisor.mode_list:
            continue
        busy = booked.get(advisor.id, []) + [(e.starts_at, e.ends_at) for e in advisor.exceptions]
        for day in days:
            for hours in advisor.hours:
                if hours.weekday != day.weekday():
                    continue
                if mode == "in_person" and (hours.hub_id is None or hours.hub_id != hub_id):
                    continue
                start = _local(day, _parse_hhmm(hours.starts))
                end_of_window = _local(day, _parse_hhmm(hours.ends))
                while start + length <= end_of_window:
                    end = start + length
                    if start >= earliest and not _overlaps(start, end, busy):
                        hub = hours.hub_id if mode == "in_person" else None
                        # Lowest advisor id wins a shared time: stable and fair enough.
                        by_start.setdefault(start, Slot(start, end, advisor.id, hub))
                    start = end
    slots = sorted(by_start.values())
    return slots[:limit] if limit else slots


def next_free_day(
    session: Session,
    mode: str,
    now: datetime,
    rules: SlotRules,
    after: date,
    hub_id: str | None = None,
) -> date | None:
    """The first London day after `after` with any free slot."""
    later = free_slots(
        session,
        mode,
        now,
        rules,
        hub_id=hub_id,
        not_before=_local(after + timedelta(days=1), time(0)),
        limit=1,
    )
    return later[0].local_start.date() if later else None


# How long an offered slot stays bookable while the person finishes the conversation: the
# notice period is shortened by this much (never below nothing) when it is booked.
OFFER_GRACE = timedelta(minutes=30)


def still_offered(session: Session, slot: Slot, mode: str, now: datetime, rules: SlotRules) -> bool:
    """Whether `slot` may be booked now: the advisor still works then (in that mode, at that
    hub), is not on leave or booked, it is no bank holiday, and it has not started.

    A slot comes back from the conversation some minutes after it was offered (or made up), so
    it is checked again against this advisor's own slots, not the one-per-time list.
    """
    notice = max(rules.min_notice - OFFER_GRACE, timedelta(0))
    lenient = replace(rules, min_notice=notice)
    day = slot.local_start.date()
    mine = free_slots(
        session, mode, now, lenient, hub_id=slot.hub_id, on_day=day, advisor_id=slot.advisor_id
    )
    return slot in mine
