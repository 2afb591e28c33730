"""Masking personal data in text: the conversation tracker store and the logs both use this.

Pure Python, no Rasa. Three kinds of masking:

- Patterns (`redact_text`): UK phone numbers and international "+" numbers become "[phone]",
  email addresses "[email]", and a full postcode keeps only its outward code ("L9 1AD" becomes
  "L9 [postcode]": the outward code covers thousands of households and is what the assistant
  keeps anyway).
- Logs (`redact_log_text`) also mask long digit runs (platform ids such as a Telegram user id)
  and secret query parameters (`token=...`).
- Known values (`KnownValues.mask`): a name, phone number or note the person gave for a booking,
  wherever it appears (a name has no pattern, so it can only be masked once known).

Masking errs towards masking too much: a date written like a phone number is masked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PHONE = "[phone]"
EMAIL = "[email]"
POSTCODE = "[postcode]"
NUMBER = "[number]"
NAME = "[name]"
NOTE = "[note]"
SECRET = "[secret]"
REDACTED = "[redacted]"

# A UK number: +44 / 0044 (optionally "(0)") or a national 0, then 9-10 digits, each digit
# allowed one or two separators before it ("0151 496 0123", "(0151) 496-0123", "07700900123").
_UK_PHONE = (
    r"(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)"
    r"(?:[\s.\-()]{0,2}\d){9,10}"
)
# Any other number written with a leading "+": 8 to 15 digits.
_INTL_PHONE = r"\+\s?\d(?:[\s.\-()]{0,2}\d){6,14}"
_PHONE_RE = re.compile(rf"(?<![\w+])(?:{_UK_PHONE}|{_INTL_PHONE})(?![\w])")

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Outward code (area letters, district digit, optional digit or letter), optional space,
# inward code (digit, two letters). Case-insensitive: people type "l9 1ad" and "L91AD".
_POSTCODE_RE = re.compile(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})\b")

# Platform ids (Telegram user and chat ids, Twilio numbers without "+") are long digit runs.
_LONG_NUMBER_RE = re.compile(r"(?<![\w.])-?\d{8,}(?![\w])")

_SECRET_PARAM_RE = re.compile(
    r"(?i)\b(token|auth_token|access_token|secret|password|api_key|apikey)=([^&\s\"',;]+)"
)
_BEARER_RE = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}")


def _postcode(match: re.Match[str]) -> str:
    return f"{match.group(1).upper()} {POSTCODE}"


def redact_text(text: str) -> str:
    """Mask phone numbers, email addresses and full postcodes in a message."""
    if not text:
        return text
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _PHONE_RE.sub(PHONE, text)
    return _POSTCODE_RE.sub(_postcode, text)


def redact_log_text(text: str) -> str:
    """`redact_text`, plus long digit runs (platform ids) and secrets in URLs and headers."""
    if not text:
        return text
    text = _SECRET_PARAM_RE.sub(lambda m: f"{m.group(1)}={SECRET}", text)
    text = _BEARER_RE.sub(lambda m: f"{m.group(1)} {SECRET}", text)
    text = redact_text(text)
    return _LONG_NUMBER_RE.sub(NUMBER, text)


def redact_structure(value: Any, redact: Any = redact_text) -> Any:
    """Every string inside nested dicts and lists passed through `redact` (a copy)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_structure(item, redact) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_structure(item, redact) for item in value]
    return value


def phone_key(text: str) -> str | None:
    """The national significant digits of a phone number, to compare numbers however written.

    "+44 151 496 0123", "0151 496 0123" and "441514960123" all give "1514960123".
    """
    digits = re.sub(r"\D", "", text)
    if text.strip().startswith("+") or digits.startswith("00"):
        digits = digits.lstrip("0")
        if digits.startswith("44"):
            digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    elif digits.startswith("44") and len(digits) >= 11:
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits if len(digits) >= 7 else None


def find_phones(text: str) -> list[str]:
    """Every phone number written in `text`, as found."""
    return [m.group(0) for m in _PHONE_RE.finditer(text or "")]


def find_postcodes(text: str) -> list[str]:
    """Every full postcode in `text`, normalised ("L9 1AD")."""
    return [f"{m.group(1)} {m.group(2)}".upper() for m in _POSTCODE_RE.finditer(text or "")]


def find_emails(text: str) -> list[str]:
    return [m.group(0) for m in _EMAIL_RE.finditer(text or "")]


@dataclass
class KnownValues:
    """Personal details known to belong to one conversation, to mask wherever they appear."""

    names: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # phone_key() values
    notes: set[str] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)  # normalised "L9 1AD"
    emails: set[str] = field(default_factory=set)

    def add_name(self, name: str | None) -> None:
        if name and len(name.strip()) >= 2:
            self.names.add(name.strip())

    def add_phone(self, phone: str | None) -> None:
        key = phone_key(phone) if phone else None
        if key:
            self.phones.add(key)

    def add_note(self, note: str | None) -> None:
        if note and len(note.strip()) >= 3:
            self.notes.add(note.strip())

    def learn_from_text(self, text: str) -> None:
        """Remember the phones, postcodes and emails someone wrote, to mask them in replies."""
        for phone in find_phones(text):
            self.add_phone(phone)
        self.postcodes.update(find_postcodes(text))
        self.emails.update(e.lower() for e in find_emails(text))

    def update(self, other: KnownValues) -> None:
        self.names |= other.names
        self.phones |= other.phones
        self.notes |= other.notes
        self.postcodes |= other.postcodes
        self.emails |= other.emails

    def __bool__(self) -> bool:
        return bool(self.names or self.phones or self.notes or self.postcodes or self.emails)

    def mask(self, text: str) -> str:
        """`text` with every known value masked; other text is left as it is."""
        if not text or not self:
            return text
        # Longest first, so a note containing the name is masked whole.
        for note in sorted(self.notes, key=len, reverse=True):
            text = text.replace(note, NOTE)
        for name in sorted(self.names, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME, text, flags=re.IGNORECASE)
        if self.phones:
            text = _PHONE_RE.sub(
                lambda m: PHONE if phone_key(m.group(0)) in self.phones else m.group(0), text
            )
        if self.postcodes:
            text = _POSTCODE_RE.sub(
                lambda m: (
                    _postcode(m)
                    if f"{m.group(1)} {m.group(2)}".upper() in self.postcodes
                    else m.group(0)
                ),
                text,
            )
        if self.emails:
            text = _EMAIL_RE.sub(
                lambda m: EMAIL if m.group(0).lower() in self.emails else m.group(0), text
            )
        return text


def mask_all_phones(text: str) -> str:
    """Every phone number masked (used when the known values could not be looked up)."""
    return _PHONE_RE.sub(PHONE, text) if text else text


def contains_personal_pattern(text: str) -> bool:
    """Whether `text` still holds anything `redact_text` would mask."""
    return bool(_PHONE_RE.search(text) or _EMAIL_RE.search(text) or _POSTCODE_RE.search(text))


def known_from(
    names: Iterable[str | None] = (),
    phones: Iterable[str | None] = (),
    notes: Iterable[str | None] = (),
) -> KnownValues:
    known = KnownValues()
    for name in names:
        known.add_name(name)
    for phone in phones:
        known.add_phone(phone)
    for note in notes:
        known.add_note(note)
    return known
