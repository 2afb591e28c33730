"""The one way the assistant sends a text: Twilio's Messages API, through the official SDK's
asynchronous client, so sending never blocks the event loop.

The API base URL is configurable (SIGNPOST_TWILIO_API_URL) so tests point it at a fake
Twilio API on 127.0.0.1. Errors are reported by HTTP status and Twilio error code only:
Twilio's error messages can contain the phone number, which must not reach the logs.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from twilio.base import values
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.channels.sms.settings import SmsSettings

logger = logging.getLogger(__name__)

# Twilio error 21610: the recipient replied STOP to this sender (Twilio blocks further texts).
UNSUBSCRIBED_RECIPIENT = 21610
# Worth another try: Twilio is rate limiting or briefly unavailable, so nothing was sent.
_RETRY_STATUSES = {429, 503}


class SendError(Exception):
    """Twilio did not accept a message. Carries no message text and no phone number."""

    def __init__(self, status: int | None, code: int | None) -> None:
        super().__init__(f"Twilio refused the message (HTTP {status}, error {code})")
        self.status = status
        self.code = code


class RecipientUnsubscribed(SendError):
    """The person opted out at Twilio's end: record it and send nothing more."""


class TwilioMessages:
    """Sends texts from the service's number. Build it anywhere; it connects on first use."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: str = "",
        messaging_service_sid: str = "",
        api_base_url: str = "https://api.twilio.com",
        timeout: float = 10.0,
        attempts: int = 3,
        backoff: float = 0.5,
    ) -> None:
        self.account_sid = account_sid
        self._auth_token = auth_token
        self.sender = sender
        self.messaging_service_sid = messaging_service_sid
        self.api_base_url = api_base_url.rstrip("/")
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._client: Client | None = None
        self._http: AsyncTwilioHttpClient | None = None

    @classmethod
    def from_settings(cls, settings: SmsSettings) -> TwilioMessages:
        return cls(
            settings.account_sid,
            settings.auth_token,
            sender=settings.sms_number,
            messaging_service_sid=settings.messaging_service_sid,
            api_base_url=settings.api_base_url,
        )

    def _get_client(self) -> Client:
        # Built inside the running loop: the SDK's aiohttp session belongs to that loop.
        if self._client is None:
            self._http = AsyncTwilioHttpClient(timeout=self.timeout)
            # A non-empty environment so the SDK ignores TWILIO_EDGE / TWILIO_REGION, which
            # would rewrite the host of the configured base URL.
            self._client = Client(
                self.account_sid,
                self._auth_token,
                http_client=self._http,
                environment={"SIGNPOST_SMS": "1"},
            )
            self._client.api.base_url = self.api_base_url
        return self._client

    async def send(self, to: str, body: str) -> str:
        """Send one text; returns Twilio's message SID. Raises :class:`SendError`."""
        client = self._get_client()
        for attempt in range(1, self.attempts + 1):
            try:
                # The SDK passes no timeout to aiohttp unless given one per call: bound it here.
                message = await asyncio.wait_for(
                    client.messages.create_async(
                        to=to,
                        body=body,
                        from_=self.sender if not self.messaging_service_sid else values.unset,
                        messaging_service_sid=self.messaging_service_sid or values.unset,
                    ),
                    self.timeout,
                )
                return str(message.sid)
            except TwilioRestException as exc:
                if exc.code == UNSUBSCRIBED_RECIPIENT:
                    raise RecipientUnsubscribed(exc.status, exc.code) from None
                if exc.status not in _RETRY_STATUSES or attempt == self.attempts:
                    raise SendError(exc.status, exc.code) from None
            except aiohttp.ClientConnectorError:
                # Could not connect, so nothing was sent: safe to try again. (A timeout after
                # sending is not retried; the person would get the text twice.)
                if attempt == self.attempts:
                    raise SendError(None, None) from None
            except (aiohttp.ClientError, asyncio.TimeoutError):
                raise SendError(None, None) from None
            logger.info("Twilio busy or unreachable; retrying (attempt %d)", attempt)
            await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        raise SendError(None, None)  # not reached

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()
        self._client = None
        self._http = None
