"""UK phone numbers: check them, store them in one form, and say them the way people do."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType


def normalise_phone(text: str, region: str = "GB") -> str | None:
    """E.164 ("+447700900123") for a valid number, else None. UK is the default region."""
    candidate = text.strip()
    if not candidate or len(candidate) > 40:
        return None
    try:
        number = phonenumbers.parse(candidate, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) in (
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.SHARED_COST,
    ):
        return None  # an advisor won't call a premium-rate number
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def spoken_phone(e164: str) -> str:
    """ "07700 900123" for a UK number, the international form otherwise."""
    number = phonenumbers.parse(e164, "GB")
    if number.country_code == 44:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def masked_phone(e164: str) -> str:
    """Only the last three digits, for read-backs that someone else might see."""
    return f"ending {e164[-3:]}"
