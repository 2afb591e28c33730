"""What a crisis reply must contain, and the states to try it in, shared by every channel's
end-to-end tests. The numbers are read from resources/crisis_lines.yml, never written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.booking import wording as booking_wording
from bot.config import REPO_ROOT

CRISIS_LINES = Path(REPO_ROOT) / "resources" / "crisis_lines.yml"
# What each kind of crisis reply must give (issue 7): ids of entries in crisis_lines.yml.
SUICIDE = ("samaritans", "shout", "nhs_111_mental_health", "emergency_999")
IMMEDIATE = ("emergency_999",)
SOMEONE_ELSE = ("emergency_999", "samaritans", "nhs_111_mental_health")

WHEREABOUTS = "Whereabouts are you?"
GOODBYE = "Take care"
LONG_MESSAGE = (
    "I'm sorry this is long. I've been behind on my rent since the summer, and the council tax "
    "people have started sending letters with red writing on them. I owe about two thousand "
    "pounds across three cards and a catalogue, and every month the minimum payments go up.\n\n"
    "I went to the jobcentre last week about my universal credit but they said I'd have to wait "
    "for the next assessment. My hours at work have been cut and I'm choosing between the gas "
    "and food most weeks. The bailiffs have said they'll come round on Friday.\n\n"
    "I can't see a way out of any of it and I've started thinking about ending my life."
)


def crisis_lines() -> dict[str, dict]:
    data = yaml.safe_load(CRISIS_LINES.read_text(encoding="utf-8"))
    return {line["id"]: line for line in data["lines"]}


def _what_to_find(line: dict) -> list[str]:
    """The number, and for text services the keyword, as the reply must show them."""
    found = [str(line["number"])]
    if line.get("keyword"):
        found.append(str(line["keyword"]))
    if line.get("option"):
        found.append(f"option {line['option']}")
    return found


def assert_crisis_reply(first: str, ids: tuple[str, ...], *, silent_code: bool = False) -> None:
    lines = crisis_lines()
    for line_id in ids:
        for expected in _what_to_find(lines[line_id]):
            assert expected in first, f"{line_id}: {expected!r} not in the first reply:\n{first}"
    if silent_code:
        assert f"press {lines['emergency_999']['silent_code']}" in first, first


def is_crisis_reply(text: str) -> bool:
    samaritans = crisis_lines()["samaritans"]
    return str(samaritans["number"]) in text or samaritans["name"] in text


@dataclass(frozen=True)
class Step:
    says: str
    expect: str | None  # a piece of the reply that shows the state was reached


@dataclass(frozen=True)
class CrisisScenario:
    """Get a new person into a state by typing, then send a crisis message there."""

    steps: tuple[Step, ...]
    crisis: str
    ids: tuple[str, ...]
    silent_code: bool = False


# The states issue 7 names, typed as a new user would on any channel.
CRISIS_SCENARIOS = {
    "at the postcode question": CrisisScenario(
        (Step("I need help with money, the debts are piling up", WHEREABOUTS),),
        "honestly I've been thinking about ending my life",
        SUICIDE,
    ),
    "in the booking form": CrisisScenario(
        (
            Step("can I book an appointment", booking_wording.ASK_MODE),
            Step("Phone call", None),
        ),
        "I want to kill myself",
        SUICIDE,
    ),
    "in danger at the booking form": CrisisScenario(
        (Step("can I book an appointment", booking_wording.ASK_MODE),),
        "I've just taken 30 paracetamol",
        IMMEDIATE,
        silent_code=True,
    ),
    "after a goodbye": CrisisScenario(
        (Step("bye", GOODBYE),), "actually i dont want to be alive anymore", SUICIDE
    ),
    "as the third paragraph of a long message": CrisisScenario((), LONG_MESSAGE, SUICIDE),
    "long message at the postcode question": CrisisScenario(
        (Step("I need help with money, the debts are piling up", WHEREABOUTS),),
        LONG_MESSAGE,
        SUICIDE,
    ),
}
