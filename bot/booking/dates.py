"""Understanding when someone would like an appointment: "Thursday", "tomorrow afternoon",
"next week", "3 March", "the 5th". Pure and deterministic: `today` is always passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "weds": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
PARTS = {
    "morning": (time(0), time(12)),
    "afternoon": (time(12), time(17)),
    "evening": (time(17), time(23, 59)),
}

_WEEKDAY = re.compile(r"\b(" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\b")
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:\s+(\d{4}))?"
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b{_YEAR}")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR}")
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
_THE_NTH = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b")
_PART = re.compile(r"\b(morning|afternoon|evening)\b")
# "am" only after a clock time: on its own it is nearly always "I am".
_CLOCK = re.compile(r"\b(\d{1,2})(?::\d{2})?\s*(am|pm)\b|\b(pm)\b")


@dataclass(frozen=True)
class DayRequest:
    """The days someone asked for (first to last, inclusive) and maybe a part of the day."""

    first: date
    last: date
    part: str | None = None

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def _future_date(today: date, month: int, day: int, year: int | None = None) -> date | None:
    if year is not None:  # a year was given: that date or nothing
        year = year + 2000 if year < 100 else year
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        return candidate if candidate >= today else None
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


def _part(text: str) -> str | None:
    if match := _PART.search(text):
        return match.group(1)
    if match := _CLOCK.search(text):
        if match.group(2) == "am":
            return "morning"
        hour = int(match.group(1) or 12) % 12
        return "evening" if hour >= 5 else "afternoon"  # 5pm on is evening
    return None


def _next_nth(today: date, day: int) -> date | None:
    """The next date (from today) that is the `day`th of a month, e.g. "the 31st"."""
    year, month = today.year, today.month
    for _ in range(12):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def parse_day_request(text: str, today: date) -> DayRequest | None:
    """The day(s) in `text`, or None if it names no day."""
    lowered = " ".join(text.lower().replace(",", " ").split())
    part = _part(lowered)
    single: date | None = None
    if re.search(r"\bday after tomorrow\b", lowered):
        single = today + timedelta(days=2)
    elif re.search(r"\b(tomorrow|tmrw|tmr|tomoz|2moro)\b", lowered):
        single = today + timedelta(days=1)
    elif re.search(r"\b(today|this (morning|afternoon|evening)|tonight)\b", lowered):
        single = today
    elif re.search(r"\bnext week\b", lowered):
        monday = today + timedelta(days=7 - today.weekday())
        if m := _WEEKDAY.search(lowered):  # "tuesday next week"
            single = monday + timedelta(days=WEEKDAYS[m.group(1)])
            return DayRequest(single, single, part)
        return DayRequest(monday, monday + timedelta(days=6), part)
    elif re.search(r"\b(this week|later this week)\b", lowered):
        return DayRequest(today, today + timedelta(days=6 - today.weekday()), part)
    elif re.search(r"\b(weekend)\b", lowered):
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        return DayRequest(saturday, saturday + timedelta(days=1), part)
    if single is None and (m := _DAY_MONTH.search(lowered)):
        single = _future_date(today, MONTHS[m.group(2)], int(m.group(1)), _year(m.group(3)))
    if single is None and (m := _MONTH_DAY.search(lowered)):
        single = _future_date(today, MONTHS[m.group(1)], int(m.group(2)), _year(m.group(3)))
    if single is None and (m := _NUMERIC.search(lowered)):
        # UK order: day/month
        single = _future_date(today, int(m.group(2)), int(m.group(1)), _year(m.group(3)))
    if single is None and (m := _THE_NTH.search(lowered)):
        single = _next_nth(today, int(m.group(1)))
    if single is None and (m := _WEEKDAY.search(lowered)):
        ahead = (WEEKDAYS[m.group(1)] - today.weekday()) % 7
        if ahead == 0 and not re.search(r"\btoday\b", lowered):
            ahead = 7  # "Thursday" said on a Thursday means next week's
        single = today + timedelta(days=ahead)
    if single is None:
        return None if part is None else DayRequest(today, today + timedelta(days=6), part)
    return DayRequest(single, single, part)


def in_part(local_time: time, part: str | None) -> bool:
    if part is None:
        return True
    start, end = PARTS[part]
    return start <= local_time < end
