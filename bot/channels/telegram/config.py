"""Telegram settings, read from the environment when the channel or a command is built.

Nothing here is required for the rest of the assistant: without a bot token the channel is
registered but answers 503 "not configured".
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from dataclasses import dataclass

from telegram import Bot
from telegram.request import HTTPXRequest

DEFAULT_API_URL = "https://api.telegram.org"
# Telegram allows 1-256 characters from A-Z, a-z, 0-9, "_" and "-" in a webhook secret.
SECRET_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
WEBHOOK_PATH = "/webhooks/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The update kinds the channel handles; everything else is never sent to us.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")


class TelegramConfigError(ValueError):
    """A setting is present but unusable."""


def quiet_library_logs() -> None:
    """httpx logs every request URL at INFO, and Bot API URLs contain the bot token;
    python-telegram-bot logs chat ids and message text at DEBUG. Keep both out of logs."""
    for name, level in (("httpx", logging.WARNING), ("telegram", logging.INFO)):
        library = logging.getLogger(name)
        if library.getEffectiveLevel() < level:
            library.setLevel(level)


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def derived_secret(token: str) -> str:
    """A webhook secret made from the bot token, for local use when none is set.

    Anyone who has the token can already act as the bot, so this adds no weaker link; it just
    means a developer with only a token needs no second setting.
    """
    return hmac.new(token.encode(), b"signpost-telegram-webhook", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class TelegramConfig:
    """What the channel, the polling runner and the webhook commands need."""

    token: str
    webhook_secret: str
    api_url: str
    public_url: str  # where Telegram should post updates (webhook mode), "" if unknown

    @property
    def configured(self) -> bool:
        return bool(self.token and self.webhook_secret)

    @property
    def webhook_url(self) -> str:
        return f"{self.public_url.rstrip('/')}{WEBHOOK_PATH}" if self.public_url else ""

    def make_bot(self) -> Bot:
        """A Bot API client (call inside the event loop that will use it)."""
        api = self.api_url.rstrip("/")
        return Bot(
            self.token,
            base_url=f"{api}/bot",
            base_file_url=f"{api}/file/bot",
            request=HTTPXRequest(connection_pool_size=8, read_timeout=15, connect_timeout=10),
            # Long polling holds a request open; give it its own connection.
            get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=40),
        )


def load_config() -> TelegramConfig:
    """Read the settings now. Production needs an explicit webhook secret."""
    token = _env("SIGNPOST_TELEGRAM_BOT_TOKEN")
    secret = _env("SIGNPOST_TELEGRAM_WEBHOOK_SECRET")
    production = _env("SIGNPOST_ENV") == "production"
    if secret and not (len(secret) <= 256 and set(secret) <= SECRET_ALPHABET):
        raise TelegramConfigError(
            "SIGNPOST_TELEGRAM_WEBHOOK_SECRET may only use A-Z, a-z, 0-9, _ and - "
            "(at most 256 characters)"
        )
    if token and not secret and not production:
        secret = derived_secret(token)
    return TelegramConfig(
        token=token,
        webhook_secret=secret,
        api_url=_env("SIGNPOST_TELEGRAM_API_URL") or DEFAULT_API_URL,
        public_url=_env("SIGNPOST_TELEGRAM_PUBLIC_URL"),
    )
