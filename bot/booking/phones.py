"""UK phone numbers: check them, store them in one form, and say them the way people do."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import (
    Leniency,
    NumberParseException,
    PhoneNumberFormat,
    PhoneNumberMatcher,
    PhoneNumberType,
)


def normalise_phone(text: str, region: str = "GB") -> str | None:
    """E.164 ("+447400123456") for one valid number in `text`, else None. UK is the default.

    The number may sit in a sentence ("it's 07400 123456 thanks"). Letters are never dialled:
    `phonenumbers.parse` alone reads "07400 CALLME" as a real number. Two different numbers
    are refused rather than guessed between.
    """
    candidate = text.strip()
    if not candidate or len(candidate) > 100:
        return None
    numbers = [m.number for m in PhoneNumberMatcher(candidate, region, leniency=Leniency.VALID)]
    if not numbers and not re.search(r"[^\d\s+().\-]", candidate):
        # Digits only, but not as the matcher likes them (e.g. no leading 0): parse directly.
        try:
            numbers = [phonenumbers.parse(candidate, region)]
        except NumberParseException:
            return None
    found = {phonenumbers.format_number(n, PhoneNumberFormat.E164) for n in numbers}
    if len(found) != 1:
        return None
    number = numbers[0]
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) in (
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.SHARED_COST,
    ):
        return None  # an advisor won't call a premium-rate number
    return found.pop()


def spoken_phone(e164: str) -> str:
    """ "07700 900123" for a UK number, the international form otherwise."""
    number = phonenumbers.parse(e164, "GB")
    if number.country_code == 44:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def masked_phone(e164: str) -> str:
    """Only the last three digits, for read-backs that someone else might see."""
    return f"ending {e164[-3:]}"
