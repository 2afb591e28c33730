"""Faults, with real processes on the production configuration (PostgreSQL tracker store, Redis
lock store, safety net): the action server down or hung, the databases or Redis unreachable
(a proxy in front of each is cut), and kill -9 of the Rasa server mid-turn. The person always
gets an answer within seconds, nothing half-done is saved, and the conversation carries on."""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.booking.models import Booking, BookingDraft
from bot.db import get_engine, session_scope
from tests.production.proxy import Proxy
from tests.production.support import ACTION_TIMEOUT, ProductionStack, Reply
from tests.support.postgres import throwaway_postgres
from tests.support.stack import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

APOLOGY = "Sorry, something has gone wrong on my side"
NAME, PHONE = "Zephyrine", "0151 496 0123"
QUICKLY = 5.0  # seconds: "within a few seconds"


class Faults:
    def __init__(self, stack: ProductionStack, project_direct: str, proxies: dict[str, Proxy]):
        self.stack = stack
        self.project_direct = project_direct
        self.proxies = proxies
        self.port = next(iter(stack.rasa))

    def say(self, sender: str, message: str) -> Reply:
        reply = self.stack.say(self.port, sender, message)
        assert reply.status == 200, (message, reply)
        assert reply.texts, f"silence after {message!r}"
        return reply

    def bookings(self, sender: str) -> list[Booking]:
        with session_scope(get_engine(self.project_direct)) as session:
            return list(
                session.execute(select(Booking).where(Booking.conversation_id == sender)).scalars()
            )

    def draft(self, sender: str) -> BookingDraft | None:
        with session_scope(get_engine(self.project_direct)) as session:
            return session.get(BookingDraft, sender)


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faults]:
    with (
        throwaway_postgres("signpost_faults") as project,
        throwaway_postgres("signpost_faults_tracker") as tracker,
    ):
        proxies = {name: Proxy("127.0.0.1", 5432) for name in ("project", "tracker")}
        proxies["redis"] = Proxy("127.0.0.1", 6379)

        def via(url: str, proxy: Proxy) -> str:
            return url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")

        stack = ProductionStack(
            tmp_path_factory.mktemp("faults"),
            via(project, proxies["project"]),
            via(tracker, proxies["tracker"]),
            redis_port=proxies["redis"].port,
        )
        stack.prepare_databases(directory_url=project)
        try:
            stack.start_actions()
            stack.start_rasa(free_port())
            yield Faults(stack, project, proxies)
        finally:
            stack.stop()
            for proxy in proxies.values():
                proxy.close()


def _new_sender() -> str:
    return f"rest-{uuid.uuid4().hex}"


def _assert_apology(reply: Reply) -> None:
    assert APOLOGY in reply.text, reply.text
    assert "116 123" in reply.text and "999" in reply.text
    assert reply.seconds < QUICKLY, f"took {reply.seconds:.1f}s"


def test_action_server_down_apology_then_the_conversation_carries_on(faults: Faults) -> None:
    sender = _new_sender()
    assert "Whereabouts" in faults.say(sender, "im skint and behind on my council tax").text
    faults.stack.kill_actions()
    try:
        _assert_apology(faults.say(sender, "L9 1AD"))
        crisis = faults.say(sender, "i want to end my life")
        assert "116 123" in crisis.text and "really hard" in crisis.text  # the crisis reply
        assert crisis.seconds < QUICKLY
        # Nothing half-done was kept: the failed turns are not in the conversation.
        assert faults.stack.stored_user_texts(sender) == ["im skint and behind on my council tax"]
    finally:
        faults.stack.start_actions()
    reply = faults.say(sender, "L9 1AD")
    assert "near L9 that help with money" in reply.text
    assert faults.stack.stored_tracker(sender).get_slot("outcode") == "L9"


def test_a_hung_action_server_is_given_up_on_within_seconds(faults: Faults) -> None:
    sender = _new_sender()
    faults.say(sender, "im lonely")
    faults.say(sender, "Bootle")
    process = faults.stack.action_process()
    process.send_signal(signal.SIGSTOP)  # accepts connections, never answers
    try:
        reply = faults.say(sender, "show more")
        assert APOLOGY in reply.text
        assert reply.seconds < ACTION_TIMEOUT + 2.5, f"took {reply.seconds:.1f}s"
    finally:
        process.send_signal(signal.SIGCONT)
    assert APOLOGY not in faults.say(sender, "show more").text
    assert faults.stack.stored_tracker(sender).get_slot("need") == "loneliness"


@pytest.mark.parametrize("which", [("project", "tracker"), ("redis",)], ids=["postgres", "redis"])
def test_stores_unreachable_apology_then_the_conversation_carries_on(
    faults: Faults, which: tuple[str, ...]
) -> None:
    sender = _new_sender()
    faults.say(sender, "need help with food")
    for name in which:
        faults.proxies[name].cut()
    try:
        _assert_apology(faults.say(sender, "L20"))
    finally:
        for name in which:
            faults.proxies[name].restore()
    assert "near L20" in faults.say(sender, "L20").text
    assert faults.stack.stored_user_texts(sender) == ["need help with food", "L20"]


def _up_to_the_summary(faults: Faults, sender: str) -> None:
    faults.say(sender, "im skint and behind on my council tax")
    assert "advisor" in faults.say(sender, "L9").text
    assert "How would you like to talk" in faults.say(sender, "yes").text
    assert re.search(r"^2\. ", faults.say(sender, "Phone call").text, flags=re.MULTILINE)
    assert "first name and a phone number" in faults.say(sender, "2").text
    assert "call you" in faults.say(sender, "yes").text
    faults.say(sender, NAME)
    faults.say(sender, PHONE)
    assert "Shall I book it?" in faults.say(sender, "no").text


def test_no_half_written_booking_when_the_database_goes_while_booking(faults: Faults) -> None:
    sender = _new_sender()
    _up_to_the_summary(faults, sender)
    faults.proxies["project"].cut()
    try:
        _assert_apology(faults.say(sender, "yes"))
    finally:
        faults.proxies["project"].restore()
    assert faults.bookings(sender) == []
    draft = faults.draft(sender)
    assert draft is not None and draft.name == NAME  # still there to book from

    assert "You're booked" in faults.say(sender, "yes").text
    booked = faults.bookings(sender)
    assert len(booked) == 1 and booked[0].status == "confirmed" and booked[0].name == NAME
    assert faults.draft(sender) is None


def test_kill_9_mid_turn_then_restart_resumes_with_slots_and_booking(faults: Faults) -> None:
    sender = _new_sender()
    _up_to_the_summary(faults, sender)
    assert "You're booked" in faults.say(sender, "yes").text
    reference = faults.bookings(sender)[0].reference
    before = faults.stack.stored_tracker(sender)
    assert before.get_slot("need") == "money" and before.get_slot("outcode") == "L9"

    # A message in flight when the server dies: the person gets nothing for it (the
    # connection drops), and nothing of it is half-saved.
    in_flight = threading.Thread(
        target=lambda: _ignore_errors(faults.stack.say, faults.port, sender, "show more")
    )
    in_flight.start()
    time.sleep(0.3)
    faults.stack.kill_rasa(faults.port)
    in_flight.join(timeout=30)
    stored = faults.stack.stored_user_texts(sender)
    assert stored[-1] in ("[redacted]", "yes", "no", "show more")

    faults.stack.start_rasa(faults.port)
    after = faults.stack.stored_tracker(sender)
    for slot in ("need", "outcode", "booking_name", "booking_phone"):
        assert after.get_slot(slot) == before.get_slot(slot), slot
    assert [b.reference for b in faults.bookings(sender)] == [reference]

    # And the conversation goes on from there.
    reply = faults.say(sender, "cancel my appointment")
    assert APOLOGY not in reply.text and "cancel" in reply.text.lower()


def _ignore_errors(function: object, *args: object) -> None:
    with contextlib.suppress(Exception):
        function(*args)  # type: ignore[operator]
