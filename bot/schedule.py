"""Opening hours and sessions in Europe/London time.

Services in the directory carry Open Referral UK (HSDS 3.0) ``schedule`` rows:
``freq`` (WEEKLY), ``byday`` ("MO,WE"), ``opens_at`` / ``closes_at`` (local
wall-clock times), ``valid_from`` / ``valid_to`` (dates) and a ``description``.
This module turns them into a :class:`Timetable` that can answer "is it open
now?", "when does it next open?" and say so in plain English.

Rules, in one place:

* Times are London wall-clock times on both sides of a clock change: a
  "10am to 12pm on Sundays" session is 10am to 12pm whatever the offset.
* Each occurrence of a session becomes a span of real time ``[start, end)``:
  opening is inclusive, closing is exclusive.  A wall-clock time is placed at
  the *first instant the London clock reads that time or later*.  So on the
  spring-forward night a time inside the missing hour (01:00-01:59) moves to
  02:00 BST, and on the fall-back night a repeated time (01:00-01:59) means its
  first (BST) occurrence.  Nothing ever raises for such times; an occurrence
  that shrinks to nothing (e.g. 01:15 to 01:45 on spring-forward night) is
  skipped.
* ``closes_at`` of 00:00 means midnight at the end of the day; ``closes_at``
  earlier than ``opens_at`` means overnight into the next day; ``closes_at``
  equal to ``opens_at`` means 24 hours from ``opens_at``.
* Bank holidays (England) close a service all day unless
  ``open_on_bank_holidays``.  The bank-holiday test, like ``valid_from`` /
  ``valid_to`` (both inclusive), applies to the day an occurrence *starts*: an
  overnight session starting the evening before a bank holiday still runs.
* ``always_open`` (24/7) ignores sessions and bank holidays.
* All comparisons are done in UTC (Python compares two datetimes that share a
  tzinfo by wall time, ignoring ``fold``, which is wrong on fall-back night).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

UTC = timezone.utc

__all__ = [
    "LONDON",
    "Timetable",
    "WeeklySession",
    "format_date",
    "format_datetime",
    "format_time",
    "format_time_range",
    "is_bank_holiday",
    "now_london",
    "parse_byday",
    "parse_time",
]

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

MIDNIGHT = time(0, 0)
_ONE_DAY = timedelta(days=1)
# How far current_session_end follows back-to-back sessions before giving up.
_CHAIN_LIMIT_DAYS = 366

_TIME_RE = re.compile(
    r"^\s*(\d{1,2})[:.](\d{2})(?::(\d{2})(?:\.\d+)?)?\s*"
    r"(?:Z|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------
# Bank holidays
# --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays for one year (offline, from `holidays`)."""
    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    """True if ``day`` is a bank holiday in England.

    Uses the ``holidays`` package as it stands, so a holiday that falls on a
    weekend counts on the day itself as well as on its substitute weekday
    (e.g. Saturday 26 and Monday 28 December 2026).
    """
    if isinstance(day, datetime):
        day = day.date()
    return day in _bank_holidays(day.year)


# --------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------


def format_time(t: time) -> str:
    """``10am``, ``10:30am``, ``12pm`` (noon), ``12:30am``, ``midnight``."""
    if t.hour == 0 and t.minute == 0:
        return "midnight"
    hour12 = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    if t.minute:
        return f"{hour12}:{t.minute:02d}{suffix}"
    return f"{hour12}{suffix}"


def format_time_range(opens_at: time, closes_at: time) -> str:
    """``10am to 12pm``; ``10pm to 2am``; ``24 hours``; ``24 hours from 9am``."""
    if opens_at == closes_at:
        if opens_at == MIDNIGHT:
            return "24 hours"
        return f"24 hours from {format_time(opens_at)}"
    return f"{format_time(opens_at)} to {format_time(closes_at)}"


def format_date(d: date, *, with_year: bool = False) -> str:
    """``Tuesday 3 March`` (or ``Tuesday 3 March 2026`` with ``with_year``)."""
    text = f"{DAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]}"
    return f"{text} {d.year}" if with_year else text


def format_datetime(dt: datetime, *, with_year: bool = False) -> str:
    """``Tuesday 3 March at 10:30am`` in London local time.

    An aware ``dt`` is converted to London time; a naive one is taken to be
    London wall-clock time already.  Exactly 00:00 is written as midnight at
    the end of the previous day ("Monday 2 March at midnight"), which is how
    people read "at midnight".
    """
    local = dt.astimezone(LONDON) if dt.tzinfo is not None else dt
    day = local.date()
    if local.time() == MIDNIGHT:
        day -= _ONE_DAY
    return f"{format_date(day, with_year=with_year)} at {format_time(local.time())}"


def now_london() -> datetime:
    """The current time, aware, in Europe/London."""
    return datetime.now(LONDON)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


def parse_time(value: str | time) -> time:
    """Parse ``"10:00"``, ``"10:00:00"``, ``"9.30"``, ``"24:00"`` (= midnight).

    Any UTC offset in the text is ignored: HSDS times are local wall-clock
    times and are always read as London time.
    """
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    match = _TIME_RE.match(str(value))
    if not match:
        raise ValueError(f"not a time: {value!r}")
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    if hour == 24 and minute == 0 and second == 0:
        return MIDNIGHT
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"not a time: {value!r}")
    return time(hour, minute, second)


def parse_byday(byday: str) -> tuple[int, ...]:
    """``"MO,WE"`` -> ``(0, 2)``.  Ordinals (``"1MO"``) are not weekly; rejected."""
    days: set[int] = set()
    for raw in re.split(r"[,\s]+", byday.strip()):
        if not raw:
            continue
        code = raw.upper()
        if code not in DAY_CODES:
            raise ValueError(f"not a weekly BYDAY value: {raw!r} in {byday!r}")
        days.add(DAY_CODES.index(code))
    return tuple(sorted(days))


def _parse_date(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


# --------------------------------------------------------------------------
# Wall-clock -> real time
# --------------------------------------------------------------------------


def _wall(u: datetime) -> datetime:
    """London wall-clock (naive) reading at the UTC instant ``u``."""
    return u.astimezone(LONDON).replace(tzinfo=None)


@lru_cache(maxsize=4096)
def _resolve(day: date, t: time) -> datetime:
    """First UTC instant at which the London clock reads ``day t`` or later."""
    naive = datetime.combine(day, t)
    first = naive.replace(tzinfo=LONDON, fold=0).astimezone(UTC)
    if _wall(first) == naive:
        # Normal time, or the first of a repeated (fall-back) pair.
        return first
    # Inside a spring-forward gap: binary-search the transition instant, in
    # whole seconds, between a reading before it and one after it.
    lo = int(naive.replace(tzinfo=LONDON, fold=1).astimezone(UTC).timestamp())
    hi = int(first.timestamp()) + 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _wall(datetime.fromtimestamp(mid, UTC)) >= naive:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def _as_utc(at: datetime, name: str = "at") -> datetime:
    if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
        raise ValueError(f"{name} must be timezone-aware, got {at!r}")
    return at.astimezone(UTC)


def _local_date(u: datetime) -> date:
    return u.astimezone(LONDON).date()


# --------------------------------------------------------------------------
# Sessions and timetables
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklySession:
    """One weekly HSDS schedule row: these days, from this time to that."""

    days: tuple[int, ...]  # 0=Monday .. 6=Sunday
    opens_at: time
    closes_at: time  # 00:00 = midnight; earlier than opens_at = overnight
    valid_from: date | None = None
    valid_to: date | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        days = tuple(sorted(set(self.days)))
        if any(d not in range(7) for d in days):
            raise ValueError(f"days must be 0 (Monday) to 6 (Sunday): {self.days!r}")
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "opens_at", self.opens_at.replace(tzinfo=None))
        object.__setattr__(self, "closes_at", self.closes_at.replace(tzinfo=None))
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")

    @classmethod
    def from_rrule(
        cls,
        byday: str,
        opens_at: str | time,
        closes_at: str | time,
        *,
        valid_from: date | str | None = None,
        valid_to: date | str | None = None,
        description: str | None = None,
    ) -> WeeklySession:
        """Build from HSDS text: ``from_rrule("MO,WE", "10:00", "12:00")``."""
        return cls(
            days=parse_byday(byday),
            opens_at=parse_time(opens_at),
            closes_at=parse_time(closes_at),
            valid_from=_parse_date(valid_from),
            valid_to=_parse_date(valid_to),
            description=description or None,
        )

    @property
    def overnight(self) -> bool:
        """True if an occurrence ends on the following day."""
        return self.closes_at <= self.opens_at

    def runs_on(self, day: date) -> bool:
        """True if an occurrence starts on ``day`` (ignoring bank holidays)."""
        if day.weekday() not in self.days:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to

    def span_on(self, day: date) -> tuple[datetime, datetime] | None:
        """The UTC ``[start, end)`` of the occurrence starting on ``day``."""
        start = _resolve(day, self.opens_at)
        end_day = day + _ONE_DAY if self.overnight else day
        end = _resolve(end_day, self.closes_at)
        return (start, end) if end > start else None


@dataclass(frozen=True)
class Timetable:
    """All the opening times of one service."""

    sessions: tuple[WeeklySession, ...] = field(default_factory=tuple)
    always_open: bool = False  # 24/7
    open_on_bank_holidays: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "sessions", tuple(self.sessions))

    # ---- construction -----------------------------------------------------

    @classmethod
    def from_hsds(
        cls,
        schedules: Iterable[Mapping[str, Any]],
        *,
        always_open: bool = False,
        open_on_bank_holidays: bool = False,
    ) -> Timetable:
        """Build from HSDS ``schedule`` rows (dicts).

        Rows that are not weekly, or lack ``byday`` / ``opens_at`` /
        ``closes_at``, or cannot be parsed, are skipped with a warning rather
        than breaking the conversation.
        """
        sessions: list[WeeklySession] = []
        for row in schedules:
            freq = str(row.get("freq") or "WEEKLY").upper()
            if freq != "WEEKLY":
                log.warning("skipping schedule row with freq %r: %r", freq, row)
                continue
            try:
                sessions.append(
                    WeeklySession.from_rrule(
                        str(row["byday"]),
                        row["opens_at"],
                        row["closes_at"],
                        valid_from=row.get("valid_from"),
                        valid_to=row.get("valid_to"),
                        description=row.get("description"),
                    )
                )
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("skipping schedule row %r: %s", row, exc)
        return cls(
            sessions=tuple(sessions),
            always_open=always_open,
            open_on_bank_holidays=open_on_bank_holidays,
        )

    # ---- occurrences ------------------------------------------------------

    @property
    def has_times(self) -> bool:
        """True if there is anything to say about opening times."""
        return self.always_open or bool(self.sessions)

    def _spans_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """UTC spans of occurrences starting on ``day``, sorted by start."""
        if not self.open_on_bank_holidays and is_bank_holiday(day):
            return []
        spans = [
            span for s in self.sessions if s.runs_on(day) and (span := s.span_on(day)) is not None
        ]
        return sorted(spans)

    def _spans_from(self, first_day: date, last_day: date) -> Iterator[tuple[datetime, datetime]]:
        """Spans starting on ``first_day`` .. ``last_day``, in start order.

        Starts on an earlier day are always earlier instants, so going day by
        day and sorting within a day gives a globally sorted stream.
        """
        day = first_day
        while day <= last_day:
            yield from self._spans_on(day)
            day += _ONE_DAY

    # ---- questions --------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """True if the service is open at the aware instant ``at``."""
        u = _as_utc(at)
        if self.always_open:
            return True
        today = _local_date(u)
        return any(start <= u < end for start, end in self._spans_from(today - _ONE_DAY, today))

    def current_session_end(self, at: datetime) -> datetime | None:
        """When the service next closes, if it is open at ``at`` (London time).

        Back-to-back or overlapping sessions count as one stretch (9am to 12pm
        then 12pm to 5pm closes at 5pm).  ``None`` if closed, or if 24/7.
        """
        u = _as_utc(at)
        if self.always_open or not self.is_open(u):
            return None
        today = _local_date(u)
        end: datetime | None = None
        spans = self._spans_from(today - _ONE_DAY, today + timedelta(days=_CHAIN_LIMIT_DAYS))
        for start, stop in spans:
            if end is None:
                if start > u:
                    return None
                if start <= u < stop:
                    end = stop
            elif start <= end:
                end = max(end, stop)
            else:
                break
        return end.astimezone(LONDON) if end is not None else None

    def next_opening(self, after: datetime, horizon_days: int = 35) -> datetime | None:
        """The next time strictly after ``after`` that the service opens.

        This is the start of the next session, except that a session which
        starts exactly as (or while) another is running is not an "opening".
        Looks ``horizon_days`` London days ahead; ``None`` if nothing found or
        the service is 24/7.  Returned in London time.
        """
        u = _as_utc(after, "after")
        if self.always_open:
            return None
        today = _local_date(u)
        covered: datetime | None = None  # latest end of any span seen so far
        for start, stop in self._spans_from(today - _ONE_DAY, today + timedelta(days=horizon_days)):
            if start > u and (covered is None or start > covered):
                return start.astimezone(LONDON)
            covered = stop if covered is None else max(covered, stop)
        return None

    # ---- words ------------------------------------------------------------

    def status(self, now: datetime) -> str:
        """One short line about now: open until when, or when it next opens."""
        if self.always_open:
            return "Open 24 hours"
        if not self.sessions:
            return "Opening times not listed"
        end = self.current_session_end(now)
        if end is not None:
            return f"Open now until {_until(_as_utc(now), end)}"
        start = self.next_opening(now)
        if start is None:
            return "No upcoming opening times listed"
        stop = self.current_session_end(start)
        # People read "today" and "tomorrow" faster than a date.
        day = start.astimezone(LONDON).date()
        days_ahead = (day - now.astimezone(LONDON).date()).days
        stretch = _stretch(start, stop)
        prefix = f"{format_date(day)}, "
        if days_ahead in (0, 1) and stretch.startswith(prefix):
            relative = "today" if days_ahead == 0 else "tomorrow"
            return f"Opens {relative}, {stretch.removeprefix(prefix)}"
        return f"Next open: {stretch}"

    def describe(self) -> str:
        """All the opening times in one line.

        ``Mondays and Wednesdays 10am to 12pm; Fridays 1pm to 3pm; closed on
        bank holidays`` or ``Every day, 24 hours``.
        """
        if self.always_open:
            return "Every day, 24 hours"
        if not self.sessions:
            return "Opening times not listed"
        groups: dict[tuple[tuple[int, ...], date | None, date | None], list[WeeklySession]] = {}
        for s in self.sessions:
            if s.days:
                groups.setdefault((s.days, s.valid_from, s.valid_to), []).append(s)
        parts: list[str] = []
        for (days, valid_from, valid_to), group in sorted(
            groups.items(), key=lambda kv: _group_sort_key(kv[0], kv[1])
        ):
            times = " and ".join(
                format_time_range(s.opens_at, s.closes_at)
                for s in sorted(group, key=lambda s: s.opens_at)
            )
            days_text = _days_phrase(days)
            sep = " " if days_text.endswith("s") else ", "
            part = f"{days_text}{sep}{times}"
            bounds = _bounds_phrase(valid_from, valid_to)
            if bounds:
                part = f"{part} ({bounds})"
            parts.append(part)
        if not parts:
            return "Opening times not listed"
        if not self.open_on_bank_holidays and self._bank_holidays_matter():
            parts.append("closed on bank holidays")
        return "; ".join(parts)

    def _bank_holidays_matter(self) -> bool:
        """False only if every session is bounded and misses every bank holiday."""
        for s in self.sessions:
            if s.valid_from is None or s.valid_to is None:
                return True
            day = s.valid_from
            while day <= s.valid_to:
                if s.runs_on(day) and is_bank_holiday(day):
                    return True
                day += _ONE_DAY
        return False


# --------------------------------------------------------------------------
# Phrase helpers
# --------------------------------------------------------------------------


def _days_phrase(days: tuple[int, ...]) -> str:
    """``Every day``, ``Monday to Friday``, ``Mondays and Wednesdays``."""
    if len(days) == 7:
        return "Every day"
    if len(days) >= 3 and days == tuple(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    names = [f"{DAY_NAMES[d]}s" for d in days]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _bounds_phrase(valid_from: date | None, valid_to: date | None) -> str:
    if valid_from and valid_to:
        return f"from {format_date(valid_from)} to {format_date(valid_to)}"
    if valid_from:
        return f"from {format_date(valid_from)}"
    if valid_to:
        return f"until {format_date(valid_to)}"
    return ""


def _group_sort_key(
    key: tuple[tuple[int, ...], date | None, date | None],
    group: list[WeeklySession],
) -> tuple[int, date, time]:
    days, valid_from, _ = key
    return (days[0], valid_from or date.min, min(s.opens_at for s in group))


def _until(now_utc: datetime, end: datetime) -> str:
    """``4pm`` / ``midnight`` if today, else ``Wednesday 4 March at 2am``."""
    today = _local_date(now_utc)
    local_end = end.astimezone(LONDON)
    if local_end.date() == today:
        return format_time(local_end.time())
    if local_end.date() == today + _ONE_DAY and local_end.time() == MIDNIGHT:
        return "midnight"
    return format_datetime(local_end)


def _stretch(start: datetime, stop: datetime | None) -> str:
    """``Thursday 5 March, 10am to 12pm`` (or a longer form across days)."""
    s = start.astimezone(LONDON)
    if stop is None:
        return format_datetime(s)
    e = stop.astimezone(LONDON)
    day, s_time, e_time = s.date(), s.time(), e.time()
    if e.date() == day + _ONE_DAY and s_time == MIDNIGHT == e_time:
        return f"{format_date(day)}, all day"
    same_day = e.date() == day
    # Overnight, ending before the same clock time the next day.
    next_day = e.date() == day + _ONE_DAY and (e_time < s_time or e_time == MIDNIGHT)
    if same_day or next_day:
        return f"{format_date(day)}, {format_time(s_time)} to {format_time(e_time)}"
    return f"{format_datetime(s)}, until {format_datetime(e)}"
