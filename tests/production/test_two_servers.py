"""Scaling out: two Rasa server processes on one PostgreSQL tracker store and one Redis lock
store, with one action server, on the production configuration. A conversation whose messages
alternate between the two keeps its slots and its order; conversations spread over both at
once do not mix."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.production.support import ProductionStack
from tests.support.postgres import throwaway_postgres
from tests.support.stack import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionStack]:
    with (
        throwaway_postgres("signpost_scale") as project,
        throwaway_postgres("signpost_scale_tracker") as tracker,
    ):
        running = ProductionStack(tmp_path_factory.mktemp("two-servers"), project, tracker)
        running.prepare_databases()
        try:
            running.start_actions()
            running.start_rasa(free_port(), free_port())
            yield running
        finally:
            running.stop()


def test_a_conversation_alternating_between_two_servers_keeps_slots_and_order(
    stack: ProductionStack,
) -> None:
    first, second = list(stack.rasa)
    sender = f"rest-{uuid.uuid4().hex}"
    script = [
        (first, "im skint and behind on my council tax", "Whereabouts"),
        (second, "L9 1AD", "near L9 that help with money"),  # knows the need from `first`
        (first, "show more", "4."),  # knows the results from `second`
        (second, "tell me more about 4", ""),
        (first, "look in Southport instead", "Southport"),
    ]
    for port, message, expected in script:
        reply = stack.say(port, sender, message)
        assert reply.status == 200 and reply.texts, (port, message)
        assert expected in reply.text, (message, reply.text)
        assert "Sorry, something has gone wrong" not in reply.text

    tracker = stack.stored_tracker(sender)
    assert tracker.get_slot("need") == "money"
    assert tracker.get_slot("outcode") not in (None, "L9")  # moved on to Southport
    assert stack.stored_user_texts(sender) == [
        "im skint and behind on my council tax",
        "L9 [postcode]",
        "show more",
        "tell me more about 4",
        "look in Southport instead",
    ]
    # Every turn was stored once, in order, by whichever server handled it.
    timestamps = [e["timestamp"] for e in stack.stored_events(sender)]
    assert timestamps == sorted(timestamps)


def test_many_conversations_spread_over_both_servers_at_once_stay_apart(
    stack: ProductionStack,
) -> None:
    ports = list(stack.rasa)
    senders = [f"rest-{uuid.uuid4().hex}" for _ in range(6)]
    places = ["L9", "Bootle", "Southport", "L4", "Crosby", "L20"]

    def converse(index: int) -> tuple[str, list[str]]:
        sender = senders[index]
        texts = []
        for turn, message in enumerate(["im lonely", places[index], "show more"]):
            reply = stack.say(ports[(index + turn) % 2], sender, message)
            assert reply.status == 200 and reply.texts
            texts.append(reply.text)
        return sender, texts

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(converse, range(6)))

    for index, (sender, texts) in enumerate(results):
        assert all("Sorry, something has gone wrong" not in t for t in texts), texts
        assert stack.stored_user_texts(sender) == ["im lonely", places[index], "show more"]
        assert stack.stored_tracker(sender).get_slot("need") == "loneliness"
