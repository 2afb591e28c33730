"""Telegram channel (python-telegram-bot). Register in credentials.yml as
`bot.channels.telegram.TelegramInput:` with no values; settings come from the environment.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TelegramInput"]


def __getattr__(name: str) -> Any:
    # Imported on demand so the CLI and the formatting code don't load Rasa.
    if name == "TelegramInput":
        from bot.channels.telegram.channel import TelegramInput

        return TelegramInput
    raise AttributeError(name)
