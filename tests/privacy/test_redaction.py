"""Masking phone numbers, postcodes, emails, platform ids and known details in text."""

from __future__ import annotations

import pytest

from bot.privacy.redaction import (
    KnownValues,
    contains_personal_pattern,
    known_from,
    phone_key,
    redact_log_text,
    redact_structure,
    redact_text,
)


@pytest.mark.parametrize(
    "text",
    [
        "07700 900123",
        "07700900123",
        "it's 0151 496 0123 thanks",
        "(0151) 496-0123",
        "+44 7700 900123",
        "+44 (0)151 496 0123",
        "0044 151 496 0123",
        "+1 415 555 2671",
        "ring me on 0151.496.0123",
    ],
)
def test_phone_numbers_are_masked(text: str) -> None:
    masked = redact_text(text)
    assert "[phone]" in masked
    assert not any(ch.isdigit() for ch in masked.replace("[phone]", ""))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L9 1AD", "L9 [postcode]"),
        ("l9 1ad", "L9 [postcode]"),
        ("L91AD", "L9 [postcode]"),
        (
            "I live at 3 Rice Lane, L9 1AD, Liverpool",
            "I live at 3 Rice Lane, L9 [postcode], Liverpool",
        ),
        ("PR8 1DJ please", "PR8 [postcode] please"),
        ("EC1A 1BB", "EC1A [postcode]"),
    ],
)
def test_full_postcodes_keep_only_the_outward_code(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_emails_are_masked() -> None:
    assert redact_text("mail jo.bloggs+help@example.co.uk ok") == "mail [email] ok"


@pytest.mark.parametrize(
    "text",
    [
        "L9",
        "near Bootle",
        "im skint and behind on my council tax",
        "2",
        "booking K7P2Q",
        "2026-12-01T10:00:00+00:00|3|loc-hub-walton",
        "01/12/2026",
        "Thursday 26 November at 4:30pm",
        "sms-3f9cab12cd45aa00ff3f9cab12cd45aa",
        "12345",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_text(text) == text
    assert not contains_personal_pattern(text)


def test_logs_also_lose_platform_ids_and_secrets() -> None:
    line = "chat -1001234567890 user 987654321 GET /tracker?token=s3cr3t&x=1 Bearer abcdefghijk"
    masked = redact_log_text(line)
    assert "1234567890" not in masked and "987654321" not in masked
    assert "s3cr3t" not in masked and "abcdefghijk" not in masked
    assert "token=[secret]" in masked


def test_phone_keys_match_however_written() -> None:
    keys = {phone_key(p) for p in ("+441514960123", "0151 496 0123", "441514960123")}
    assert keys == {"1514960123"}


def test_known_values_are_masked_in_replies_and_nothing_else() -> None:
    known = known_from(["Jo"], ["+441514960123"], ["feeling very low"])
    summary = (
        "Name: Jo\nPhone: 0151 496 0123\nNote for the advisor: feeling very low\n"
        "Jobs club: call 0151 496 0100"
    )
    masked = known.mask(summary)
    assert masked == (
        "Name: [name]\nPhone: [phone]\nNote for the advisor: [note]\nJobs club: call 0151 496 0100"
    )


def test_values_learned_from_a_message_are_masked_in_the_reply() -> None:
    known = KnownValues()
    known.learn_from_text("I'm at L9 1AD, call 07700 900123 or jo@example.com")
    reply = "Near L9 1AD? We'll call 07700900123 and email JO@example.com."
    assert known.mask(reply) == "Near L9 [postcode]? We'll call [phone] and email [email]."


def test_structures_are_masked_throughout_and_copied() -> None:
    original = {"a": ["call 07700 900123", {"b": "L9 1AD"}], "n": 3, "none": None}
    masked = redact_structure(original)
    assert masked == {"a": ["call [phone]", {"b": "L9 [postcode]"}], "n": 3, "none": None}
    assert original["a"][0] == "call 07700 900123"
