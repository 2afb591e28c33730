"""`signpost telegram set-webhook` / `webhook-info` against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from bot.channels.telegram.config import WEBHOOK_PATH, derived_secret
from bot.telegram_cli import telegram_app
from tests.channels.fake_telegram import FakeTelegram

TOKEN = "123456:TEST-token_for-cli"
SECRET = "cli-secret_0123456789"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    api = FakeTelegram(TOKEN).start()
    yield api
    api.stop()


@pytest.fixture
def env(fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SIGNPOST_TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("SIGNPOST_TELEGRAM_API_URL", fake.api_url)
    monkeypatch.delenv("SIGNPOST_TELEGRAM_PUBLIC_URL", raising=False)


def test_set_webhook_registers_url_secret_and_update_kinds(fake: FakeTelegram, env: None) -> None:
    result = CliRunner().invoke(telegram_app, ["set-webhook", "--url", "https://signpost.example"])
    assert result.exit_code == 0, result.output
    assert fake.webhook["url"] == f"https://signpost.example{WEBHOOK_PATH}"
    assert fake.webhook["secret_token"] == SECRET
    assert "edited_message" in fake.webhook["allowed_updates"]
    assert "callback_query" in fake.webhook["allowed_updates"]

    info = CliRunner().invoke(telegram_app, ["webhook-info"])
    assert info.exit_code == 0, info.output
    assert f"URL: https://signpost.example{WEBHOOK_PATH}" in info.output
    as_json = CliRunner().invoke(telegram_app, ["webhook-info", "--json"])
    assert json.loads(as_json.output)["url"].endswith(WEBHOOK_PATH)
    assert SECRET not in info.output + as_json.output


def test_set_webhook_refuses_plain_http(fake: FakeTelegram, env: None) -> None:
    result = CliRunner().invoke(telegram_app, ["set-webhook", "--url", "http://signpost.example"])
    assert result.exit_code == 1
    assert fake.calls_to("setWebhook") == []


def test_telegram_errors_are_reported_not_raised(fake: FakeTelegram, env: None) -> None:
    fake.fail("setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided")
    result = CliRunner().invoke(telegram_app, ["set-webhook", "--url", "https://signpost.example"])
    assert result.exit_code == 1
    assert "bad webhook" in result.output.lower()


def test_without_a_token_commands_explain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNPOST_TELEGRAM_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(telegram_app, ["webhook-info"])
    assert result.exit_code == 1
    assert "SIGNPOST_TELEGRAM_BOT_TOKEN" in result.output


def test_local_secret_is_derived_from_the_token_but_production_needs_one(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNPOST_TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SIGNPOST_TELEGRAM_API_URL", fake.api_url)
    monkeypatch.delenv("SIGNPOST_TELEGRAM_WEBHOOK_SECRET", raising=False)
    result = CliRunner().invoke(telegram_app, ["set-webhook", "--url", "https://s.example"])
    assert result.exit_code == 0, result.output
    assert fake.webhook["secret_token"] == derived_secret(TOKEN)

    monkeypatch.setenv("SIGNPOST_ENV", "production")
    result = CliRunner().invoke(telegram_app, ["set-webhook", "--url", "https://s.example"])
    assert result.exit_code == 1
    assert "SIGNPOST_TELEGRAM_WEBHOOK_SECRET" in result.output
