"""SMS through Twilio: a custom Rasa input channel, checked and made for texting.

`bot.channels.sms.TwilioSmsInput` is what credentials.yml names. It is imported lazily so the
pure parts (formatting, keywords) can be used and tested without loading Rasa.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TwilioSmsInput"]


def __getattr__(name: str) -> Any:
    if name == "TwilioSmsInput":
        from bot.channels.sms.channel import TwilioSmsInput

        return TwilioSmsInput
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
