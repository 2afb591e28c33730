"""`signpost privacy ...`: delete, export, retention and find, as staff would run them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot import runtime
from bot.booking.models import Advisor, WorkingHours
from bot.db import get_engine, session_scope
from bot.privacy import tracker_events
from bot.privacy.cli import privacy_app
from bot.privacy.pseudonyms import pseudonymise
from bot.privacy.tracker_events import TrackerStoreNotFound, tracker_store_url
from tests.privacy.conftest import add_event, make_booking

runner = CliRunner()
PHONE, E164 = "0151 496 0009", "+441514960009"


@pytest.fixture
def stores(local_env: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Engine, Engine]:
    """The project database (runtime, from the environment) and a tracker store file."""
    project = runtime.engine()
    with session_scope(project) as session:
        session.add(
            Advisor(
                display_name="Robin",
                modes="phone",
                hours=[WorkingHours(weekday=0, starts="09:00", ends="17:00")],
            )
        )
    tracker_url = f"sqlite:///{local_env / 'tracker.db'}"
    monkeypatch.setenv("SIGNPOST_TRACKER_STORE_URL", tracker_url)
    tracker = get_engine(tracker_url)
    tracker_events.events.metadata.create_all(tracker)
    return project, tracker


def _someone(project: Engine, tracker: Engine) -> tuple[str, str]:
    now = datetime.now(timezone.utc)
    reference = make_booking(project, now + timedelta(days=2), "web-c1", E164, "Zephyrine", now=now)
    add_event(tracker, "web-c1", "user", now, {"text": "hello"})
    add_event(tracker, pseudonymise("sms", E164), "user", now, {"text": "hi by text"})
    return reference, "web-c1"


def test_delete_by_phone_asks_first_then_erases_and_says_whom_to_tell(
    stores: tuple[Engine, Engine],
) -> None:
    project, tracker = stores
    reference, _ = _someone(project, tracker)

    refused = runner.invoke(privacy_app, ["delete", "--phone", PHONE], input="n\n")
    assert refused.exit_code == 1 and "Nothing erased" in refused.output
    assert runner.invoke(privacy_app, ["find", "Zephyrine"]).exit_code == 1

    result = runner.invoke(privacy_app, ["delete", "--phone", PHONE], input="y\n")
    assert result.exit_code == 0, result.output
    assert "2 conversation(s)" in result.output
    assert f"Tell Robin: booking {reference}" in result.output
    assert "bookings cancelled: 1" in result.output

    for needle in ("Zephyrine", PHONE, "web-c1"):
        found = runner.invoke(privacy_app, ["find", needle])
        assert found.exit_code == 0 and "Not found anywhere" in found.output, found.output


def test_export_writes_json_only_the_owner_can_read(
    stores: tuple[Engine, Engine], tmp_path: Path
) -> None:
    project, tracker = stores
    reference, cid = _someone(project, tracker)
    out = tmp_path / "sar" / "export.json"
    result = runner.invoke(privacy_app, ["export", "--phone", PHONE, "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert [b["reference"] for b in data["bookings"]] == [reference]
    assert set(data["conversations"]) == {cid, pseudonymise("sms", E164)}
    assert out.stat().st_mode & 0o077 == 0


def test_retention_for_cron(stores: tuple[Engine, Engine]) -> None:
    _, tracker = stores
    long_ago = datetime.now(timezone.utc) - timedelta(days=200)
    add_event(tracker, "forgotten", "user", long_ago)
    dry = runner.invoke(privacy_app, ["retention", "--dry-run"])
    assert dry.exit_code == 0 and "1 idle conversations" in dry.output and "DRY RUN" in dry.output
    real = runner.invoke(privacy_app, ["retention", "--conversation-days", "90"])
    assert real.exit_code == 0 and "were deleted" in real.output
    again = runner.invoke(privacy_app, ["retention"])
    assert again.exit_code == 0 and "0 idle conversations" in again.output
    assert runner.invoke(privacy_app, ["retention", "--conversation-days", "0"]).exit_code == 2


def test_who_must_be_said(stores: tuple[Engine, Engine]) -> None:
    result = runner.invoke(privacy_app, ["delete", "--yes"])
    assert result.exit_code == 2 and "Say who" in result.output


def test_the_tracker_store_is_found_from_the_endpoints_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SIGNPOST_TRACKER_STORE_URL", raising=False)
    local = tmp_path / "endpoints.yml"
    local.write_text("tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: var/tracker.db\n")
    assert tracker_store_url(local).endswith("/var/tracker.db")

    production = tmp_path / "endpoints.production.yml"
    production.write_text(
        "tracker_store:\n"
        "  type: components.redacting_tracker_store.RedactingSQLTrackerStore\n"
        "  dialect: postgresql\n  url: ${DBH}\n  port: ${DBP}\n  db: tracker\n"
        "  username: ${DBU}\n  password: ${DBW}\n"
    )
    monkeypatch.setenv("DBH", "db.internal")
    monkeypatch.setenv("DBP", "5433")
    monkeypatch.setenv("DBU", "rasa")
    monkeypatch.setenv("DBW", "s3cret")
    assert tracker_store_url(production) == "postgresql://rasa:s3cret@db.internal:5433/tracker"
    monkeypatch.delenv("DBW")
    with pytest.raises(TrackerStoreNotFound, match="DBW"):
        tracker_store_url(production)

    memory = tmp_path / "memory.yml"
    memory.write_text("action_endpoint:\n  url: http://x\n")
    with pytest.raises(TrackerStoreNotFound):
        tracker_store_url(memory)
