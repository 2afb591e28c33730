"""Turn the assistant's replies into blocks the widget shows: text, service cards and lists.

The actions reply in plain text (bot/signposting.py renders it, the same on every channel).
Result lists and service details have a fixed shape, so they are parsed back here into cards
with a name, distance, place, opening status, phone numbers (as `tel:` numbers), website and
hours. Anything that does not parse stays as text, so nothing is ever lost. When a reply
carries structured cards itself (`custom: {"cards": [...]}`), those are used instead.
"""

from __future__ import annotations

import re
from typing import Any

Block = dict[str, Any]

_TITLE = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
_DISTANCE = re.compile(r"^((?:less than )?\d+(?:\.\d+)? miles? away)(?:, at (.+))?$")
_STATUS_START = re.compile(
    r"\.\s+((?:Open|Opens|Opening times|Next open|No upcoming|Closed|Every day)\b.*)$"
)
_TRAILING_DISTANCE = re.compile(r"^(.*?)\s+\(((?:less than )?\d+(?:\.\d+)? miles? away)\)$")
_LABELLED = re.compile(
    r"^(Where|When|Phone|Text|Website|Email|Cost|Who it's for|Access|Covers):\s*(.+)$"
)
_PHONE = re.compile(r"^(\+?[\d ]{3,20}\d)(?:\s+\((.+)\))?$")
_BULLETS = ("• ", "- ")  # national helplines; crisis numbers
_NOTE = re.compile(r"^\((.+)\)$|^(We haven't been able to check .+)$")


def tel(number: str) -> str | None:
    """'0151 496 0100' -> '01514960100'; None if it is not a dialable number."""
    digits = re.sub(r"[^\d+]", "", number)
    plus, rest = digits.startswith("+"), digits.lstrip("+")
    if not rest.isdigit() or not 3 <= len(rest) <= 15:
        return None
    return ("+" if plus else "") + rest


def safe_url(url: str) -> str | None:
    """An http(s) link for a website as written ('www.x.org' -> 'https://www.x.org')."""
    url = url.strip()
    if re.match(r"^https?://[^\s<>\"']+$", url, flags=re.IGNORECASE):
        return url
    if re.match(r"^[\w-]+(\.[\w-]+)+(/[^\s<>\"']*)?$", url):
        return f"https://{url}"
    return None


def _phone(value: str) -> dict[str, str | None]:
    match = _PHONE.match(value.strip())
    number, note = (match.group(1), match.group(2)) if match else (value.strip(), None)
    return {"number": number, "tel": tel(number), "note": note}


def _title(text: str) -> tuple[str, str | None]:
    """'Name (Org)' -> ('Name', 'Org'); the renderer adds the organisation in brackets."""
    if text.endswith(")") and " (" in text:
        name, org = text[:-1].rsplit(" (", 1)
        if name and org:
            return name, org
    return text, None


def _empty_card(number: int, title: str) -> Block:
    name, organisation = _title(title)
    return {
        "kind": "card",
        "number": number,
        "name": name,
        "organisation": organisation,
        "distance": None,
        "place": None,
        "area": None,
        "address": None,
        "status": None,
        "hours": None,
        "description": None,
        "phones": [],
        "texts": [],
        "website": None,
        "email": None,
        "facts": [],
        "notes": [],
    }


def _facts_line(card: Block, line: str) -> None:
    """'0.3 miles away, at Walton Hub. Open now until 5pm.' into distance, place, status."""
    line = line.strip().removesuffix(".")
    status_match = _STATUS_START.search(line)
    if status_match:
        where, status = line[: status_match.start()], status_match.group(1)
    elif ". " in line:
        where, status = line.split(". ", 1)
    else:
        where, status = line, ""
    distance = _DISTANCE.match(where)
    if distance:
        card["distance"], card["place"] = distance.group(1), distance.group(2)
    elif where.startswith("Covers "):
        card["area"] = where.removeprefix("Covers ")
    elif where.startswith(("Open", "Opens", "Opening", "Next open", "No upcoming")) and not status:
        status = where
    else:
        card["facts"].append({"label": None, "value": where})
    if status:
        card["status"] = status


def _result_card(number: int, title: str, lines: list[str]) -> Block:
    """A card from a results page: indented lines of facts and 'Call ...'."""
    card = _empty_card(number, title)
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("Call "):
            card["phones"].append(_phone(stripped.removeprefix("Call ")))
        elif stripped:
            _facts_line(card, stripped)
    return card


def _details_card(number: int, title: str, lines: list[str]) -> Block:
    """A card from 'More about N': labelled lines (Where:, When:, Phone:...)."""
    card = _empty_card(number, title)
    for line in lines:
        line = line.strip()
        labelled = _LABELLED.match(line)
        note = _NOTE.match(line)
        if labelled:
            label, value = labelled.groups()
            if label == "Where":
                trailing = _TRAILING_DISTANCE.match(value)
                card["address"], card["distance"] = (
                    trailing.groups() if trailing else (value, card["distance"])
                )
            elif label == "When":
                card["hours"] = value
            elif label == "Phone":
                card["phones"].append(_phone(value))
            elif label == "Text":
                card["texts"].append(value)
            elif label == "Website":
                card["website"] = safe_url(value)
                if card["website"] is None:
                    card["facts"].append({"label": label, "value": value})
            elif label == "Email":
                card["email"] = value if re.match(r"^[^@\s]+@[^@\s]+$", value) else None
            elif label == "Covers":
                card["area"] = value
            else:
                card["facts"].append({"label": label, "value": value})
        elif note:
            card["notes"].append(note.group(1) or note.group(2))
        elif re.match(r"^(Open|Opens|Opening times|Next open|No upcoming)\b", line):
            card["status"] = line.removesuffix(".")
        elif card["description"] is None:
            card["description"] = line
        else:
            card["facts"].append({"label": None, "value": line})
    return card


def _paragraph(paragraph: str) -> Block:
    lines = paragraph.split("\n")
    numbered = [match for match in map(_TITLE.match, lines) if match]
    if len(lines) > 1 and len(numbered) == len(lines):
        # Numbered choices, one a line ("1. Thursday 26 November at 4:30pm"): a list.
        return {
            "kind": "list",
            "ordered": True,
            "start": int(numbered[0].group(1)),
            "items": [match.group(2) for match in numbered],
        }
    title = _TITLE.match(lines[0])
    if title:
        number, rest = int(title.group(1)), lines[1:]
        if all(not line.strip() or line.startswith(" ") for line in rest):
            return _result_card(number, title.group(2), rest)
        return _details_card(number, title.group(2), rest)
    bullets = [i for i, line in enumerate(lines) if line.startswith(_BULLETS)]
    if bullets and bullets == list(range(bullets[0], bullets[-1] + 1)):
        block: Block = {
            "kind": "list",
            "items": [lines[i][2:].strip() for i in bullets],
        }
        if bullets[0] > 0:
            block["intro"] = "\n".join(lines[: bullets[0]])
        if bullets[-1] < len(lines) - 1:
            block["outro"] = "\n".join(lines[bullets[-1] + 1 :])
        return block
    return {"kind": "text", "text": paragraph}


def to_blocks(text: str | None, custom: Any = None) -> list[Block]:
    """The blocks for one reply: paragraphs in order, cards where a service is described."""
    if isinstance(custom, dict) and isinstance(custom.get("cards"), list):
        intro = [{"kind": "text", "text": text}] if text else []
        return intro + [_structured(card) for card in custom["cards"] if isinstance(card, dict)]
    if not text:
        return []
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return [_paragraph(p) for p in paragraphs]


def _structured(data: dict[str, Any]) -> Block:
    """A card the actions sent as data (the shape proposed in docs/channels/web.md)."""
    card = _empty_card(int(data.get("number") or 0), str(data.get("name") or ""))
    card["name"] = str(data.get("name") or "")
    for key in ("organisation", "place", "area", "address", "status", "hours", "description"):
        if data.get(key):
            card[key] = str(data[key])
    if isinstance(data.get("distance_miles"), (int, float)):
        miles = round(float(data["distance_miles"]), 1)
        card["distance"] = f"{miles:g} mile away" if miles == 1 else f"{miles:g} miles away"
    for phone in data.get("phones") or ([data["phone"]] if data.get("phone") else []):
        card["phones"].append(_phone(str(phone)))
    if data.get("website"):
        card["website"] = safe_url(str(data["website"]))
    if data.get("email"):
        card["email"] = str(data["email"])
    card["notes"] = [str(n) for n in data.get("notes") or []]
    return card
