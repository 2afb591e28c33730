"""The project's command line: `signpost <command>` (see README)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from bot import runtime
from bot.booking.cli import advisors_app, bookings_app
from bot.config import REPO_ROOT
from bot.crisis_cli import crisis_app
from bot.privacy.cli import privacy_app
from bot.telegram_cli import telegram_app

app = typer.Typer(
    help="Social prescribing signposting assistant.", no_args_is_help=True, add_completion=False
)
app.add_typer(advisors_app, name="advisors")
app.add_typer(bookings_app, name="bookings")
app.add_typer(telegram_app, name="telegram")
app.add_typer(crisis_app, name="crisis-lines")
app.add_typer(privacy_app, name="privacy")


@app.command("load-directory")
def load_directory_command(
    path: Path = typer.Option(
        None, help="Folder of directory YAML files (default: resources/directory)."
    ),
) -> None:
    """Load the resource directory YAML into the database (safe to run again)."""
    from rich.progress import Progress

    from bot.directory.loader import DirectoryError, load_directory, read_directory_files

    folder = path or runtime.settings().resources_dir / "directory"
    try:
        total = len(read_directory_files(folder))
        with Progress(transient=True) as progress:
            task = progress.add_task("Loading directory", total=total)
            report = load_directory(
                runtime.engine(),
                folder,
                runtime.gazetteer(),
                progress=lambda _name: progress.advance(task),
            )
    except DirectoryError as error:
        typer.echo(f"Directory not loaded: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(
        f"Loaded {report.services} services from {report.organizations} organisations "
        f"at {report.locations} places ({report.files} files)."
    )


@app.command("db-upgrade")
def db_upgrade_command() -> None:
    """Run the database migrations (every command that opens the database does this too)."""
    from bot.db import create_schema, get_engine

    url = runtime.settings().database_url
    create_schema(get_engine(url))
    typer.echo("Database is up to date.")


@app.command("model-hash")
def model_hash_command() -> None:
    """Print the hash of the training inputs (the model's cache key)."""
    from bot.modelcache import training_hash

    typer.echo(training_hash())


@app.command("model-path")
def model_path_command() -> None:
    """Print where the model for the current training inputs lives."""
    from bot.modelcache import model_path

    typer.echo(model_path())


@app.command("train")
def train_command(force: bool = typer.Option(False, help="Train even if cached.")) -> None:
    """Train the model if its inputs changed since the last one."""
    from bot.modelcache import ensure_model

    path, trained = ensure_model(force=force)
    typer.echo(f"{'Trained' if trained else 'Up to date'}: {path}")


@app.command("up")
def up_command(
    rasa_port: int = typer.Option(5005, help="Rasa server port (REST channel)."),
    action_port: int = typer.Option(5055, help="Action server port."),
    chat: bool = typer.Option(True, help="Chat in this terminal once ready."),
) -> None:
    """Start the action server and the Rasa server, then chat in the terminal."""
    import signal
    import time

    from bot.chat_client import chat as terminal_chat
    from bot.modelcache import model_path
    from bot.processes import start_servers

    model = model_path()
    if not model.exists():
        typer.echo("No model for the current training data: run `signpost train` first.", err=True)
        raise typer.Exit(1)
    typer.echo("Starting the action server and the Rasa server...")
    servers = start_servers(
        model,
        rasa_port=rasa_port,
        action_port=action_port,
        logging_config=REPO_ROOT / "logging.yml",
    )
    typer.echo(
        f"Ready. REST channel: {servers.rasa_url}/webhooks/rest/webhook (logs in {servers.log_dir})"
    )
    typer.echo(f"Web chat demo page: {servers.rasa_url}/webhooks/web/demo")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if chat and sys.stdin.isatty():
            terminal_chat(servers.rasa_url)
        else:
            typer.echo("Press Ctrl+C to stop.")
            while all(p.poll() is None for p in servers.processes):
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        typer.echo("Stopping...")
        servers.stop()


@app.command("chat")
def chat_command(url: str = typer.Option("http://127.0.0.1:5005", help="Rasa server.")) -> None:
    """Chat with an assistant that is already running."""
    from bot.chat_client import chat as terminal_chat

    terminal_chat(url)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
