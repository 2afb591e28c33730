"""`signpost crisis-lines ...`: list the crisis numbers and check none has gone stale.

A crisis number that has changed is a hazard (docs/safety/hazard-log.md, HAZ-03), so a
deployer runs `signpost crisis-lines check` before every release and on a schedule: it exits
1 while any entry is older than the allowed age, has no usable `last_verified`, or is marked
as not verified. The fix is to re-check the entry against its source and update
`last_verified` in resources/crisis_lines.yml: never to change the date without checking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from bot.crisis import DEFAULT_PATH, crisis_lines

__all__ = ["DEFAULT_MAX_AGE_DAYS", "LineAge", "crisis_app", "line_ages"]

DEFAULT_MAX_AGE_DAYS = 365
MAX_AGE_ENV = "SIGNPOST_CRISIS_MAX_AGE_DAYS"
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_NOT_VERIFIED = re.compile(r"\bnot\s+verified\b", re.IGNORECASE)

crisis_app = typer.Typer(
    help="Crisis numbers: list them, check when each was last verified.", no_args_is_help=True
)


@dataclass(frozen=True)
class LineAge:
    """One entry of the crisis-lines file, read leniently so every problem can be listed."""

    id: str
    name: str
    number: str
    hours: str
    is_24hr: bool | None
    source: str
    last_verified: str  # as written, "" if missing
    verified_on: date | None  # None if missing or not a date
    verification_status: str

    def age_days(self, today: date) -> int | None:
        return (today - self.verified_on).days if self.verified_on else None

    def problem(self, today: date, max_age_days: int) -> str | None:
        """Why this entry must be re-checked, or None if it is in date."""
        if not self.last_verified:
            return "no last_verified date"
        if self.verified_on is None:
            return f"last_verified {self.last_verified!r} is not an ISO 8601 date"
        if self.verified_on > today:
            return f"last_verified {self.last_verified} is in the future"
        age = self.age_days(today)
        if age is not None and age > max_age_days:
            return f"last verified {self.last_verified}, {age} days ago (limit {max_age_days})"
        if _NOT_VERIFIED.search(self.verification_status):
            return f"marked {self.verification_status!r}"
        return None


def _date(value: str) -> date | None:
    """ISO 8601, possibly a year or month alone (counted as its first day, as bot.crisis)."""
    m = _ISO_PARTIAL.match(value)
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def line_ages(path: Path) -> list[LineAge]:
    """Every entry in the file, without the strict loader's validation (so a missing date is
    reported against its entry instead of stopping the whole check)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = (data.get("lines") or []) if isinstance(data, dict) else []
    ages = []
    for raw in rows:
        last = "" if raw.get("last_verified") in (None, "") else str(raw["last_verified"])
        is_24hr = raw.get("is_24hr")
        ages.append(
            LineAge(
                id=str(raw.get("id", "?")),
                name=str(raw.get("name", "")),
                number=str(raw.get("number", "")),
                hours=str(raw.get("hours", "")),
                is_24hr=None if is_24hr is None else bool(is_24hr),
                source=str(raw.get("source", "")),
                last_verified=last,
                verified_on=_date(last) if last else None,
                verification_status=str(raw.get("verification_status", "")),
            )
        )
    return ages


def _structure_error(path: Path) -> str | None:
    """What the assistant's own loader says about the file (missing fields, required lines)."""
    try:
        crisis_lines(path)
    except (ValueError, KeyError, TypeError, yaml.YAMLError) as error:
        return str(error)
    return None


_PATH_OPTION = typer.Option(DEFAULT_PATH, "--path", help="Crisis lines YAML file.")
_TODAY_OPTION = typer.Option(
    None, "--today", help="Check as if on this date (YYYY-MM-DD); default: today."
)


def _today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(f"{value!r} is not a YYYY-MM-DD date") from error


@crisis_app.command("check")
def check_command(
    max_age_days: int = typer.Option(
        DEFAULT_MAX_AGE_DAYS,
        "--max-age-days",
        envvar=MAX_AGE_ENV,
        min=0,
        help=f"Oldest allowed last_verified, in days (env {MAX_AGE_ENV}).",
    ),
    path: Path = _PATH_OPTION,
    today: str | None = _TODAY_OPTION,
) -> None:
    """Exit 1 if any crisis number is older than --max-age-days, undated, or not verified."""
    on = _today(today)
    if not path.is_file():
        typer.echo(f"No crisis lines file at {path}.", err=True)
        raise typer.Exit(1)
    ages = line_ages(path)
    problems = [(line, p) for line in ages if (p := line.problem(on, max_age_days))]
    structure = _structure_error(path)
    if structure:
        typer.echo(f"The assistant cannot load {path}: {structure}")
    if problems:
        typer.echo(
            f"{len(problems)} of {len(ages)} crisis lines need re-checking "
            f"(older than {max_age_days} days, undated, or not verified):"
        )
        for line, problem in problems:
            label = line.name if line.name == line.number else f"{line.name} {line.number}"
            typer.echo(f"  {line.id} ({label}): {problem}")
            typer.echo(f"      source: {line.source or 'none given'}")
        typer.echo(
            "Check each number, its hours and its wording against the source, then update "
            f"last_verified (and source) in {path}. Never change a date without checking."
        )
    if problems or structure:
        raise typer.Exit(1)
    typer.echo(f"All {len(ages)} crisis lines verified within {max_age_days} days of {on}.")


@crisis_app.command("list")
def list_command(
    path: Path = _PATH_OPTION,
    today: str | None = _TODAY_OPTION,
    max_age_days: int = typer.Option(
        DEFAULT_MAX_AGE_DAYS, "--max-age-days", envvar=MAX_AGE_ENV, min=0
    ),
) -> None:
    """The crisis numbers, with hours, source and when each was last verified."""
    on = _today(today)
    table = Table("id", "name", "number", "hours", "24/7", "last verified", "age (days)")
    table.add_column("status")
    table.add_column("source", overflow="fold")
    for line in line_ages(path):
        age = line.age_days(on)
        problem = line.problem(on, max_age_days)
        table.add_row(
            line.id,
            line.name,
            line.number,
            line.hours,
            {True: "yes", False: "no", None: "?"}[line.is_24hr],
            line.last_verified or "MISSING",
            "" if age is None else str(age),
            "RE-CHECK" if problem else "ok",
            line.source,
        )
    Console(width=200).print(table)
