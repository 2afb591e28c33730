"""The SMS channel: Twilio's incoming-message webhook at /webhooks/sms/webhook.

Every request must carry a valid X-Twilio-Signature for the public webhook URL from the
configuration (not the URL the server sees, which behind a proxy is different); anything else
gets 403 and reaches nothing. A real message is acknowledged at once with empty TwiML and
handled in the background; the replies go out through the REST API (twilio_client), so a slow
turn never makes Twilio time out. See docs/channels/sms.md for why.

Register it in credentials.yml by module path, with no values:

    bot.channels.sms.TwilioSmsInput:
"""

from __future__ import annotations

import importlib
import logging
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.sms.conversation import (
    InboundSms,
    NumberHandoff,
    OnNewMessage,
    SmsConversations,
)
from bot.channels.sms.settings import SmsSettings, load_sms_settings
from bot.channels.sms.store import SmsStateStore
from bot.channels.sms.twilio_client import TwilioMessages
from bot.config import get_settings
from bot.privacy.pseudonyms import pseudonym_key

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Twilio's webhook forms are a few kilobytes; anything far bigger is not from Twilio.
MAX_BODY_BYTES = 64 * 1024


class _Form(dict):
    """Form fields as lists, with the `getlist` Twilio's RequestValidator looks for."""

    def getlist(self, name: str) -> list[str]:
        return self[name]

    def first(self, name: str) -> str:
        values = self.get(name) or [""]
        return values[0]


def parse_form(request: Request) -> _Form:
    """The form fields, blank ones included.

    Sanic's `request.form` drops blank fields, but Twilio signs them (an empty Body, an empty
    FromCity...), so a message with any blank field would fail the check.
    """
    content_type = request.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" not in content_type:
        return _Form()
    text = request.body.decode("utf-8", errors="replace")
    return _Form(parse_qs(text, keep_blank_values=True))


def _import_callable(path: str) -> NumberHandoff:
    module_name, _, attribute = path.rpartition(".")
    handoff = getattr(importlib.import_module(module_name), attribute)
    if not callable(handoff):
        raise TypeError(f"{path} is not callable")
    return handoff


class TwilioSmsInput(InputChannel):
    """Twilio SMS, checked and made for texting."""

    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Settings come from the environment; credentials.yml may name a number hand-off."""
        credentials = credentials or {}
        settings = load_sms_settings()
        handoff_path = credentials.get("number_handoff")
        handoff = _import_callable(str(handoff_path)) if handoff_path else None
        if settings.configured:
            pseudonym_key()  # in production, refuses to start without the real key
            if not settings.webhook_url.startswith("https://"):
                logger.warning(
                    "SMS: SIGNPOST_SMS_WEBHOOK_URL is not https; use https in production"
                )
        else:
            logger.info("SMS channel not configured (missing %s)", ", ".join(settings.missing))
        return cls(settings, number_handoff=handoff)

    def __init__(
        self,
        settings: SmsSettings | None = None,
        number_handoff: NumberHandoff | None = None,
        database_url: str | None = None,
    ) -> None:
        self.settings = settings or SmsSettings()
        self.number_handoff = number_handoff
        self._database_url = database_url
        self._validator = (
            RequestValidator(self.settings.auth_token) if self.settings.configured else None
        )
        self._conversations: SmsConversations | None = None

    def conversations(self) -> SmsConversations:
        """Built on first use, inside the server's event loop."""
        if self._conversations is None:
            self._conversations = SmsConversations(
                SmsStateStore(self._database_url or get_settings().database_url),
                TwilioMessages.from_settings(self.settings),
                help_contact=self.settings.help_contact,
                max_segments=self.settings.max_segments,
                number_handoff=self.number_handoff,
            )
        return self._conversations

    def is_genuine(self, request: Request, form: _Form) -> bool:
        """Whether Twilio signed this request, for our public URL, for our account."""
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or self._validator is None:
            logger.warning("SMS webhook: refused a request with no Twilio signature")
            return False
        url = self.settings.signed_url(request.query_string)
        if not self._validator.validate(url, form, signature):
            logger.warning("SMS webhook: refused a request with a wrong Twilio signature")
            return False
        if form.first("AccountSid") != self.settings.account_sid:
            logger.warning("SMS webhook: refused a signed request for another Twilio account")
            return False
        return True

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        sms = Blueprint("sms_webhook", __name__)

        @sms.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sms.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if self._validator is None:
                return response.text("SMS is not configured on this server.", status=503)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.text("Too large.", status=413)
            form = parse_form(request)
            if not self.is_genuine(request, form):
                return response.text("Forbidden.", status=403)
            inbound = InboundSms.from_form({key: form.first(key) for key in form})
            if inbound is not None:
                self.conversations().receive(inbound, on_new_message)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @sms.listener("before_server_stop")
        async def finish(*_: Any) -> None:
            if self._conversations is not None:
                await self._conversations.drain()
                await self._conversations.aclose()

        return sms

    def get_output_channel(self) -> OutputChannel | None:
        # Replies need the phone number, which is never stored; so no messages out of turn.
        return None
