"""SMS settings, read from the environment when the channel is built (never at import time).

None of them is needed for the rest of the assistant: without them the channel is registered
but its webhook answers 503 "not configured". See docs/channels/sms.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

DEFAULT_API_URL = "https://api.twilio.com"
DEFAULT_MAX_SEGMENTS = 3

# Setting name -> what it is, for the "not configured" log line (names only, never values).
REQUIRED = {
    "SIGNPOST_TWILIO_ACCOUNT_SID": "account_sid",
    "SIGNPOST_TWILIO_AUTH_TOKEN": "auth_token",
    "SIGNPOST_SMS_WEBHOOK_URL": "webhook_url",
}


class SmsConfigError(ValueError):
    """A setting is present but unusable."""


@dataclass(frozen=True)
class SmsSettings:
    """Everything the SMS channel needs from the environment."""

    account_sid: str = ""
    auth_token: str = field(default="", repr=False)
    sms_number: str = ""  # the messaging number, E.164 ("+447700900123")
    messaging_service_sid: str = ""  # optional: send through a Messaging Service instead
    webhook_url: str = ""  # the public URL exactly as entered in the Twilio console
    api_base_url: str = DEFAULT_API_URL
    help_contact: str = ""  # how to reach a person, for the HELP reply
    max_segments: int = DEFAULT_MAX_SEGMENTS

    @property
    def missing(self) -> list[str]:
        """Names of the required settings that are not set."""
        names = [name for name, attr in REQUIRED.items() if not getattr(self, attr)]
        if not (self.sms_number or self.messaging_service_sid):
            names.append("SIGNPOST_SMS_NUMBER")
        return names

    @property
    def configured(self) -> bool:
        return not self.missing

    def signed_url(self, query_string: str = "") -> str:
        """The URL Twilio signed: the public one, with the query string the request came with.

        Behind a reverse proxy or TLS terminator the server sees http://127.0.0.1:5005/...,
        but Twilio signed the address it was told to call, so that is what is checked.
        """
        parts = urlsplit(self.webhook_url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query_string, ""))


def _int(value: str, name: str, default: int) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise SmsConfigError(f"{name} must be a whole number") from exc
    if number < 1:
        raise SmsConfigError(f"{name} must be at least 1")
    return number


def load_sms_settings(environ: Mapping[str, str] | None = None) -> SmsSettings:
    """Read the SMS settings now."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str:
        return env.get(name, "").strip()

    webhook_url = get("SIGNPOST_SMS_WEBHOOK_URL")
    if webhook_url and urlsplit(webhook_url).scheme not in ("http", "https"):
        raise SmsConfigError("SIGNPOST_SMS_WEBHOOK_URL must be a full http(s) URL")
    return SmsSettings(
        account_sid=get("SIGNPOST_TWILIO_ACCOUNT_SID"),
        auth_token=get("SIGNPOST_TWILIO_AUTH_TOKEN"),
        sms_number=get("SIGNPOST_SMS_NUMBER"),
        messaging_service_sid=get("SIGNPOST_SMS_MESSAGING_SERVICE_SID"),
        webhook_url=webhook_url,
        api_base_url=get("SIGNPOST_TWILIO_API_URL") or DEFAULT_API_URL,
        help_contact=get("SIGNPOST_SMS_HELP_CONTACT"),
        max_segments=_int(
            get("SIGNPOST_SMS_MAX_SEGMENTS"), "SIGNPOST_SMS_MAX_SEGMENTS", DEFAULT_MAX_SEGMENTS
        ),
    )
