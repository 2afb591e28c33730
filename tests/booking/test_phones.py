"""UK phone numbers in the many ways people type them: one stored form (E.164), or None."""

from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bot.booking.phones import masked_phone, normalise_phone, spoken_phone

# Valid numbers that belong to nobody: the library's own example mobile (07400 123456) and
# Ofcom's drama range for Liverpool landlines (0151 496 0000-0999).
EXAMPLE_MOBILE = phonenumbers.format_number(
    phonenumbers.example_number_for_type("GB", PhoneNumberType.MOBILE), PhoneNumberFormat.E164
)
LANDLINE = "+441514960123"


def test_example_numbers() -> None:
    assert EXAMPLE_MOBILE == "+447400123456"


@pytest.mark.parametrize(
    "text",
    [
        "07400 123456",
        "07400123456",
        "074 0012 3456",
        "07400-123-456",
        "07400.123.456",
        "(07400) 123456",
        "+44 7400 123456",
        "+447400123456",
        "+44 (0)7400 123456",
        "0044 7400 123456",
        "447400123456",
        "  07400 123456  ",
        "my number is 07400 123456",
        "it's 07400123456 thanks",
        "07400 123456.",
    ],
)
def test_mobile_spellings(text: str) -> None:
    assert normalise_phone(text) == EXAMPLE_MOBILE


@pytest.mark.parametrize(
    "text",
    [
        "0151 496 0123",
        "01514960123",
        "(0151) 496 0123",
        "0151-496-0123",
        "+44 151 496 0123",
        "+44 (0)151 496 0123",
        "0044 151 496 0123",
    ],
)
def test_landline_spellings(text: str) -> None:
    assert normalise_phone(text) == LANDLINE


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "07400 12345",  # too short
        "0151 496 012",  # too short
        "07400 1234567",  # too long
        "123",
        "999",
        "abc",
        "no thanks",
        "07400 CALLME",  # letters are not dialled for the person
        "0151 496 0ABC",
        "074OO 123456",  # letter O for zero
        "09098 790 123",  # premium rate
        "0909 879 0123",
        "0871 123 4567",  # charged to the caller
        "0845 123 4567",
        "07700 900123",  # Ofcom's drama mobiles are not valid numbers
        "07400 123456 or 0151 496 0123",  # two numbers: ask again rather than guess
        "0" * 50,
    ],
)
def test_invalid_is_none(text: str) -> None:
    assert normalise_phone(text) is None


def test_freephone_and_foreign_numbers_are_kept() -> None:
    assert normalise_phone("0800 123 4567") == "+448001234567"
    assert normalise_phone("0300 123 4567") == "+443001234567"
    assert normalise_phone("+33 6 12 34 56 78") == "+33612345678"


def test_spoken_and_masked() -> None:
    assert spoken_phone(EXAMPLE_MOBILE) == "07400 123456"
    assert spoken_phone(LANDLINE) == "0151 496 0123"
    assert spoken_phone("+33612345678") == "+33 6 12 34 56 78"
    assert masked_phone(EXAMPLE_MOBILE) == "ending 456"
