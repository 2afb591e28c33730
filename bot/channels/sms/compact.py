"""Services laid out for a text message: shorter renderings of a results page, the details of
one service, or national helplines, from the data the signposting actions send on request
(`bot.signposting.SERVICE_DATA_WANTED`). Pure Python, no Rasa.

The assistant's words for a page of three results are about 600 characters, and a service's
details about 720: two or three texts each. Here each comes in up to three shorter forms,
richest first, and the turn takes the richest one that lets it go as one text (see
`formatting.compose_turn`). Every form keeps what a person needs to act: each service's
number, name, distance and phone number (or text contact); for one service also its address,
whether it is open today and its website.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# How many shorter forms there are, richest first.
LEVELS = 3

# Shorter than bot.signposting's notes; the same meaning.
SAMPLE_NOTE = "These are made-up examples for this demo."
SAMPLE_DETAILS_NOTE = "(A made-up example for this demo.)"
UNCHECKED_NOTE = "We haven't been able to check these details recently, so please check first."
UNCHECKED_MARK = "not checked recently"
UNCHECKED_NUMBERS_NOTE = "* We haven't been able to check these numbers recently."


def _text(value: Any) -> str:
    return str(value).strip() if value else ""


def _distance(service: Mapping[str, Any]) -> str:
    """'0.4 miles' (the assistant's "0.4 miles away" without "away"), or the area covered."""
    distance = _text(service.get("distance")).removesuffix(" away")
    if distance:
        return distance
    area = _text(service.get("area"))
    return f"covers {area}" if area else ""


def _today(status: str) -> bool:
    """A status worth its room in a short list: open now, or later today."""
    return status.startswith(("Open now", "Open 24 hours", "Opens today"))


def _contact(service: Mapping[str, Any], call: bool) -> str:
    phone = _text(service.get("phone"))
    if phone:
        return f"Call {phone}" if call else phone
    text_contact = _text(service.get("text_contact"))
    return f"Text {text_contact}" if text_contact else ""


def _result_line(service: Mapping[str, Any], level: int) -> str:
    """One result on one line: '2 Name (0.4 miles). Open now until 5pm. Call 0151 496 0101'."""
    distance = _distance(service)
    line = f"{service.get('number')} {_text(service.get('name'))}"
    line += f" ({distance})" if distance else ""
    status = _text(service.get("status")).rstrip(".")
    if status and (level == 0 or (level == 1 and _today(status))):
        line += f". {status}"
    contact = _contact(service, call=level < 2)
    if contact:
        line += (". " if level < 2 else ": ") + contact
    return line


def _intro(data: Mapping[str, Any], level: int) -> str:
    """The assistant's opening sentence; its shorter wording in the shortest form."""
    if level == LEVELS - 1 and data.get("intro_short"):
        return _text(data["intro_short"])
    return _text(data.get("intro"))


def _results(data: Mapping[str, Any], level: int) -> str:
    lines = [_intro(data, level)]
    lines += [_result_line(s, level) for s in _services(data)]
    if data.get("note"):
        lines.append(SAMPLE_NOTE)
    if level == 0 and data.get("after"):
        lines.append(_text(data["after"]))
    return "\n".join(line for line in lines if line)


def _national(data: Mapping[str, Any], level: int) -> str:
    """National helplines, one a line; at the last level without times, one unchecked note."""
    lines = [_intro(data, level)]
    unchecked = False
    for service in _services(data):
        line = f"- {_text(service.get('name'))}"
        contact = _contact(service, call=False)
        if contact:
            line += f": {contact}"
        status = _text(service.get("status")).rstrip(".")
        if status and (level == 0 or (level == 1 and _today(status))):
            line += f" ({status})"
        if not service.get("verified"):
            unchecked = True
            line += "*" if level == LEVELS - 1 else f" ({UNCHECKED_MARK})"
        lines.append(line)
    if unchecked and level == LEVELS - 1:
        lines.append(UNCHECKED_NUMBERS_NOTE)
    if level < 2 and data.get("after"):
        lines.append(_text(data["after"]))
    return "\n".join(line for line in lines if line)


def _details(data: Mapping[str, Any], level: int) -> str:
    name = _text(data.get("name"))
    organisation = _text(data.get("organisation"))
    title = f"{data.get('number')}. {name}"
    if level == 0 and organisation:
        title += f" ({organisation})"
    lines = [title]
    address = _text(data.get("address"))
    place = _text(data.get("place"))
    distance = _text(data.get("distance")).removesuffix(" away")
    area = _text(data.get("area"))
    if address:
        where = f"{place}, {address}" if place and level < 2 else address
        lines.append(where + (f" ({distance})" if distance else ""))
    elif area:
        lines.append(f"Covers {area}")
    status = _text(data.get("status")).rstrip(".")
    if status:
        lines.append(status + ".")
    hours = _text(data.get("hours"))
    if hours and hours != status and level == 0:
        lines.append(f"When: {hours}")
    for number_text, description in _phones(data):
        lines.append(
            f"Call {number_text}" + (f" ({description})" if description and level == 0 else "")
        )
    text_contact = _text(data.get("text_contact"))
    if text_contact:
        lines.append(f"Text {text_contact}")
    website = _text(data.get("website"))
    if website:
        lines.append(website)
    cost = _text(data.get("cost"))
    if cost and level == 0:
        lines.append(f"Cost: {cost}")
    if data.get("sample"):
        lines.append(SAMPLE_DETAILS_NOTE)
    elif not data.get("verified", True):
        lines.append(UNCHECKED_NOTE)
    if level == 0 and data.get("after"):
        lines.append(_text(data["after"]))
    return "\n".join(lines)


def _services(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    services = data.get("services")
    return [s for s in services if isinstance(s, Mapping)] if isinstance(services, list) else []


def _phones(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    phones: Sequence[Any] = data.get("phones") or []
    found = []
    for phone in phones:
        if isinstance(phone, (list, tuple)) and phone and phone[0]:
            found.append((_text(phone[0]), _text(phone[1]) if len(phone) > 1 else ""))
    if not found and data.get("phone"):
        found.append((_text(data["phone"]), ""))
    return found


_RENDERERS = {"results": _results, "national": _national, "details": _details}


def shorter_forms(data: Any) -> tuple[str, ...]:
    """The shorter renderings of one reply's service data, richest first; () if unknown."""
    if not isinstance(data, Mapping):
        return ()
    render = _RENDERERS.get(str(data.get("kind")))
    if render is None:
        return ()
    try:
        forms = [render(data, level) for level in range(LEVELS)]
    except (TypeError, ValueError, AttributeError, IndexError):
        return ()  # malformed data: the assistant's own words are always there
    # Drop repeats (a form with nothing to leave out is the same as the one before).
    unique: list[str] = []
    for form in forms:
        if form and form not in unique:
            unique.append(form)
    return tuple(unique)
