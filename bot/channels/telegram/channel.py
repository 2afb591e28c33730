"""The Telegram channel for Rasa: a webhook that only Telegram can call (its secret token is
checked in constant time), each update handled once, replies sent with python-telegram-bot.

Mounted at /webhooks/telegram/webhook. Local development without a public URL uses the same
route: `signpost telegram poll` fetches updates and posts them here (see docs/channels/).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, Update
from telegram.error import TelegramError

from bot import runtime
from bot.channels.telegram import replies
from bot.channels.telegram.config import (
    SECRET_HEADER,
    TelegramConfig,
    TelegramConfigError,
    load_config,
    quiet_library_logs,
)
from bot.channels.telegram.dedupe import RecentUpdates
from bot.channels.telegram.formatting import LONG_PAYLOAD_PREFIX
from bot.channels.telegram.location import SharedLocation, outcode_from_coordinates
from bot.channels.telegram.output import (
    LongPayloads,
    TelegramOutput,
    send_plain_or_html,
    typing,
)
from bot.channels.telegram.store import ChatStore
from bot.channels.telegram.updates import Incoming, classify
from bot.privacy.pseudonyms import pseudonymise

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
# Intents the channel sends for commands (they exist in domain.yml).
GREET = "/greet"
HELP = "/what_can_you_do"
STOP = "/stop"
START_AGAIN = "/start_again"
DELETE_DATA = "/delete_my_data"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TelegramInput(InputChannel):
    """Telegram, through python-telegram-bot. Settings come from the environment."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        # credentials.yml holds no secrets (Rasa fails on unset ${VARS}); read them here.
        quiet_library_logs()
        try:
            config = load_config()
        except TelegramConfigError as error:
            logger.error("telegram channel not configured: %s", error)
            config = TelegramConfig("", "", "", "")
        if config.token and not config.webhook_secret:
            logger.error("telegram channel off: production needs SIGNPOST_TELEGRAM_WEBHOOK_SECRET")
        elif not config.configured:
            logger.info("telegram channel registered but not configured (no bot token)")
        return cls(config)

    def __init__(self, config: TelegramConfig, store: ChatStore | None = None) -> None:
        self.config = config
        self._store = store or ChatStore()
        self._recent = RecentUpdates()
        self._payloads = LongPayloads()
        self._bot: Bot | None = None

    # ------------------------------------------------------------------ plumbing

    def _get_bot(self) -> Bot:
        if self._bot is None:
            self._bot = self.config.make_bot()
        return self._bot

    async def _shared_location(self, incoming: Incoming) -> SharedLocation:
        def lookup() -> SharedLocation:
            return outcode_from_coordinates(
                runtime.gazetteer(), incoming.latitude, incoming.longitude
            )

        return await asyncio.to_thread(lookup)

    def get_output_channel(self) -> TelegramOutput | None:
        """For messages the assistant sends first: the chat is looked up by pseudonym."""
        if not self.config.configured:
            return None
        return TelegramOutput(self._get_bot(), self._store, self._payloads)

    def _authorised(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode(), self.config.webhook_secret.encode())

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        telegram_webhook = Blueprint("signpost_telegram", __name__)

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.config.configured})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.config.configured:
                return response.text("not configured", status=503)
            if not self._authorised(request):
                return response.text("forbidden", status=403)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.text("too large", status=413)
            try:
                data = json.loads(request.body)
            except ValueError:
                return response.text("not JSON", status=400)
            try:
                update = Update.de_json(data, self._get_bot())
            except (TypeError, KeyError, AttributeError, ValueError):
                update = None
            if update is None:
                # From Telegram (the secret matched) but unreadable: a retry would not help.
                logger.warning("telegram: an update could not be read; ignored")
                return response.text("ignored")
            if not self._recent.first_time(update.update_id):
                logger.info("telegram: update %s seen before; ignored", update.update_id)
                return response.text("duplicate")
            try:
                incoming = classify(update)
            except Exception:  # an update shape we have never seen: don't make Telegram retry
                logger.exception("telegram: update %s not understood", update.update_id)
                return response.text("ignored")
            try:
                await self.handle(incoming, on_new_message)
            except Exception:
                logger.exception("telegram: update %s failed", update.update_id)
                if incoming.chat_id is not None:
                    await send_plain_or_html(
                        self._get_bot(), incoming.chat_id, replies.SOMETHING_WENT_WRONG
                    )
            return response.text("ok")

        @telegram_webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            if self._bot is not None:
                await self._bot.shutdown()

        return telegram_webhook

    # ------------------------------------------------------------------ behaviour

    async def _say(self, chat_id: int, text: str) -> None:
        await send_plain_or_html(self._get_bot(), chat_id, text)

    async def _forward(
        self,
        incoming: Incoming,
        pseudonym: str,
        text: str,
        on_new_message: OnNewMessage,
        silent: bool = False,
    ) -> None:
        """Give the assistant a message; its replies go to this chat (or nowhere if silent)."""
        assert incoming.chat_id is not None
        output = (
            CollectingOutputChannel()
            if silent
            else TelegramOutput(self._get_bot(), self._store, self._payloads, incoming.chat_id)
        )
        message = UserMessage(
            text,
            output,
            pseudonym,
            input_channel=self.name(),
            message_id=f"telegram-{incoming.update_id}-{'s' if silent else 'm'}",
        )
        if silent:
            await on_new_message(message)
            return
        async with typing(self._get_bot(), incoming.chat_id):
            await on_new_message(message)

    async def handle(self, incoming: Incoming, on_new_message: OnNewMessage) -> None:
        """Act on one update (already authenticated and seen for the first time)."""
        bot = self._get_bot()
        if incoming.callback_id is not None:
            # Stop the button's spinner at once, whatever happens next.
            try:
                await bot.answer_callback_query(incoming.callback_id)
            except TelegramError as error:
                logger.warning("telegram: callback not answered: %s", error)
        if incoming.kind in ("edited", "ignore") or incoming.user_id is None:
            return
        chat_id = incoming.chat_id
        assert chat_id is not None
        if incoming.kind == "not_private":
            await self._say(chat_id, replies.NOT_PRIVATE)
            return

        pseudonym = pseudonymise(self.name(), str(incoming.user_id))
        if incoming.kind == "blocked":
            await self._store.set_stopped(pseudonym, True)
            return
        state = await self._store.state(pseudonym)
        stopped = bool(state and state.stopped)

        if incoming.kind == "command":
            await self._command(incoming, pseudonym, state is not None, stopped, on_new_message)
            return
        if stopped:
            await self._say(chat_id, replies.STILL_STOPPED)
            return
        if state is None or state.chat_id != chat_id:
            await self._store.remember_chat(pseudonym, chat_id)

        if incoming.kind == "text":
            if incoming.text:
                await self._forward(incoming, pseudonym, incoming.text, on_new_message)
            else:
                await self._say(chat_id, replies.media("other"))
        elif incoming.kind == "button":
            payload = self._payload(incoming)
            if payload:
                await self._forward(incoming, pseudonym, payload, on_new_message)
            else:
                await self._say(chat_id, replies.BUTTON_EXPIRED)
        elif incoming.kind == "location":
            await self._location(incoming, pseudonym, on_new_message)
        elif incoming.kind == "contact":
            await self._say(chat_id, replies.CONTACT)
        elif incoming.kind == "media":
            await self._say(chat_id, replies.media(incoming.media_kind, bool(incoming.text)))
            if incoming.text:
                await self._forward(incoming, pseudonym, incoming.text, on_new_message)

    def _payload(self, incoming: Incoming) -> str | None:
        data = incoming.text
        if not data.startswith(LONG_PAYLOAD_PREFIX):
            return data or None
        # A long payload travels as a key; after a restart the key is unknown, so fall back
        # to what the button said.
        return self._payloads.get(data) or incoming.button_title

    async def _location(
        self, incoming: Incoming, pseudonym: str, on_new_message: OnNewMessage
    ) -> None:
        assert incoming.chat_id is not None
        shared = await self._shared_location(incoming)
        if shared.outcode is None:
            problem = replies.LOCATION_FAR if shared.problem == "far" else None
            await self._say(incoming.chat_id, problem or replies.LOCATION_UNREADABLE)
            return
        await self._say(incoming.chat_id, replies.LOCATION_THANKS.format(outcode=shared.outcode))
        # Only the outward code reaches the assistant, as if the person had typed it.
        await self._forward(incoming, pseudonym, shared.outcode, on_new_message)

    async def _command(
        self,
        incoming: Incoming,
        pseudonym: str,
        known: bool,
        stopped: bool,
        on_new_message: OnNewMessage,
    ) -> None:
        chat_id = incoming.chat_id
        assert chat_id is not None
        command = incoming.command
        if command == "delete":
            if stopped:
                await self._say(chat_id, replies.DELETE_WHILE_STOPPED)
            else:
                # The assistant says what would be deleted and asks to be sure (actions/privacy.py).
                await self._forward(incoming, pseudonym, DELETE_DATA, on_new_message)
        elif command == "stop":
            await self._store.set_stopped(pseudonym, True)
            if known and not stopped:
                # Close any open question so nothing is left waiting for an answer.
                await self._forward(incoming, pseudonym, STOP, on_new_message, silent=True)
            await self._say(chat_id, replies.STOPPED)
        elif command == "start":
            await self._store.remember_chat(pseudonym, chat_id)
            if stopped:
                await self._store.set_stopped(pseudonym, False)
            if known:
                await self._forward(incoming, pseudonym, START_AGAIN, on_new_message, silent=True)
            await self._forward(incoming, pseudonym, GREET, on_new_message)
        elif stopped:
            await self._say(chat_id, replies.STILL_STOPPED)
        elif command == "help":
            await self._forward(incoming, pseudonym, HELP, on_new_message)
            await self._say(chat_id, replies.COMMANDS)
        else:
            await self._say(chat_id, replies.UNKNOWN_COMMAND)
