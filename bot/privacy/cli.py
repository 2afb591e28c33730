"""`signpost privacy ...`: erasure and export for requests made by phone or email, and the
retention job for cron. See docs/privacy.md.

The person is found by any of: --phone (the number they booked or texted with), --conversation
(a conversation id, e.g. from a web chat's "your reference"), --telegram-id. The tracker store
is found from the endpoints file Rasa uses (--endpoints, SIGNPOST_ENDPOINTS, or by
SIGNPOST_ENV), or SIGNPOST_TRACKER_STORE_URL.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import typer

from bot.privacy.logging_setup import install_record_factory

privacy_app = typer.Typer(
    help="Delete or export one person's data; apply retention periods.",
    no_args_is_help=True,
)

_PHONE = typer.Option(None, "--phone", help="The phone number they gave or texted from.")
_CONVERSATION = typer.Option(None, "--conversation", help="A conversation id (repeatable).")
_TELEGRAM = typer.Option(None, "--telegram-id", help="Their Telegram user id (digits).")
_ENDPOINTS = typer.Option(
    None, "--endpoints", help="The endpoints file Rasa runs with (finds the tracker store)."
)


def _tracker_url(endpoints: Path | None) -> str:
    from bot.privacy.tracker_events import TrackerStoreNotFound, tracker_store_url

    try:
        return tracker_store_url(endpoints)
    except TrackerStoreNotFound as error:
        typer.echo(f"Can't find the conversation store: {error}", err=True)
        raise typer.Exit(2) from error


def _who(
    phone: str | None, conversation: list[str] | None, telegram_id: str | None
) -> tuple[list[str], str | None]:
    from bot import runtime
    from bot.privacy.erasure import find_conversations

    if not (phone or conversation or telegram_id):
        typer.echo("Say who: --phone, --conversation or --telegram-id.", err=True)
        raise typer.Exit(2)
    return find_conversations(runtime.engine(), conversation or [], phone, telegram_id)


@privacy_app.command("delete")
def delete_command(
    phone: str = _PHONE,
    conversation: list[str] = _CONVERSATION,
    telegram_id: str = _TELEGRAM,
    endpoints: Path = _ENDPOINTS,
    yes: bool = typer.Option(False, "--yes", help="Don't ask for confirmation."),
) -> None:
    """Erase everything held about one person (a request made by phone or email)."""
    from bot import runtime
    from bot.privacy.erasure import erase_person

    install_record_factory()
    tracker = _tracker_url(endpoints)
    ids, stored_phone = _who(phone, conversation, telegram_id)
    typer.echo(
        f"This erases {len(ids)} conversation(s)"
        + (" and everything held for that phone number" if stored_phone else "")
        + ". It cannot be undone."
    )
    if not yes and not typer.confirm("Erase now?"):
        typer.echo("Nothing erased.")
        raise typer.Exit(1)
    report = erase_person(
        runtime.engine(), ids, stored_phone, tracker, now=datetime.now(timezone.utc)
    )
    for line in report.lines():
        typer.echo(f"  {line}")
    from bot.schedule import format_datetime

    for booking in report.cancelled:
        typer.echo(
            f"  Tell {booking.advisor}: booking {booking.reference} on "
            f"{format_datetime(booking.starts_at)} is cancelled (the person asked to delete "
            "their data)."
        )
    typer.echo("Done." if report.found_anything else "Nothing was held for this person.")


@privacy_app.command("export")
def export_command(
    out: Path = typer.Option(..., "--out", help="Where to write the JSON file."),
    phone: str = _PHONE,
    conversation: list[str] = _CONVERSATION,
    telegram_id: str = _TELEGRAM,
    endpoints: Path = _ENDPOINTS,
) -> None:
    """Write everything held about one person as JSON (a subject access request)."""
    from bot import runtime
    from bot.privacy.erasure import export_person

    install_record_factory()
    tracker = _tracker_url(endpoints)
    ids, stored_phone = _who(phone, conversation, telegram_id)
    data = export_person(runtime.engine(), ids, stored_phone, tracker)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out.chmod(0o600)  # it is personal data
    found = (
        len(data["bookings"])
        + len(data["callback_requests"])
        + len(data["booking_drafts"])
        + len(data["conversations"])
    )
    typer.echo(f"Wrote {out} ({found} records, {len(data['conversations'])} conversations).")


@privacy_app.command("retention")
def retention_command(
    conversation_days: int = typer.Option(
        None, help="Delete conversations idle this long (default 90, or env)."
    ),
    contact_days: int = typer.Option(
        None, help="Remove booking contact details this long after (default 30, or env)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would be deleted."),
    endpoints: Path = _ENDPOINTS,
) -> None:
    """Apply the retention periods (for cron: quiet, safe to repeat, exit 0 on success)."""
    from dataclasses import replace

    from bot import runtime
    from bot.privacy.retention import RetentionSettings, run_retention

    install_record_factory()
    settings = RetentionSettings.from_env()
    try:
        if conversation_days is not None:
            settings = replace(settings, conversation_days=conversation_days)
        if contact_days is not None:
            settings = replace(settings, contact_days=contact_days)
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    tracker = _tracker_url(endpoints)
    report = run_retention(runtime.engine(), tracker, settings=settings, dry_run=dry_run)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    typer.echo(
        f"{stamp} retention ({settings.conversation_days} days conversations, "
        f"{settings.contact_days} days contact details){' DRY RUN' if dry_run else ''}:"
    )
    for line in report.lines():
        typer.echo(f"  {line}")


@privacy_app.command("find")
def find_command(
    text: str = typer.Argument(..., help="A name, phone number or conversation id."),
    endpoints: Path = _ENDPOINTS,
) -> None:
    """Search every table and the conversation store for a piece of text (to check an
    erasure). Exit 1 if it is found anywhere."""
    from bot import runtime
    from bot.privacy.scan import phone_variants, scan_database
    from bot.privacy.tracker_events import tracker_engine

    install_record_factory()
    needles = phone_variants(text)
    hits = scan_database(runtime.engine(), needles)
    store = tracker_engine(_tracker_url(endpoints))
    try:
        hits += [f"tracker store: {hit}" for hit in scan_database(store, needles)]
    finally:
        store.dispose()
    for hit in hits:
        typer.echo(hit)
    typer.echo(f"{len(hits)} place(s) hold it." if hits else "Not found anywhere.")
    if hits:
        sys.exit(1)
