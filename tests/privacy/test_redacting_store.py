"""The redacting tracker store: Rasa's real SQL tracker store and real tracker events, on SQLite
and PostgreSQL. What is written is masked; the conversation still works from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.booking.drafts import save_draft
from bot.db import create_schema, get_engine
from bot.privacy.erasure import ERASED_SLOT
from bot.privacy.redaction import KnownValues
from components.redacting_tracker_store import RedactingSQLTrackerStore
from tests.support.postgres import throwaway_postgres

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, inform_location, affirm]
slots:
  outcode:
    type: text
    mappings: [{type: custom}]
  booking_name:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
  booking_phone:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
forms:
  booking_form:
    required_slots: [booking_name, booking_phone]
"""
)
NAME, PHONE = "Zephyrine", "0151 496 0123"
POSTCODE_TEXT = "I'm at L9 1AD, or ring 07700 900123"


@pytest.fixture(scope="module")
def _postgres() -> Iterator[str]:
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    url = request.getfixturevalue("_postgres")
    yield url
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS events"))
    engine.dispose()


def _store(url: str, **kwargs: object) -> RedactingSQLTrackerStore:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=parsed.database, **kwargs)
    return RedactingSQLTrackerStore(
        DOMAIN,
        dialect="postgresql",
        host=parsed.host,
        port=parsed.port,
        username=parsed.username,
        password=parsed.password,
        db=parsed.database,
        **kwargs,
    )


@pytest.fixture
def project_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The project database the store looks booking details up in (SIGNPOST_DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'signpost.db'}"
    create_schema(get_engine(url))
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", url)
    return url


def _stored(url: str, sender: str) -> list[dict]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).all()
    engine.dispose()
    return [json.loads(data) for (data,) in rows]


def _user(text_: str, intent: str = "inform_location") -> UserUttered:
    return UserUttered(
        text_,
        intent={"name": intent, "confidence": 0.9},
        parse_data={
            "text": text_,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [],
            "safety": {"kind": None, "reasons": []},
        },
        metadata={"note": text_},
    )


def _first_turn() -> list:
    return [
        SessionStarted(),
        ActionExecuted("action_listen"),
        _user(POSTCODE_TEXT),
        SlotSet("outcode", "L9"),
        BotUttered("Here are places near L9 1AD. Or call the hub on 0151 496 0100."),
        ActionExecuted("action_listen"),
        _user("book me in", "affirm"),
        SlotSet("requested_slot", "booking_name"),
        BotUttered("What should the advisor call you?"),
        ActionExecuted("action_listen"),
    ]


def _second_turn() -> list:
    return [
        _user(NAME, "greet"),
        SlotSet("booking_name", "given"),
        SlotSet("requested_slot", "booking_phone"),
        BotUttered(f"Thanks {NAME}. What number should the advisor use?"),
        ActionExecuted("action_listen"),
        _user(PHONE, "greet"),
        SlotSet("booking_phone", "given"),
        SlotSet("requested_slot", None),
        BotUttered(f"Here's what I've got:\n\nName: {NAME}\nPhone: {PHONE}\n\nShall I book it?"),
        ActionExecuted("action_listen"),
    ]


def _tracker(sender: str, events: list) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


async def test_what_is_stored_is_masked_and_the_conversation_still_works(
    store_url: str, project_db: str
) -> None:
    sender = "web-0123456789abcdef"
    save_draft(get_engine(project_db), sender, name=NAME, phone="+441514960123")
    store = _store(store_url)
    tracker = _tracker(sender, _first_turn())
    await store.save(tracker)
    tracker.update_with_events(_second_turn(), DOMAIN)
    await store.save(tracker)

    stored = _stored(store_url, sender)
    assert len(stored) == len(_first_turn()) + len(_second_turn())  # nothing lost or doubled
    everything = json.dumps(stored)
    for secret in (NAME, "496 0123", "4960123", "07700", "1AD"):
        assert secret not in everything, secret
    users = [e["text"] for e in stored if e["event"] == "user"]
    assert users == [
        "I'm at L9 [postcode], or ring [phone]",
        "book me in",
        "[redacted]",  # answered "what should the advisor call you?"
        "[redacted]",  # answered "what number?"
    ]
    bots = [e["text"] for e in stored if e["event"] == "bot"]
    # A service's number stays; the person's details are masked wherever repeated.
    assert bots[0] == "Here are places near L9 [postcode]. Or call the hub on 0151 496 0100."
    assert bots[2] == "Thanks [name]. What number should the advisor use?"
    assert "Name: [name]\nPhone: [phone]" in bots[3]

    # During the turn, Rasa and the actions still see what was really said.
    assert tracker.latest_message.text == PHONE
    # And the conversation carries on from what was stored.
    again = await store.retrieve(sender)
    assert again is not None
    assert again.get_slot("outcode") == "L9"
    assert again.get_slot("booking_name") == "given"
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == users


async def test_a_conversation_that_erased_itself_is_deleted_not_saved_again(
    store_url: str, project_db: str
) -> None:
    sender = "sms-erase-me"
    store = _store(store_url)
    tracker = _tracker(sender, _first_turn())
    await store.save(tracker)
    assert _stored(store_url, sender)
    tracker.update_with_events(
        [
            _user("delete my data", "affirm"),
            SlotSet(ERASED_SLOT, True),
            BotUttered("Done: I've deleted everything."),
            ActionExecuted("action_listen"),
        ],
        DOMAIN,
    )
    await store.save(tracker)
    assert _stored(store_url, sender) == []
    assert await store.retrieve(sender) is None
    # The next message starts afresh.
    await store.save(_tracker(sender, [ActionExecuted("action_listen"), _user("hiya", "greet")]))
    assert [e["event"] for e in _stored(store_url, sender)] == ["action", "user"]


async def test_a_message_marked_personal_is_not_kept(store_url: str, project_db: str) -> None:
    sender = "web-personal"
    store = _store(store_url)
    events = [
        ActionExecuted("action_listen"),
        BotUttered(
            "Your note: something only the advisor should read", metadata={"personal_data": True}
        ),
    ]
    await store.save(_tracker(sender, events))
    assert [e.get("text") for e in _stored(store_url, sender)] == [None, "[redacted]"]


async def test_without_the_booking_details_every_number_in_replies_is_masked(
    store_url: str,
) -> None:
    def broken(_: str) -> KnownValues:
        raise ConnectionError("database down")

    sender = "web-no-lookup"
    store = _store(store_url, known_lookup=broken)
    await store.save(_tracker(sender, [BotUttered(f"Name: Jo\nPhone: {PHONE}")]))
    assert _stored(store_url, sender)[0]["text"] == "Name: Jo\nPhone: [phone]"


async def test_personal_questions_can_be_configured(store_url: str, project_db: str) -> None:
    sender = "web-config"
    store = _store(store_url, personal_slots=["outcode"])
    events = [
        SlotSet("requested_slot", "outcode"),
        ActionExecuted("action_listen"),
        _user("Bootle"),
    ]
    await store.save(_tracker(sender, events))
    assert [e.get("text") for e in _stored(store_url, sender) if e["event"] == "user"] == [
        "[redacted]"
    ]


async def test_reads_and_counts_are_rasas_own_query_across_sessions(
    store_url: str, project_db: str
) -> None:
    """The store reads and counts with plain SELECTs; they must pick the same events, in the
    same order, as Rasa's ORM query (`_event_query`): the latest session's, or all of them."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    def session(start: float, text_: str) -> list:
        user = _user(text_)
        user.timestamp = start + 0.3
        return [ActionExecuted("action_session_start", timestamp=start),
                SessionStarted(timestamp=start + 0.1),
                ActionExecuted("action_listen", timestamp=start + 0.2), user]  # fmt: skip

    store = _store(store_url)
    sender = "web-sessions-0001"
    await store.save(_tracker(sender, session(100.0, "hiya")))
    # The next turn, as Rasa runs it: the stored tracker, then a new session's events.
    tracker = store._retrieve_now(sender, False)
    assert tracker is not None
    for event in session(200.0, "L9"):
        tracker.update(event)
    await store.save(tracker)
    await store.save(_tracker("web-someone-else", session(150.0, "hello")))

    for all_sessions in (False, True):
        with store.session_scope() as db:
            rasa = [json.loads(row.data) for row in store._event_query(db, sender, all_sessions)]
            rasa_count = store._event_query(db, sender, False).count()
        ours = store._retrieve_now(sender, all_sessions)
        assert ours is not None
        assert [e.as_dict() for e in ours.events] == rasa
        assert rasa and all(e["timestamp"] >= (100.0 if all_sessions else 200.1) for e in rasa)
    assert rasa_count == 3  # the latest session, from its SessionStarted on
    assert len(_stored(store_url, sender)) == 8
    # Saving the same tracker again adds nothing: the count of the latest session is right.
    await store.save(store._retrieve_now(sender, False))
    assert len(_stored(store_url, sender)) == 8
