"""Pseudonyms are stable, keyed, per channel, and refuse a missing key in production."""

from __future__ import annotations

import pytest

from bot.privacy.pseudonyms import MissingSecret, pseudonym_key, pseudonymise

KEY = b"k" * 40


def test_stable_and_not_reversible_by_eye() -> None:
    first = pseudonymise("sms", "+447700900123", KEY)
    assert first == pseudonymise("sms", "+447700900123", KEY)
    assert first.startswith("sms-") and "7700900123" not in first


def test_differs_by_channel_id_and_key() -> None:
    base = pseudonymise("sms", "+447700900123", KEY)
    assert base != pseudonymise("telegram", "+447700900123", KEY)
    assert base != pseudonymise("sms", "+447700900124", KEY)
    assert base != pseudonymise("sms", "+447700900123", b"j" * 40)


def test_production_refuses_to_run_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_ENV", "production")
    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY", raising=False)
    with pytest.raises(MissingSecret):
        pseudonym_key()
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "short")
    with pytest.raises(MissingSecret):
        pseudonym_key()
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "x" * 32)
    assert pseudonym_key() == b"x" * 32


def test_local_mode_uses_the_development_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNPOST_ENV", raising=False)
    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY", raising=False)
    assert pseudonymise("web", "abc") == pseudonymise("web", "abc")
