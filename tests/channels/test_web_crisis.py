"""Web chat: a crisis message gets the crisis reply first, in every state issue 7 names, typed
as a new user would over the widget's WebSocket protocol (real servers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.stack import WebStack
from tests.channels.test_web_channel import Client, connect
from tests.support.crisis import CRISIS_SCENARIOS, assert_crisis_reply

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    running = WebStack(tmp_path_factory.mktemp("web-crisis"))
    running.start()
    yield running
    running.stop()


async def _say(client: Client, text: str) -> list[str]:
    await client.send(text)
    return [frame["text"] for frame in await client.replies()]


@pytest.mark.parametrize("state", list(CRISIS_SCENARIOS))
async def test_crisis_reply_comes_first(stack: WebStack, state: str) -> None:
    scenario = CRISIS_SCENARIOS[state]
    async with connect(stack, stack.url) as ws:
        client = Client(ws)
        await client.hello()
        for step in scenario.steps:
            replies = await _say(client, step.says)
            assert replies, f"no reply to {step.says!r}"
            if step.expect:
                assert step.expect in "\n".join(replies), replies
        replies = await _say(client, scenario.crisis)
        assert replies, "no reply to a crisis message"
        assert_crisis_reply(replies[0], scenario.ids, silent_code=scenario.silent_code)
