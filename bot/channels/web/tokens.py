"""Session tokens: a browser proves it owns a chat session by showing the token it was given.

A token is "<session id>.<issued at>.<signature>", signed with HMAC-SHA256 under the channel
secret. Session ids are random and made by the server, so a browser cannot pick one, and
without the secret it cannot sign another session's id: presenting one gets a new session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def new_session_id() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits, 22 characters


class SessionTokens:
    """Issue and check tokens; a token older than `max_age_seconds` is no longer valid."""

    def __init__(self, secret: bytes, max_age_seconds: int) -> None:
        self._secret = secret
        self.max_age_seconds = max_age_seconds

    def _sign(self, session_id: str, issued: int) -> str:
        mac = hmac.new(self._secret, f"web-session:{session_id}.{issued}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()

    def issue(self, session_id: str, now: float | None = None) -> str:
        issued = int(time.time() if now is None else now)
        return f"{session_id}.{issued}.{self._sign(session_id, issued)}"

    def verify(self, token: object, now: float | None = None) -> str | None:
        """The session id the token proves, or None for anything forged, broken or too old."""
        if not isinstance(token, str) or len(token) > 200:
            return None
        parts = token.split(".")
        if len(parts) != 3 or not _SESSION_ID.match(parts[0]) or not parts[1].isdigit():
            return None
        session_id, issued_text, signature = parts
        issued = int(issued_text)
        if not hmac.compare_digest(signature, self._sign(session_id, issued)):
            return None
        age = (time.time() if now is None else now) - issued
        if age < -60 or age > self.max_age_seconds:  # a minute's clock skew, no more
            return None
        return session_id
