"""Signposting: find services for a need near a place, and say what was found.

Channel-neutral: it returns plain text (and keys the conversation keeps), which each channel
then formats (numbered replies on SMS, buttons on Telegram, cards on the web). A channel that
lays services out itself (SMS, to fit a turn in one text) asks for the same results as data
too: `SERVICE_DATA_WANTED` in the message metadata, `*_data` below in the reply's `custom`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.areas import ServiceAreas
from bot.directory.search import Card, Details, Directory
from bot.needs import LABELS

# Keep the list of results a conversation remembers short: enough for a few "show more"s.
MAX_RESULTS = 30

UNCHECKED_NOTE = (
    "We haven't been able to check this number recently, so please check their website too"
)

SAMPLE_NOTE = "Note: the local services here are made-up examples for this demo, not real ones."

# Message metadata a channel sets to get results as data as well as text, and the key of that
# data in the reply's `custom`. Only on request: Rasa's generic channels (REST, shell) would
# pass an unknown `custom` on to the person as an extra JSON message.
SERVICE_DATA_WANTED = "service_data"
SERVICE_DATA_KEY = "signposting"


@dataclass(frozen=True)
class SearchOutcome:
    keys: tuple[str, ...]  # local results, nearest first (numbered 1, 2, 3... in replies)
    radius_miles: float
    widened: bool
    national_keys: tuple[str, ...]  # offered when nothing local was found
    in_area: bool  # whether the person is anywhere near the directory's coverage


def find_services(
    directory: Directory,
    need: str,
    place: tuple[str, float, float],
    radius: float,
    widen_radius: float,
    areas: ServiceAreas,
) -> SearchOutcome:
    """Nearest services first, widening once if nothing is close; national lines if none.

    `place` is (outcode, latitude, longitude): the outcode decides which area-wide services
    (phone lines, outreach) cover the person.
    """
    outcode, latitude, longitude = place
    # Only the nearest MAX_RESULTS can be kept below (near, then area-wide, then further), so
    # that is all the search has to find: in a city it finds them in a smaller circle.
    matches = directory.search(need, latitude, longitude, widen_radius, limit=MAX_RESULTS)
    near = [m.key for m in matches if (m.distance_miles or 0.0) <= radius]
    further = [m.key for m in matches if (m.distance_miles or 0.0) > radius]
    widened = not near and bool(further)
    used_radius = widen_radius if widened else radius
    in_area = bool(matches) or directory.covers(latitude, longitude, widen_radius)
    area_wide = []
    if in_area:
        area_wide = [m.key for m, area in directory.area_wide(need) if areas.covers(area, outcode)]
    # Close venues first, then phone and outreach services covering the person's area, then
    # venues further away: a helpline for your area beats a drop-in nine miles off.
    keys = near + area_wide + further
    national = () if keys else tuple(m.key for m in directory.national(need))
    return SearchOutcome(tuple(keys[:MAX_RESULTS]), used_radius, widened, national, in_area)


_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "two": 2,
    "third": 3,
    "3rd": 3,
    "three": 3,
    "fourth": 4,
    "4th": 4,
    "four": 4,
    "fifth": 5,
    "5th": 5,
    "five": 5,
    "sixth": 6,
    "6th": 6,
    "six": 6,
    "seventh": 7,
    "7th": 7,
    "seven": 7,
    "eighth": 8,
    "8th": 8,
    "eight": 8,
    "ninth": 9,
    "9th": 9,
    "nine": 9,
    "tenth": 10,
    "10th": 10,
    "ten": 10,
    "last": -1,
}
_NUMBER = re.compile(r"(?<![\d£.:])(\d{1,2})(?![\d.:]|\s*(?:am|pm|miles?|mins?)\b)")
_WORD = re.compile(r"\b(" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")\b")
# "one" alone is too common ("the one near me"), so only "number one" / "option one" count.
_NUMBER_ONE = re.compile(r"\b(?:number|option|no\.?)\s+one\b")


def parse_result_number(text: str) -> int | None:
    """The result a person means: "2", "number 3", "the second one", "last". -1 means last."""
    lowered = text.lower()
    digit = _NUMBER.search(lowered)
    if digit:
        return int(digit.group(1))
    word = _WORD.search(lowered)
    if word:
        return _ORDINALS[word.group(1)]
    return 1 if _NUMBER_ONE.search(lowered) else None


def _miles(distance: float | None) -> str:
    if distance is None:
        return ""
    if distance < 0.1:
        return "less than 0.1 miles away"
    rounded = round(distance, 1)
    return f"{rounded:g} mile away" if rounded == 1 else f"{rounded:g} miles away"


def _card_lines(number: int, card: Card) -> str:
    title = f"{number}. {card.name}"
    if card.organization and card.organization.lower() not in card.name.lower():
        title += f" ({card.organization})"
    facts = []
    if card.distance_miles is not None:
        where = _miles(card.distance_miles)
        facts.append(f"{where}, at {card.place_name}" if card.place_name else where)
    elif card.area:
        facts.append(f"Covers {card.area}")
    if card.status:
        facts.append(card.status)
    line = title + ("\n   " + ". ".join(facts) + "." if facts else "")
    if card.phone:
        line += f"\n   Call {card.phone}"
    return line


def results_intro(place_label: str, need: str, outcome: SearchOutcome, short: bool = False) -> str:
    """The sentence before the first page of local results (`short`: for a text message)."""
    if outcome.widened and short:
        return (
            f"There wasn't anything very close to {place_label}, so these are up to "
            f"{outcome.radius_miles:g} miles away:"
        )
    if outcome.widened:
        return (
            f"There wasn't anything for {LABELS[need]} very close to {place_label}, "
            f"so I looked a bit further, up to {outcome.radius_miles:g} miles. "
            "Here's what I found:"
        )
    return f"Here are some places near {place_label} that help with {LABELS[need]}:"


MORE_INTRO = "Here are some more:"


def render_page(intro: str, cards: list[Card], first_number: int) -> str:
    """A page of results, numbered on from `first_number`, with the sample-data note."""
    body = "\n\n".join(_card_lines(first_number + i, card) for i, card in enumerate(cards))
    text = f"{intro}\n\n{body}"
    if any(card.sample for card in cards):
        text += f"\n\n{SAMPLE_NOTE}"
    return text


def _national_intro(place_label: str, need: str, in_area: bool, short: bool = False) -> str:
    if short and in_area:
        return f"I couldn't find anything near {place_label}. These help anywhere in the UK:"
    if short:
        return "I only know local services in Liverpool and Sefton. These help anywhere in the UK:"
    if in_area:
        return (
            f"I couldn't find anything for {LABELS[need]} near {place_label}. "
            "Here are some services that help anywhere in the UK:"
        )
    return (
        f"I only know about local services in Liverpool and Sefton, so I don't have "
        f"any near {place_label}. Here are some that help anywhere in the UK:"
    )


def render_national(cards: list[Card], place_label: str, need: str, in_area: bool) -> str:
    """Nothing local: say so plainly, then give national helplines."""
    intro = _national_intro(place_label, need, in_area)
    lines = []
    for card in cards:
        contact = card.phone or card.text_contact or ""
        line = f"• {card.name}" + (f": {contact}" if contact else "")
        if card.status:
            line += f" ({card.status})"
        if not card.verified:
            line += f". {UNCHECKED_NOTE}"
        lines.append(line)
    if not lines:
        return (
            f"I couldn't find anything for {LABELS[need]} near {place_label}, and I don't "
            "have a national helpline for it either."
        )
    return intro + "\n\n" + "\n".join(lines)


def render_details(number: int, details: Details) -> str:
    """Everything about one service, in the order people need it."""
    lines = [f"{number}. {details.name}"]
    if details.organization and details.organization.lower() not in details.name.lower():
        lines[0] += f" ({details.organization})"
    if details.description:
        lines.append(details.description)
    if details.address:
        where = (
            f"Where: {details.place_name}, {details.address}"
            if details.place_name
            else f"Where: {details.address}"
        )
        if details.distance_miles is not None:
            where += f" ({_miles(details.distance_miles)})"
        lines.append(where)
    elif details.area:
        lines.append(f"Covers: {details.area}")
    if details.hours:
        lines.append(f"When: {details.hours}")
    if details.status and details.status != details.hours:
        lines.append(details.status + ".")
    for number_text, description in details.phones:
        lines.append(f"Phone: {number_text}" + (f" ({description})" if description else ""))
    if details.text_contact:
        lines.append(f"Text: {details.text_contact}")
    if details.website:
        lines.append(f"Website: {details.website}")
    if details.email:
        lines.append(f"Email: {details.email}")
    if details.cost:
        lines.append(f"Cost: {details.cost}")
    if details.eligibility:
        lines.append(f"Who it's for: {details.eligibility}")
    if details.accessibility:
        lines.append(f"Access: {details.accessibility}")
    if details.sample:
        lines.append("(This is a made-up example service for the demo.)")
    elif not details.verified:
        lines.append(
            "We haven't been able to check these details recently, so please check "
            "their website before you go."
        )
    return "\n".join(lines)


def page(keys: tuple[str, ...] | list[str], offset: int, size: int) -> list[str]:
    return list(keys[offset : offset + size])


# --- the same, as data (for a channel that lays services out itself) -------------------------


def card_data(number: int, card: Card) -> dict[str, Any]:
    """One service as a results list shows it; JSON-ready."""
    return {
        "number": number,
        "name": card.name,
        "organisation": (
            card.organization
            if card.organization and card.organization.lower() not in card.name.lower()
            else None
        ),
        "distance_miles": card.distance_miles,
        "distance": _miles(card.distance_miles) or None,
        "place": card.place_name,
        "area": card.area,
        "status": card.status or None,
        "phone": card.phone,
        "text_contact": card.text_contact,
        "sample": card.sample,
        "verified": card.verified,
    }


def page_data(
    intro: str,
    cards: list[Card],
    first_number: int,
    after: str | None,
    short_intro: str | None = None,
) -> dict[str, Any]:
    """What :func:`render_page` says (plus the `after` sentence), as data."""
    return {
        "kind": "results",
        "intro": intro,
        "intro_short": short_intro or intro,
        "services": [card_data(first_number + i, card) for i, card in enumerate(cards)],
        "note": SAMPLE_NOTE if any(card.sample for card in cards) else None,
        "after": after,
    }


def national_data(
    cards: list[Card], place_label: str, need: str, in_area: bool, after: str | None
) -> dict[str, Any] | None:
    """What :func:`render_national` says, as data; None when there is no helpline to give."""
    if not cards:
        return None
    return {
        "kind": "national",
        "intro": _national_intro(place_label, need, in_area),
        "intro_short": _national_intro(place_label, need, in_area, short=True),
        "services": [card_data(0, card) for card in cards],
        "note": UNCHECKED_NOTE if any(not card.verified for card in cards) else None,
        "after": after,
    }


def details_data(number: int, details: Details, after: str | None) -> dict[str, Any]:
    """What :func:`render_details` says (plus the `after` sentence), as data."""
    return {
        **card_data(number, details),
        "kind": "details",
        "description": details.description or None,
        "address": details.address,
        "hours": details.hours or None,
        "phones": [[number_text, description] for number_text, description in details.phones],
        "website": details.website,
        "email": details.email,
        "cost": details.cost,
        "eligibility": details.eligibility,
        "accessibility": details.accessibility,
        "after": after,
    }
