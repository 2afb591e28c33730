"""End to end: "delete my data" in the conversation, through the real servers.

After the person confirms, a scan of the project database and the tracker store finds
nothing about them: not their name, number or words, not their conversation id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from bot.db import get_engine
from bot.privacy.scan import phone_variants, scan_database
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

NAME, PHONE = "Bartholomew", "0151 496 0177"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("delete-my-data"))
    running.start()
    yield running
    running.stop()


def _sender() -> str:
    return f"erase-{uuid.uuid4().hex[:12]}"


def _databases(stack: Stack) -> list:
    return [get_engine(stack.db_url), get_engine(f"sqlite:///{stack.workdir / 'tracker.db'}")]


def _found(stack: Stack, needles: list[str]) -> list[str]:
    return [hit for engine in _databases(stack) for hit in scan_database(engine, needles)]


def _book(stack: Stack, sender: str) -> str:
    stack.say(sender, "im skint and behind on my council tax")
    stack.say(sender, "L9")
    assert "How would you like to talk" in stack.say(sender, "yes")
    stack.say(sender, "Phone call")
    stack.say(sender, "1")
    stack.say(sender, "yes")
    stack.say(sender, NAME)
    stack.say(sender, PHONE)
    assert "Shall I book it?" in stack.say(sender, "no")
    booked = stack.say(sender, "yes")
    assert "You're booked" in booked
    return booked


def test_delete_my_data_after_booking_leaves_nothing_about_the_person(stack: Stack) -> None:
    sender = _sender()
    _book(stack, sender)
    needles = [NAME, *phone_variants(PHONE), sender, "council tax"]
    assert _found(stack, needles), "the scan must see the booking before erasure"

    ask = stack.say(sender, "please delete my data")
    assert "Shall I delete it all now?" in ask
    done = stack.say(sender, "yes")
    assert done.startswith("Done. I've deleted our conversation")
    assert "is cancelled, and the advisor will see that" in done

    assert _found(stack, needles) == []
    # The anonymous shell of the booking stays, cancelled, so the advisor's list shows it.
    with get_engine(stack.db_url).connect() as connection:
        statuses = connection.exec_driver_sql(
            "SELECT status, cancel_reason FROM booking WHERE name IS NULL"
        ).all()
    assert ("cancelled", "person asked to delete their data") in [tuple(r) for r in statuses]
    # A new message starts a new conversation, as for anyone new.
    assert "What's on your mind?" in stack.say(sender, "hello")


def test_delete_in_the_middle_of_booking_closes_the_question(stack: Stack) -> None:
    sender = _sender()
    stack.say(sender, "I'd like to talk to someone")
    stack.say(sender, "Phone call")
    stack.say(sender, "1")
    stack.say(sender, "yes")
    stack.say(sender, NAME)  # the name waits in a booking draft
    assert "Shall I delete it all now?" in stack.say(sender, "delete my data")
    assert stack.slots(sender)["requested_slot"] is None
    assert stack.say(sender, "yes").startswith("Done.")
    assert _found(stack, [NAME, sender]) == []


def test_saying_no_keeps_everything(stack: Stack) -> None:
    sender = _sender()
    stack.say(sender, "i've been feeling really lonely")
    stack.say(sender, "erase my details please")
    assert stack.say(sender, "no").startswith("OK, I haven't deleted anything")
    assert _found(stack, [sender])  # the conversation is still there
    assert "Whereabouts" in stack.say(sender, "can you find me a group near me")
