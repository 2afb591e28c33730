"""End to end: the trained model, the real Rasa server and action server, over the REST channel.

A person says hello, says what is wrong, gives a postcode, gets three nearby services with
distances, asks about one, asks for more; a crisis message mid-question is answered first;
and the conversation survives a restart of the Rasa server (SQL tracker store).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator

import pytest

from tests.support.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("e2e"))
    running.start()
    yield running
    running.stop()


def _numbered(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^(\d+)\. ", text, flags=re.MULTILINE)]


def test_signposting_conversation(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert "not an emergency service" in stack.say(sender, "hiya")

    reply = stack.say(sender, "im skint and the bailiffs keep writing to me about council tax")
    assert "Whereabouts are you?" in reply
    assert stack.slots(sender)["need"] == "money"

    reply = stack.say(sender, "L9 1AD")
    assert _numbered(reply) == [1, 2, 3]
    assert reply.count("miles away") + reply.count("mile away") >= 3
    assert "made-up examples" in reply
    slots = stack.slots(sender)
    assert slots["outcode"] == "L9"
    assert "1AD" not in json.dumps(slots)

    reply = stack.say(sender, "tell me more about 2")
    assert reply.startswith("2. ") and "Phone:" in reply

    reply = stack.say(sender, "show me more")
    assert _numbered(reply)[0] == 4


def test_two_needs_in_one_message(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "I'm in debt and about to lose my flat")
    slots = stack.slots(sender)
    assert slots["need"] == "housing"
    assert set(slots["needs"]) == {"housing", "money"}


def test_crisis_at_the_postcode_question_comes_first(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "need a food bank")
    reply = stack.say(sender, "i dont want to be here anymore")
    for number in ("999", "116 123", "85258", "111"):
        assert number in reply
    assert stack.slots(sender)["paused_loop"] == "location_form"
    assert "Whereabouts are you?" in stack.say(sender, "yes")
    assert _numbered(stack.say(sender, "Bootle"))[:1] == [1]


def test_awkward_messages_get_kind_answers(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert "words" in stack.say(sender, "😊😊😊")
    long_text = ("I have been having a hard time. " * 300)[:10_000]
    assert stack.say(sender, long_text)
    stack.say(sender, "lonely since my wife died")
    reply = stack.say(sender, "ZZ9 9ZZ")
    assert "postcode" in reply and "Whereabouts" not in reply.split(".")[0]
    # Rasa's own "/restart" (typed, or sent by a channel) answers and forgets the need.
    assert "started afresh" in stack.say(sender, "/restart")
    assert stack.slots(sender)["need"] is None


def test_conversation_survives_a_restart(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "looking for a walking group")
    stack.say(sender, "Crosby")
    before = stack.slots(sender)
    stack.stop()
    stack.start()
    after = stack.slots(sender)
    assert after["need"] == before["need"] == "physical_activity"
    assert after["results"] == before["results"]
    assert _numbered(stack.say(sender, "show more"))[0] == 4
