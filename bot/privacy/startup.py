"""Refusing to start in production without the secrets privacy depends on.

In production (SIGNPOST_ENV=production) a server must not start, and then fail on the first
message, or worse fall back to a development default: it stops at once with a message naming
every missing setting. Locally nothing is required.
"""

from __future__ import annotations

import os

from bot.privacy.pseudonyms import MIN_KEY_LENGTH, MissingSecret


def is_production() -> bool:
    return os.environ.get("SIGNPOST_ENV", "local").strip() == "production"


def missing_production_settings() -> list[str]:
    """What production lacks (empty when all is well, or when not in production)."""
    if not is_production():
        return []
    problems = []
    key = os.environ.get("SIGNPOST_PSEUDONYM_KEY", "")
    if len(key) < MIN_KEY_LENGTH:
        problems.append(f"SIGNPOST_PSEUDONYM_KEY (at least {MIN_KEY_LENGTH} random characters)")
    url = os.environ.get("SIGNPOST_DATABASE_URL", "").strip()
    if not url:
        problems.append("SIGNPOST_DATABASE_URL (the PostgreSQL database)")
    elif url.startswith("sqlite"):
        problems.append("SIGNPOST_DATABASE_URL must be PostgreSQL in production, not SQLite")
    return problems


def check_production_secrets() -> None:
    """Raise MissingSecret naming everything production lacks."""
    problems = missing_production_settings()
    if problems:
        raise MissingSecret("Not starting in production without: " + "; ".join(problems))
