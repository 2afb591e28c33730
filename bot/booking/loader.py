"""Load advisors, their hours and hubs from YAML (resources/booking/advisors.yml).

Idempotent: hubs are upserted; advisors are matched by display name and their hours and
exceptions replaced. Bookings are never touched.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.booking.availability import working_window
from bot.booking.models import MODES, Advisor, AvailabilityException, Hub, WorkingHours
from bot.db import create_schema, session_scope
from bot.schedule import LONDON, parse_byday


def _aware(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def load_advisors(engine: Engine, path: Path) -> int:
    """Load the file; returns how many advisors it holds."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    create_schema(engine)
    with session_scope(engine) as session:
        for raw in document.get("hubs", []):
            hub = session.get(Hub, raw["id"]) or Hub(id=raw["id"])
            hub.name, hub.address = raw["name"], raw.get("address", "")
            session.add(hub)
        session.flush()
        for raw in document.get("advisors", []):
            modes = list(raw["modes"])
            if not modes or set(modes) - set(MODES):
                raise ValueError(f"advisor {raw['name']!r}: modes must be from {MODES}")
            advisor = session.execute(
                select(Advisor).where(Advisor.display_name == raw["name"])
            ).scalar_one_or_none()
            if advisor is None:
                advisor = Advisor(display_name=raw["name"])
                session.add(advisor)
            advisor.modes, advisor.active = ",".join(modes), bool(raw.get("active", True))
            hours = []
            for h in raw.get("hours", []):
                try:  # unquoted 09:30 is a number to YAML 1.1: say so instead of storing it
                    starts, ends = working_window(h["start"], h["end"])
                except ValueError as error:
                    raise ValueError(f"advisor {raw['name']!r}: {error} (quote times)") from None
                hours += [
                    WorkingHours(weekday=day, starts=starts, ends=ends, hub_id=h.get("hub"))
                    for day in parse_byday(h["days"])
                ]
            advisor.hours = hours
            advisor.exceptions = [
                AvailabilityException(
                    starts_at=_aware(e["from"]), ends_at=_aware(e["to"]), reason=e.get("reason", "")
                )
                for e in raw.get("exceptions", [])
            ]
        return len(document.get("advisors", []))
