"""How the assistant's plain replies look on Telegram: HTML with bold names, tappable numbers
and links, split under Telegram's length limit, with buttons as an inline keyboard.

Pure functions: no network, no state. The assistant's words arrive as plain text (see
bot/signposting.py); everything here only adds markup around them.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, ParseMode

PARSE_MODE = ParseMode.HTML
# Below Telegram's 4096 so a split message never meets the limit after entity parsing.
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH - 96
CALLBACK_LIMIT = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
LONG_PAYLOAD_PREFIX = "k:"
# A row of the keyboard holds at most this many buttons / title characters, so a row
# stays readable on a small phone.
ROW_BUTTONS = 3
ROW_CHARS = 30

# "1. Name (Organisation)" - a result card or the heading of a service's details.
_NUMBERED = re.compile(r"^(\d{1,2}\. )(.+?)( \([^()]*\))?$")
# "• Samaritans: 116 123 (any time)", "- Shout: text SHOUT to 85258" - a helpline line.
_BULLET = re.compile(r"^([•-] )([^:]{1,60})(:.*)$")
# UK numbers as people write them: "0151 496 0100", "0808 2000 247", "07700 900123".
_UK_PHONE = re.compile(r"(?<![\d+])0\d{2,4}(?:[ -]?\d{2,4}){1,3}(?![\d])")
_URL = re.compile(r"\bhttps?://[^\s<>()]+[^\s<>().,;:!?'\"]")
_WEBSITE_LINE = re.compile(r"^(Website: )(\S+)$")


def escape(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (only &, < and > are special)."""
    return html.escape(text, quote=False)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """What the person sees for some HTML markup."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def international(number: str) -> str | None:
    """ "0151 496 0100" -> "+44 151 496 0100", which Telegram apps make tappable to call."""
    digits = re.sub(r"\D", "", number)
    if not (10 <= len(digits) <= 11 and digits.startswith("0")):
        return None
    return "+44 " + re.sub(r"^0", "", number.replace("-", " "))


def _link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{escape(label)}</a>'


def _website(value: str) -> str:
    url = value if re.match(r"^https?://", value, re.IGNORECASE) else f"https://{value}"
    return _link(url, value)


def _inline(text: str, tappable: bool = False) -> str:
    """Escape a run of text, linking URLs and (if `tappable`) adding the tappable form of UK
    numbers."""
    out: list[str] = []
    position = 0
    spans = sorted(
        [(m.start(), m.end(), "url") for m in _URL.finditer(text)]
        + [(m.start(), m.end(), "phone") for m in _UK_PHONE.finditer(text) if tappable]
    )
    for start, end, kind in spans:
        if start < position:
            continue
        out.append(escape(text[position:start]))
        found = text[start:end]
        if kind == "url":
            out.append(_link(found, found))
        else:
            tappable = international(found)
            already = tappable is not None and tappable in text
            suffix = f" ({tappable})" if tappable and not already else ""
            out.append(escape(found + suffix))
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def render_line(line: str, in_service: bool = False) -> str:
    """One line of a reply as Telegram HTML. `in_service`: the line belongs to a service's
    card or details, so a "Phone:" line is the service's number (not, say, the person's own
    number read back to them)."""
    numbered = _NUMBERED.match(line)
    if numbered:
        number, name, organisation = numbered.groups()
        return f"{escape(number)}<b>{_inline(name)}</b>{_inline(organisation or '')}"
    bullet = _BULLET.match(line)
    if bullet:
        mark, name, rest = bullet.groups()
        return f"{escape(mark)}<b>{_inline(name)}</b>{_inline(rest, tappable=True)}"
    website = _WEBSITE_LINE.match(line)
    if website:
        return escape(website.group(1)) + _website(website.group(2))
    stripped = line.lstrip()
    tappable = stripped.startswith("Call ") or (in_service and stripped.startswith("Phone:"))
    return _inline(line, tappable)


def render(text: str) -> str:
    """A whole reply (or one part of one) as Telegram HTML."""
    lines = text.split("\n")
    in_service = any(_NUMBERED.match(line) for line in lines)
    return "\n".join(render_line(line, in_service) for line in lines)


def _rendered_length(text: str) -> int:
    return utf16_length(visible_text(render(text)))


def _hard_split(line: str, limit: int) -> list[str]:
    """A line too long for one message, cut between words where possible."""
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(?<=\s)", line):
        while _rendered_length(word) > limit:  # one enormous "word": cut it
            cut = limit
            while _rendered_length(word[:cut]) > limit:
                cut -= max(1, cut // 10)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:cut])
            word = word[cut:]
        if current and _rendered_length(current + word) > limit:
            pieces.append(current)
            current = ""
        current += word
    if current:
        pieces.append(current)
    return [piece.strip() for piece in pieces if piece.strip()]


def _pack(parts: Iterable[str], separator: str, limit: int) -> list[str]:
    messages: list[str] = []
    current = ""
    for part in parts:
        joined = f"{current}{separator}{part}" if current else part
        if _rendered_length(joined) <= limit:
            current = joined
            continue
        if current:
            messages.append(current)
        current = part
    if current:
        messages.append(current)
    return messages


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Plain text cut into parts that each fit one Telegram message once rendered.

    Cuts between paragraphs first, then between lines, then between words, so a result
    card is only ever split when it could not fit on its own.
    """
    parts: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if _rendered_length(paragraph) <= limit:
            parts.append(paragraph)
            continue
        lines: list[str] = []
        for line in paragraph.split("\n"):
            lines.extend([line] if _rendered_length(line) <= limit else _hard_split(line, limit))
        parts.extend(_pack(lines, "\n", limit))
    return _pack(parts, "\n\n", limit) if parts else []


@dataclass(frozen=True)
class Keyboard:
    """An inline keyboard, and the payloads too long to travel as callback data."""

    markup: InlineKeyboardMarkup | None
    long_payloads: Mapping[str, str]


def callback_data_for(payload: str) -> str:
    """The payload itself when it fits Telegram's 64 bytes, else a short stable key."""
    if len(payload.encode()) <= CALLBACK_LIMIT:
        return payload
    return LONG_PAYLOAD_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]


def _rows(buttons: Sequence[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        row = rows[-1] if rows else None
        if (
            row is not None
            and len(row) < ROW_BUTTONS
            and sum(len(b.text) for b in row) + len(button.text) <= ROW_CHARS
        ):
            row.append(button)
        else:
            rows.append([button])
    return rows


def keyboard(buttons: Sequence[Mapping[str, Any]] | None) -> Keyboard:
    """Rasa buttons ({"title", "payload"} or {"title", "url"}) as an inline keyboard."""
    made: list[InlineKeyboardButton] = []
    long_payloads: dict[str, str] = {}
    for button in buttons or ():
        title = str(button.get("title") or button.get("payload") or "").strip()
        if not title:
            continue
        url = button.get("url")
        if url and re.match(r"^https?://", str(url), re.IGNORECASE):
            made.append(InlineKeyboardButton(title, url=str(url)))
            continue
        payload = str(button.get("payload") or title)
        data = callback_data_for(payload)
        if data != payload:
            long_payloads[data] = payload
        made.append(InlineKeyboardButton(title, callback_data=data))
    markup = InlineKeyboardMarkup(_rows(made)) if made else None
    return Keyboard(markup, long_payloads)
