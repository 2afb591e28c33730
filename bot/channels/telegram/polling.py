"""Local development without a public URL: fetch updates by long polling (python-telegram-bot's
own `Updater`) and post each one to the running assistant's Telegram webhook, with the secret,
exactly as Telegram would. So polling and production share one code path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import httpx
from telegram import Update
from telegram.ext import Updater

from bot.channels.telegram.config import (
    ALLOWED_UPDATES,
    SECRET_HEADER,
    WEBHOOK_PATH,
    TelegramConfig,
)

logger = logging.getLogger(__name__)

RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
# The assistant answers before its webhook returns; give slow replies room.
FORWARD_TIMEOUT = httpx.Timeout(120.0, connect=5.0)


class PollingError(RuntimeError):
    """Polling cannot usefully go on (e.g. the assistant rejects our secret)."""


def webhook_url_for(rasa_url: str) -> str:
    return f"{rasa_url.rstrip('/')}{WEBHOOK_PATH}"


async def forward(client: httpx.AsyncClient, url: str, secret: str, update: Update) -> bool:
    """Post one update to the webhook. True if delivered; retries while the server is down."""
    body = update.to_json()
    headers = {SECRET_HEADER: secret, "Content-Type": "application/json"}
    for delay in (*RETRY_DELAYS, None):
        try:
            reply = await client.post(url, content=body, headers=headers)
        except httpx.TransportError as error:
            logger.warning("assistant not reachable at %s (%s)", url, error)
        else:
            if reply.status_code == 403:
                raise PollingError(
                    "the assistant rejected the webhook secret: run it with the same "
                    "SIGNPOST_TELEGRAM_BOT_TOKEN / SIGNPOST_TELEGRAM_WEBHOOK_SECRET"
                )
            if reply.status_code == 503:
                raise PollingError(
                    "the assistant's Telegram channel is not configured: start it with "
                    "SIGNPOST_TELEGRAM_BOT_TOKEN set"
                )
            if reply.status_code < 500:
                return reply.status_code < 300
            logger.warning(
                "assistant answered %s for update %s", reply.status_code, update.update_id
            )
        if delay is None:
            break
        await asyncio.sleep(delay)
    logger.error("update %s not delivered; giving up on it", update.update_id)
    return False


async def run_polling(
    config: TelegramConfig,
    rasa_url: str,
    stop: asyncio.Event,
    poll_timeout: float = 10.0,
    drop_pending_updates: bool = False,
    on_forwarded: Callable[[Update, bool], None] | None = None,
) -> None:
    """Poll until `stop` is set. Removes any webhook first (Telegram allows one or the other)."""
    if not config.configured:
        raise PollingError("SIGNPOST_TELEGRAM_BOT_TOKEN is not set")
    url = webhook_url_for(rasa_url)
    queue: asyncio.Queue[object] = asyncio.Queue()
    async with (
        Updater(config.make_bot(), queue) as updater,
        httpx.AsyncClient(timeout=FORWARD_TIMEOUT) as client,
    ):
        await updater.start_polling(
            timeout=poll_timeout,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=drop_pending_updates,
        )
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                getting = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait(
                    {getting, stopping}, return_when=asyncio.FIRST_COMPLETED
                )
                if getting not in done:
                    getting.cancel()
                    break
                update = getting.result()
                if not isinstance(update, Update):
                    continue
                delivered = await forward(client, url, config.webhook_secret, update)
                if on_forwarded is not None:
                    on_forwarded(update, delivered)
        finally:
            stopping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stopping
            if updater.running:
                await updater.stop()
