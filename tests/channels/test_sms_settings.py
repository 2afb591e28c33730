"""SMS settings from the environment, and building the channel the way Rasa does."""

from __future__ import annotations

import pytest

from bot.channels.sms import TwilioSmsInput
from bot.channels.sms.settings import SmsConfigError, SmsSettings, load_sms_settings
from bot.privacy.pseudonyms import MissingSecret
from tests.channels.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, SERVICE_NUMBER

FULL = {
    "SIGNPOST_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
    "SIGNPOST_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
    "SIGNPOST_SMS_NUMBER": SERVICE_NUMBER,
    "SIGNPOST_SMS_WEBHOOK_URL": PUBLIC_URL,
}


def handoff(conversation_id: str, number: str) -> None:
    """Named in credentials.yml by the test below."""


def test_nothing_set_means_not_configured() -> None:
    settings = load_sms_settings({})
    assert not settings.configured
    assert settings.missing == [
        "SIGNPOST_TWILIO_ACCOUNT_SID",
        "SIGNPOST_TWILIO_AUTH_TOKEN",
        "SIGNPOST_SMS_WEBHOOK_URL",
        "SIGNPOST_SMS_NUMBER",
    ]
    assert settings.api_base_url == "https://api.twilio.com" and settings.max_segments == 3


def test_everything_set() -> None:
    settings = load_sms_settings(
        {**FULL, "SIGNPOST_TWILIO_API_URL": "http://127.0.0.1:9", "SIGNPOST_SMS_MAX_SEGMENTS": "2"}
    )
    assert settings.configured
    assert settings.api_base_url == "http://127.0.0.1:9" and settings.max_segments == 2
    assert AUTH_TOKEN not in repr(settings)


def test_a_messaging_service_can_stand_in_for_the_number() -> None:
    env = {**FULL, "SIGNPOST_SMS_NUMBER": "", "SIGNPOST_SMS_MESSAGING_SERVICE_SID": "MG" + "1" * 32}
    assert load_sms_settings(env).configured


@pytest.mark.parametrize(
    "env",
    [
        {"SIGNPOST_SMS_WEBHOOK_URL": "sms.example.org/webhooks/sms/webhook"},
        {"SIGNPOST_SMS_MAX_SEGMENTS": "three"},
        {"SIGNPOST_SMS_MAX_SEGMENTS": "0"},
    ],
)
def test_a_setting_that_is_present_but_unusable_is_an_error(env: dict[str, str]) -> None:
    with pytest.raises(SmsConfigError):
        load_sms_settings({**FULL, **env})


def test_the_signed_url_is_the_public_one_with_the_query_the_request_came_with() -> None:
    settings = SmsSettings(webhook_url="https://sms.example.org/webhooks/sms/webhook?a=1")
    assert settings.signed_url("a=1") == "https://sms.example.org/webhooks/sms/webhook?a=1"
    assert settings.signed_url("") == "https://sms.example.org/webhooks/sms/webhook"


def test_rasa_builds_the_channel_from_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FULL.items():
        monkeypatch.setenv(name, value)
    channel = TwilioSmsInput.from_credentials(
        {"number_handoff": "tests.channels.test_sms_settings.handoff"}
    )
    assert isinstance(channel, TwilioSmsInput)
    assert channel.settings.configured and channel.number_handoff is handoff
    assert TwilioSmsInput.name() == "sms"


def test_with_no_credentials_and_no_settings_the_channel_still_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in FULL:
        monkeypatch.delenv(name, raising=False)
    channel = TwilioSmsInput.from_credentials(None)
    assert isinstance(channel, TwilioSmsInput) and not channel.settings.configured


def test_production_refuses_to_start_without_the_pseudonym_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in FULL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SIGNPOST_ENV", "production")
    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY", raising=False)
    with pytest.raises(MissingSecret):
        TwilioSmsInput.from_credentials(None)
