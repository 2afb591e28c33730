"""An unfinished booking's personal details, held outside the conversation tracker."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete
from sqlalchemy.engine import Engine

from bot.booking.models import BookingDraft
from bot.db import session_scope

_FIELDS = ("name", "phone", "note")


def save_draft(engine: Engine, conversation_id: str, **fields: str | None) -> None:
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise ValueError(f"not draft fields: {sorted(unknown)}")
    with session_scope(engine) as session:
        draft = session.get(BookingDraft, conversation_id)
        if draft is None:
            draft = BookingDraft(conversation_id=conversation_id)
            session.add(draft)
        for key, value in fields.items():
            setattr(draft, key, value)
        draft.updated_at = datetime.now(timezone.utc)


def get_draft(engine: Engine, conversation_id: str) -> dict[str, str | None]:
    with session_scope(engine) as session:
        draft = session.get(BookingDraft, conversation_id)
        return {key: getattr(draft, key) if draft else None for key in _FIELDS}


def delete_draft(engine: Engine, conversation_id: str) -> None:
    with session_scope(engine) as session:
        session.execute(delete(BookingDraft).where(BookingDraft.conversation_id == conversation_id))


def save_sender_number(conversation_id: str, number: str) -> None:
    """A channel hands over the number the person is writing from, after they chose "use this
    number" for a booking: it goes into their booking draft, never into the conversation."""
    from bot import runtime  # the channel process builds the engine lazily, on first use
    from bot.booking.phones import normalise_phone

    phone = normalise_phone(number)
    if phone is not None:
        save_draft(runtime.engine(), conversation_id, phone=phone)
