"""Sending the assistant's replies to Telegram with python-telegram-bot's `Bot`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

from rasa.core.channels.channel import OutputChannel
from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.telegram import formatting
from bot.channels.telegram.store import ChatStore

logger = logging.getLogger(__name__)

# Telegram shows "typing…" for 5 seconds; renew it a little sooner while the assistant works.
TYPING_EVERY_SECONDS = 4.5
MAX_RETRY_AFTER_SECONDS = 30.0


class LongPayloads:
    """Button payloads too long for callback data, by their short key (most recent kept).

    In memory: after a restart an old long-payload button falls back to its title.
    """

    def __init__(self, size: int = 5_000) -> None:
        self._size = size
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def add(self, payloads: Mapping[str, str]) -> None:
        for key, payload in payloads.items():
            self._payloads[key] = payload
            self._payloads.move_to_end(key)
        while len(self._payloads) > self._size:
            self._payloads.popitem(last=False)

    def get(self, key: str) -> str | None:
        return self._payloads.get(key)


class TelegramOutput(OutputChannel):
    """Replies for one person. `chat_id` is known while answering them; for a message the
    assistant sends first it is looked up by pseudonym (and nothing is sent after /stop).
    """

    def __init__(
        self,
        bot: Bot,
        store: ChatStore,
        payloads: LongPayloads,
        chat_id: int | None = None,
    ) -> None:
        self._bot = bot
        self._store = store
        self._payloads = payloads
        self._chat_id = chat_id

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def _chat_for(self, recipient_id: str) -> int | None:
        if self._chat_id is not None:
            return self._chat_id
        chat_id = await self._store.reply_chat(recipient_id)
        if chat_id is None:
            logger.info("telegram: no chat to write to for a conversation (stopped or unknown)")
        return chat_id

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        text = message.get("text") or ""
        buttons = message.get("buttons") or message.get("quick_replies")
        if text or buttons:
            await self.send_text_with_buttons(recipient_id, text, buttons or [])
        if message.get("image"):
            await self.send_image_url(recipient_id, message["image"])
        if message.get("attachment"):
            await self.send_attachment(recipient_id, message["attachment"])
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("text"), str):
            await self.send_text_message(recipient_id, custom["text"])

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, [])

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        chat_id = await self._chat_for(recipient_id)
        if chat_id is None:
            return
        board = formatting.keyboard(buttons)
        self._payloads.add(board.long_payloads)
        parts = formatting.split_text(text) or (["Please choose:"] if board.markup else [])
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if not await self.send_part(chat_id, part, board.markup if last else None):
                if self._chat_id is None:
                    await self._store.set_stopped(recipient_id, True)
                return

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, image, [])

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, str(attachment), [])

    async def send_part(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> bool:
        """Send one message. False if the person has blocked the bot."""
        return await send_plain_or_html(self._bot, chat_id, text, markup)


async def send_plain_or_html(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Send formatted text; if Telegram rejects the markup, send the same words plainly.

    Returns False if the person has blocked the bot. Other failures are logged (without the
    chat) and swallowed: one lost message must not break the conversation.
    """
    html = formatting.render(text)
    options = LinkPreviewOptions(is_disabled=True)
    for attempt in range(2):
        try:
            try:
                await bot.send_message(
                    chat_id,
                    html,
                    parse_mode=formatting.PARSE_MODE,
                    reply_markup=markup,
                    link_preview_options=options,
                )
            except BadRequest as error:
                if "entit" not in str(error).lower():
                    raise
                logger.warning("telegram: formatting rejected (%s); sending plain text", error)
                await bot.send_message(
                    chat_id, text, reply_markup=markup, link_preview_options=options
                )
            return True
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            if attempt or seconds > MAX_RETRY_AFTER_SECONDS:
                logger.error("telegram: rate limited for %.0fs; message dropped", seconds)
                return True
            await asyncio.sleep(seconds)
        except Forbidden:
            logger.info("telegram: the person has blocked the bot; not sending")
            return False
        except TelegramError as error:
            logger.error("telegram: message not sent: %s", error)
            return True
    return True


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" until the block ends (Telegram clears it when a message arrives)."""

    async def show() -> None:
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id, ChatAction.TYPING)

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(TYPING_EVERY_SECONDS)
            await show()

    await show()

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
