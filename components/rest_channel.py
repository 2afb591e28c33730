"""Rasa's REST channel, with its input checked: for local use and tests only (it believes
whatever sender id it is given, so it is never registered in production).

Found by fuzzing (tests/production/test_fuzz_webhooks.py): the built-in channel answers an
empty or non-JSON body with a 500 (it calls .get on None), and logs a traceback for a message
that is not a string. This one answers 400 with what was wrong, and takes:

    {"sender": "<1-128 characters>", "message": "<text, at most 20,000 characters>",
     "metadata": {...optional object...}}

Same URL as the built-in (/webhooks/rest/webhook) and the same answer: the list of replies.
Register it in credentials.yml instead of `rest:`:

    components.rest_channel.CheckedRestInput:
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from components.safety_net import fallback_reply

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128  # the tracker store's sender_id column holds 255
# Long enough for a person who pours it all out (10,000 characters are answered and checked
# whole for a crisis); the limit only stops abuse of the endpoint.
MAX_MESSAGE_CHARS = 20_000
MAX_BODY_BYTES = 256 * 1024


class BadRequest(ValueError):
    pass


def parse_body(body: bytes) -> tuple[str, str, dict[str, Any] | None]:
    """(sender, message, metadata) from a request body, or BadRequest saying what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest("body too large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("body must be JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    sender, message, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(f"sender must be a string of 1 to {MAX_SENDER_CHARS} characters")
    if not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS:
        raise BadRequest(f"message must be a string of at most {MAX_MESSAGE_CHARS} characters")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("metadata must be an object")
    return sender.strip(), message, metadata


class CheckedRestInput(InputChannel):
    """POST /webhooks/rest/webhook {sender, message}: the replies, as a JSON list."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("checked_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, message, metadata = parse_body(request.body or b"")
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        message, collector, sender, input_channel=self.name(), metadata=metadata
                    )
                )
            except Exception as error:
                # Without the safety net (components/safety_net.py) in place, answer as it would.
                logger.error("REST: the assistant failed (%s)", type(error).__name__)
                await collector.send_text_message(sender, fallback_reply(message))
            return response.json(collector.messages)

        return bp
