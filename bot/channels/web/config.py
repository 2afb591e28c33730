"""Settings of the web chat channel, read from the environment when the channel is built.

Nothing here is required for the rest of the assistant: in local mode the channel runs with a
development secret and same-origin pages only; in production (SIGNPOST_ENV=production) it
stays registered but answers 503 until SIGNPOST_WEB_SECRET (and the pseudonym key) are set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.privacy.pseudonyms import MissingSecret, pseudonym_key

logger = logging.getLogger(__name__)

# Only ever used in local development; production refuses it.
DEVELOPMENT_SECRET = "signpost-web-local-development-secret-not-secret"
MIN_SECRET_LENGTH = 32
DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    return int(value) if value else default


def normalise_origin(origin: str) -> str:
    """'HTTPS://Example.org:443/' -> 'https://example.org' (how browsers send Origin)."""
    parts = urlsplit(origin.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not scheme or not host:
        raise ValueError(f"not an origin: {origin!r}")
    default_port = {"http": 80, "https": 443}.get(scheme)
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{scheme}://{host}{port}"


@dataclass(frozen=True)
class WebChatConfig:
    """Everything the channel needs; `problem` says why it is not serving, if it isn't."""

    secret: bytes
    allowed_origins: frozenset[str]
    session_hours: int
    rate_per_minute: int
    rate_burst: int
    new_sessions_per_minute: int
    max_message_chars: int
    history_limit: int
    demo_page: bool
    production: bool
    problem: str | None = None

    @property
    def configured(self) -> bool:
        return self.problem is None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebChatConfig:
        env = os.environ if env is None else env
        production = env.get("SIGNPOST_ENV", "local") == "production"
        problem = None
        secret = env.get("SIGNPOST_WEB_SECRET", "")
        if len(secret) < MIN_SECRET_LENGTH:
            if production:
                problem = (
                    f"SIGNPOST_WEB_SECRET must be at least {MIN_SECRET_LENGTH} random characters"
                )
            elif secret:
                logger.warning("SIGNPOST_WEB_SECRET is too short; using the development secret")
            secret = DEVELOPMENT_SECRET
        try:
            pseudonym_key()
        except MissingSecret as error:
            problem = problem or str(error)
        origins = frozenset(
            normalise_origin(o) for o in env.get("SIGNPOST_WEB_ALLOWED_ORIGINS", "").split(",") if o
        )
        return cls(
            secret=secret.encode(),
            allowed_origins=origins,
            session_hours=_int(env, "SIGNPOST_WEB_SESSION_HOURS", 24),
            rate_per_minute=_int(env, "SIGNPOST_WEB_RATE_PER_MINUTE", 20),
            rate_burst=_int(env, "SIGNPOST_WEB_RATE_BURST", 6),
            new_sessions_per_minute=_int(env, "SIGNPOST_WEB_NEW_SESSIONS_PER_MINUTE", 60),
            max_message_chars=_int(env, "SIGNPOST_WEB_MAX_MESSAGE_CHARS", 4000),
            history_limit=_int(env, "SIGNPOST_WEB_HISTORY_LIMIT", 200),
            demo_page=env.get("SIGNPOST_WEB_DEMO", "0" if production else "1") == "1",
            production=production,
            problem=problem,
        )
