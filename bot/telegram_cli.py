"""`signpost telegram ...`: talk to the bot from a phone without a public URL (poll), or
register and inspect the production webhook. Settings come from the environment (see
docs/channels/telegram.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from datetime import datetime, timezone

import typer
from telegram import Update
from telegram.error import TelegramError

from bot.channels.telegram.config import (
    ALLOWED_UPDATES,
    WEBHOOK_PATH,
    TelegramConfig,
    TelegramConfigError,
    load_config,
    quiet_library_logs,
)

telegram_app = typer.Typer(
    help="Connect the assistant to a Telegram bot.", no_args_is_help=True, add_completion=False
)


def _config() -> TelegramConfig:
    quiet_library_logs()
    try:
        config = load_config()
    except TelegramConfigError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    if not config.token:
        typer.echo(
            "Set SIGNPOST_TELEGRAM_BOT_TOKEN to your bot's token (from @BotFather).", err=True
        )
        raise typer.Exit(1)
    if not config.webhook_secret:
        typer.echo("Set SIGNPOST_TELEGRAM_WEBHOOK_SECRET (required in production).", err=True)
        raise typer.Exit(1)
    return config


@telegram_app.command("poll")
def poll_command(
    rasa_url: str = typer.Option(
        "http://127.0.0.1:5005", help="The running assistant (its Telegram webhook is used)."
    ),
    timeout: float = typer.Option(10.0, help="Long-polling timeout in seconds."),
    drop_pending: bool = typer.Option(
        False, help="Skip messages sent to the bot while nothing was running."
    ),
) -> None:
    """Fetch messages by long polling and pass them to the running assistant (no public URL)."""
    from bot.channels.telegram.polling import PollingError, run_polling, webhook_url_for

    config = _config()

    def forwarded(update: Update, delivered: bool) -> None:
        typer.echo(f"update {update.update_id}: {'delivered' if delivered else 'NOT delivered'}")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        typer.echo(
            f"Polling Telegram; passing messages to {webhook_url_for(rasa_url)}. Ctrl+C to stop."
        )
        await run_polling(config, rasa_url, stop, timeout, drop_pending, forwarded)

    try:
        asyncio.run(main())
    except (PollingError, TelegramError) as error:
        typer.echo(f"Polling stopped: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo("Stopped.")


@telegram_app.command("set-webhook")
def set_webhook_command(
    url: str = typer.Option(
        "",
        help="The assistant's public HTTPS address (default: SIGNPOST_TELEGRAM_PUBLIC_URL); "
        f"{WEBHOOK_PATH} is added if missing.",
    ),
    drop_pending: bool = typer.Option(False, help="Drop updates Telegram is still holding."),
    max_connections: int = typer.Option(10, help="Parallel connections Telegram may open."),
) -> None:
    """Tell Telegram where to post updates, with the secret token it must send back."""
    config = _config()
    target = url or config.public_url
    if not target:
        typer.echo("Give --url or set SIGNPOST_TELEGRAM_PUBLIC_URL.", err=True)
        raise typer.Exit(1)
    target = target.rstrip("/")
    if not target.endswith(WEBHOOK_PATH):
        target += WEBHOOK_PATH
    if not target.startswith("https://"):
        typer.echo("Telegram only posts to https:// addresses.", err=True)
        raise typer.Exit(1)

    async def main() -> bool:
        async with config.make_bot() as bot:
            return await bot.set_webhook(
                target,
                secret_token=config.webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=drop_pending,
                max_connections=max_connections,
            )

    try:
        done = asyncio.run(main())
    except TelegramError as error:
        typer.echo(f"Telegram refused: {error}", err=True)
        raise typer.Exit(1) from error
    if not done:
        typer.echo("Telegram did not confirm the webhook.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Webhook set: {target}")


@telegram_app.command("webhook-info")
def webhook_info_command(
    as_json: bool = typer.Option(False, "--json", help="Print Telegram's answer as JSON."),
) -> None:
    """Show what Telegram knows about the webhook (getWebhookInfo)."""
    config = _config()

    async def main() -> dict:
        async with config.make_bot() as bot:
            return (await bot.get_webhook_info()).to_dict()

    try:
        info = asyncio.run(main())
    except TelegramError as error:
        typer.echo(f"Telegram refused: {error}", err=True)
        raise typer.Exit(1) from error
    if as_json:
        typer.echo(json.dumps(info, indent=2, sort_keys=True))
        return
    typer.echo(f"URL: {info.get('url') or '(none: polling, or not set)'}")
    typer.echo(f"Waiting updates: {info.get('pending_update_count', 0)}")
    if info.get("last_error_message"):
        when = datetime.fromtimestamp(info.get("last_error_date") or 0, tz=timezone.utc)
        typer.echo(f"Last error: {info['last_error_message']} (at {when:%Y-%m-%d %H:%M} UTC)")
    if info.get("allowed_updates"):
        typer.echo(f"Update kinds: {', '.join(info['allowed_updates'])}")
    if info.get("max_connections"):
        typer.echo(f"Max connections: {info['max_connections']}")
