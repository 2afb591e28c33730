"""The channel's settings: runs locally with nothing set, refuses production without secrets."""

from __future__ import annotations

import pytest

from bot.channels.web.config import DEVELOPMENT_SECRET, WebChatConfig

STRONG = "s" * 40


def test_local_mode_needs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY", raising=False)
    config = WebChatConfig.from_env({})
    assert config.configured
    assert config.secret == DEVELOPMENT_SECRET.encode()
    assert config.allowed_origins == frozenset()
    assert config.demo_page


def test_production_without_a_secret_is_not_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_ENV", "production")
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "k" * 40)
    config = WebChatConfig.from_env({"SIGNPOST_ENV": "production"})
    assert not config.configured
    assert "SIGNPOST_WEB_SECRET" in (config.problem or "")
    assert not config.demo_page


def test_production_without_a_pseudonym_key_is_not_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SIGNPOST_ENV", "production")
    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY", raising=False)
    config = WebChatConfig.from_env({"SIGNPOST_ENV": "production", "SIGNPOST_WEB_SECRET": STRONG})
    assert not config.configured
    assert "SIGNPOST_PSEUDONYM_KEY" in (config.problem or "")


def test_production_with_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_ENV", "production")
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "k" * 40)
    config = WebChatConfig.from_env(
        {
            "SIGNPOST_ENV": "production",
            "SIGNPOST_WEB_SECRET": STRONG,
            "SIGNPOST_WEB_ALLOWED_ORIGINS": "https://www.sefton.gov.uk, https://example.nhs.uk/",
            "SIGNPOST_WEB_RATE_PER_MINUTE": "10",
        }
    )
    assert config.configured
    assert config.secret == STRONG.encode()
    assert config.allowed_origins == {"https://www.sefton.gov.uk", "https://example.nhs.uk"}
    assert config.rate_per_minute == 10


def test_a_short_secret_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY", raising=False)
    assert WebChatConfig.from_env({"SIGNPOST_WEB_SECRET": "short"}).secret == (
        DEVELOPMENT_SECRET.encode()
    )
