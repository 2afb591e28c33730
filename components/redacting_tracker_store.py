"""Rasa's SQL tracker store, masking personal data before anything is written.

Configure it in the endpoints file (it takes the same settings as `type: SQL`):

    tracker_store:
      type: components.redacting_tracker_store.RedactingSQLTrackerStore
      dialect: sqlite
      db: var/tracker.db

What is stored, per event (the rules are in bot/privacy/redaction.py):
- a person's message: phone numbers, emails and full postcodes masked ("L9 1AD" keeps "L9");
  the whole text replaced by "[redacted]" when it answered a personal question (the tracker's
  requested_slot was one of `personal_slots` when the message arrived);
- an assistant's message: the person's name, phone number and note masked wherever repeated
  (looked up from their booking, draft or call-back request), and anything the person wrote
  in the same turn that was masked in their message; the whole text when the action marked it
  `personal_data=True`;
- slot values: the same patterns masked.

Only the stored copy is masked: during a turn, the Rasa server and the actions see the real
text. A conversation that returns SlotSet("data_erased", true) is deleted, not saved again.
Database work runs in a thread, so a slow database does not stall other conversations.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.sql import Select

from bot.privacy.erasure import ERASED_SLOT
from bot.privacy.redaction import (
    REDACTED,
    KnownValues,
    mask_all_phones,
    redact_structure,
    redact_text,
)

logger = logging.getLogger(__name__)

# Answers to these questions are personal whatever they say.
DEFAULT_PERSONAL_SLOTS = ("booking_name", "booking_phone", "booking_note", "lookup_phone")
# An action marks a message that repeats personal details: utter_message(..., personal_data=True)
PERSONAL_FLAG = "personal_data"

KnownLookup = Callable[[str], KnownValues]


def project_database_lookup() -> KnownLookup:
    """Looks up the personal details held for a conversation in the project database."""
    from bot.config import load_settings
    from bot.db import get_engine
    from bot.privacy.known import known_values

    url = load_settings().database_url

    def lookup(conversation_id: str) -> KnownValues:
        return known_values(get_engine(url), conversation_id)

    return lookup


def redact_user_event(data: dict[str, Any], personal: bool) -> dict[str, Any]:
    """A person's message event, masked (see the module docstring)."""
    raw = data.get("text") if isinstance(data.get("text"), str) else ""

    def mask(value: str) -> str:
        # An answer to a personal question goes wherever it was copied (parse data, metadata).
        if personal and raw.strip() and raw.strip() in value:
            return REDACTED
        return redact_text(value)

    masked = redact_structure(data, mask)
    masked["event"] = data.get("event")
    if personal and isinstance(masked.get("parse_data"), dict):
        for entity in masked["parse_data"].get("entities") or []:
            if isinstance(entity, dict) and "value" in entity:
                entity["value"] = REDACTED
                entity.pop("text", None)
    return masked


def redact_bot_event(data: dict[str, Any], known: KnownValues, lookup_failed: bool) -> dict:
    """An assistant's message event, masked (see the module docstring)."""
    masked = dict(data)
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    if metadata.get(PERSONAL_FLAG):
        masked["text"] = REDACTED if data.get("text") else data.get("text")
        return masked

    def mask(text: str) -> str:
        text = known.mask(text)
        # Without the booking details we can't tell the person's number from a service's.
        return mask_all_phones(text) if lookup_failed else text

    masked["text"] = mask(data["text"]) if isinstance(data.get("text"), str) else data.get("text")
    if isinstance(data.get("data"), dict):
        masked["data"] = redact_structure(data["data"], mask)
    return masked


def _slot_mask(known: KnownValues) -> Callable[[str], str]:
    return lambda text: known.mask(redact_text(text))


def redact_events(
    new_events: Iterable[tuple[dict[str, Any], str | None]],
    known: KnownValues,
    personal_slots: frozenset[str],
    lookup_failed: bool = False,
) -> list[dict[str, Any]]:
    """Serialised events (each with the requested_slot when it happened), masked for storage."""
    events = list(new_events)
    # What the person wrote this turn and was masked must not survive in a reply.
    for data, _requested in events:
        if data.get("event") == "user" and isinstance(data.get("text"), str):
            known.learn_from_text(data["text"])
    masked: list[dict[str, Any]] = []
    for data, requested in events:
        kind = data.get("event")
        if kind == "user":
            masked.append(redact_user_event(data, requested in personal_slots))
        elif kind == "bot":
            masked.append(redact_bot_event(data, known, lookup_failed))
        elif kind == "slot":
            item = dict(data)
            item["value"] = redact_structure(data.get("value"), _slot_mask(known))
            masked.append(item)
        else:
            masked.append(redact_structure(data, redact_text))
    return masked


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that masks personal data in what it writes (see the module docstring)."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        personal_slots: list[str] | None = None,
        known_lookup: KnownLookup | None = None,
        **kwargs: Any,
    ) -> None:
        try:
            super().__init__(domain=domain, host=host, **kwargs)
        except (AttributeError, ImportError) as error:
            # Rasa would quietly fall back to an in-memory store on these, losing every
            # conversation at the next restart: fail loudly instead.
            raise RuntimeError(f"the redacting tracker store could not start: {error}") from error
        self.personal_slots = frozenset(personal_slots or DEFAULT_PERSONAL_SLOTS)
        self._known_lookup = known_lookup
        self._statements: dict[tuple[str, bool], Select] = {}
        logger.info("Tracker store: %s, masking personal data", self.engine.url.get_backend_name())

    # --- reading, in a thread -------------------------------------------------------------

    async def keys(self) -> Iterable[str]:
        return await asyncio.to_thread(self._keys)

    def _keys(self) -> list[str]:
        with self.session_scope() as session:
            return [sender for (sender,) in session.query(self.SQLEvent.sender_id).distinct()]

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        return await asyncio.to_thread(
            self._retrieve_now, sender_id, fetch_events_from_all_sessions
        )

    def _events(self, column: str, all_sessions: bool) -> Select:
        """Rasa's `_event_query` (a conversation's events, from its latest session unless
        `all_sessions`, in order) as a plain SELECT of one column: no ORM objects are built.
        The sender is the bound parameter `sender_id`; each statement is built once per
        store, so SQLAlchemy works out its cache key once too."""
        cached = self._statements.get((column, all_sessions))
        if cached is not None:
            return cached
        table = self.SQLEvent.__table__
        sender = bindparam("sender_id")
        query = select(table.c[column]).where(table.c.sender_id == sender)
        if not all_sessions:
            session_start = (
                select(func.max(table.c.timestamp))
                .where(table.c.sender_id == sender, table.c.type_name == SessionStarted.type_name)
                .scalar_subquery()
            )
            query = query.where(or_(table.c.timestamp >= session_start, session_start.is_(None)))
        query = query.order_by(table.c.id)
        self._statements[(column, all_sessions)] = query
        return query

    def _count_latest(self) -> Select:
        cached = self._statements.get(("count", False))
        if cached is None:
            latest = self._events("id", False).subquery()
            cached = self._statements[("count", False)] = select(func.count()).select_from(latest)
        return cached

    def _retrieve_now(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            query = self._events("data", fetch_events_from_all_sessions)
            rows = session.execute(query, {"sender_id": sender_id})
            events = [json.loads(data) for (data,) in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    # --- writing --------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        await asyncio.to_thread(self._save_now, tracker)

    def _known(self, sender_id: str) -> tuple[KnownValues, bool]:
        try:
            if self._known_lookup is None:
                self._known_lookup = project_database_lookup()
            return self._known_lookup(sender_id), False
        except Exception as error:
            # Never lose the conversation over this: mask every phone number instead.
            logger.warning("Could not look up booking details to mask (%s)", type(error).__name__)
            return KnownValues(), True

    def _save_now(self, tracker: DialogueStateTracker) -> None:
        all_events = list(tracker.events)
        with self.session_scope() as session:
            stored = session.execute(
                self._count_latest(), {"sender_id": tracker.sender_id}
            ).scalar_one()
            new = all_events[stored:]
            serialised = [event.as_dict() for event in new]
            if any(_is_erasure(data) for data in serialised):
                deleted = (
                    session.query(self.SQLEvent)
                    .filter(self.SQLEvent.sender_id == tracker.sender_id)
                    .delete(synchronize_session=False)
                )
                session.commit()
                logger.info("Conversation erased at the person's request (%d events)", deleted)
                return
            if not serialised:
                return
            requested = _requested_slots(all_events, stored)
            known, failed = self._known(tracker.sender_id)
            pairs = zip(serialised, requested, strict=True)
            masked = redact_events(pairs, known, self.personal_slots, failed)
            rows = []
            for data in masked:
                intent = (data.get("parse_data") or {}).get("intent") or {}
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": data.get("event"),
                        "timestamp": data.get("timestamp"),
                        "intent_name": intent.get(INTENT_NAME_KEY),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            # One multi-row INSERT, in order (the rows Rasa's SQLTrackerStore would add one ORM
            # object at a time; the ORM's unit of work was a third of this store's CPU).
            session.execute(insert(self.SQLEvent.__table__), rows)
            session.commit()
        if self.event_broker is not None:
            for data in masked:
                self.event_broker.publish({"sender_id": tracker.sender_id, **data})


def _is_erasure(data: dict[str, Any]) -> bool:
    is_marker = data.get("event") == "slot" and data.get("name") == ERASED_SLOT
    return is_marker and bool(data.get("value"))


def _requested_slots(events: list[Any], start: int) -> list[str | None]:
    """For each event from `start` on, the requested_slot just before it happened."""
    requested: str | None = None
    result: list[str | None] = []
    for index, event in enumerate(events):
        if index >= start:
            result.append(requested)
        kind = getattr(event, "type_name", None)
        if kind == "slot" and getattr(event, "key", None) == REQUESTED_SLOT:
            value = getattr(event, "value", None)
            requested = value if isinstance(value, str) else None
        elif kind in ("restart", "session_started", "reset_slots"):
            requested = None
    return result
