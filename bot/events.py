"""Anonymous need events: what was asked for, roughly where, and whether anything was found.

Nothing personal is stored: no sender id, no text, only the category, the outward code (which
covers thousands of households) and the count of services found. These events are what a
service keeps for reporting after conversations are deleted.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, Integer, String
from sqlalchemy.engine import Engine

from bot.db import session_scope
from bot.models import Base, UTCDateTime


class NeedEvent(Base):
    __tablename__ = "need_event"

    id = Column(Integer, primary_key=True, autoincrement=True)
    created_at = Column(UTCDateTime, nullable=False, index=True)
    category = Column(String(50), nullable=False)
    outcode = Column(String(8))
    found_count = Column(Integer, nullable=False)
    widened = Column(Integer, nullable=False, default=0)  # 1 when the search had to widen


def record_need_event(
    engine: Engine,
    category: str,
    outcode: str | None,
    found_count: int,
    widened: bool = False,
    at: datetime | None = None,
) -> None:
    """Store one anonymous search event."""
    with session_scope(engine) as session:
        session.add(
            NeedEvent(
                created_at=at or datetime.now(timezone.utc),
                category=category,
                outcode=outcode,
                found_count=found_count,
                widened=int(widened),
            )
        )
