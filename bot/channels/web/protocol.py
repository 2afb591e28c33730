"""The widget's small JSON protocol over one WebSocket (see docs/channels/web.md).

Browser to server: hello {token, have}, message {cid, text}, ping.
Server to browser: session {token, new, reset, count, items}, ack {cid}, user (another tab's
message), bot {text, blocks, buttons}, typing {on}, error {code, cid?, retry_after?}, pong.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict, deque
from dataclasses import dataclass

MAX_FRAME_BYTES = 16 * 1024
_CID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class BadFrame(ValueError):
    """A frame the widget would never send."""


@dataclass(frozen=True)
class Hello:
    token: str | None
    have: int


@dataclass(frozen=True)
class Message:
    cid: str
    text: str


@dataclass(frozen=True)
class Ping:
    pass


def parse_frame(raw: str | bytes | None, max_chars: int) -> Hello | Message | Ping:
    if raw is None:
        raise BadFrame("no frame")
    if isinstance(raw, bytes) or len(raw.encode()) > MAX_FRAME_BYTES:
        raise BadFrame("binary or too large")
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise BadFrame("not JSON") from error
    if not isinstance(data, dict):
        raise BadFrame("not an object")
    kind = data.get("type")
    if kind == "hello":
        token, have = data.get("token"), data.get("have", 0)
        if token is not None and not isinstance(token, str):
            raise BadFrame("token")
        if not isinstance(have, int) or isinstance(have, bool) or have < 0:
            raise BadFrame("have")
        return Hello(token or None, have)
    if kind == "message":
        cid, text = data.get("cid"), data.get("text")
        if not isinstance(cid, str) or not _CID.match(cid) or not isinstance(text, str):
            raise BadFrame("message")
        text = text.strip()
        if not text or len(text) > max_chars:
            raise BadFrame("text length")
        return Message(cid, text)
    if kind == "ping":
        return Ping()
    raise BadFrame(f"unknown type {kind!r}")


class RecentIds:
    """The last few message ids seen per conversation, so a resent message runs only once."""

    def __init__(self, per_key: int = 64, max_keys: int = 10_000) -> None:
        self.per_key = per_key
        self.max_keys = max_keys
        self._seen: OrderedDict[str, deque[str]] = OrderedDict()

    def contains(self, key: str, cid: str) -> bool:
        ids = self._seen.get(key)
        return ids is not None and cid in ids

    def add(self, key: str, cid: str) -> None:
        ids = self._seen.get(key)
        if ids is None:
            ids = self._seen[key] = deque(maxlen=self.per_key)
            while len(self._seen) > self.max_keys:
                self._seen.popitem(last=False)
        self._seen.move_to_end(key)
        ids.append(cid)
