"""Keyed pseudonyms: every channel turns a phone number, Telegram id or browser session id
into a conversation id that cannot be reversed without the secret key.

The key comes from SIGNPOST_PSEUDONYM_KEY. In local mode a fixed development key is used (and
said so in the logs); in production (SIGNPOST_ENV=production) the service refuses to start
without a real one.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os

logger = logging.getLogger(__name__)

# Only ever used in local development; production refuses it.
DEVELOPMENT_KEY = "signpost-local-development-key-not-secret"
MIN_KEY_LENGTH = 32


class MissingSecret(RuntimeError):
    """Production mode without the secret it needs."""


def pseudonym_key() -> bytes:
    """The key from the environment, or the development key outside production."""
    key = os.environ.get("SIGNPOST_PSEUDONYM_KEY", "")
    production = os.environ.get("SIGNPOST_ENV", "local") == "production"
    if key and len(key) >= MIN_KEY_LENGTH:
        return key.encode()
    if production:
        raise MissingSecret(
            f"SIGNPOST_PSEUDONYM_KEY must be set to at least {MIN_KEY_LENGTH} random "
            "characters in production"
        )
    if key:
        logger.warning("SIGNPOST_PSEUDONYM_KEY is too short; using the development key")
    return DEVELOPMENT_KEY.encode()


def pseudonymise(channel: str, raw_id: str, key: bytes | None = None) -> str:
    """A stable conversation id for `raw_id` on `channel`, e.g. "sms-3f9c…" (no personal data)."""
    digest = hmac.new(key or pseudonym_key(), f"{channel}:{raw_id}".encode(), hashlib.sha256)
    return f"{channel}-{digest.hexdigest()[:32]}"
