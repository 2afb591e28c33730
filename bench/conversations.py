"""Realistic mixed conversations for the load benchmark, the same for both assistants.

Each simulated person draws conversations from a seeded generator, so two runs (and the two
assistants in one run) get the same messages in the same order. A conversation is a list of
steps: a text to send, or a button to press when the last reply offered one (its payload is
sent, as a channel would), falling back to a text when it did not (the stock bot never
offers our buttons, so it always gets the text).

The mix: a need (often with typos), a full postcode / outward code / place name, "show more",
details of a result, a booking with an advisor now and then, a crisis message now and then,
changing place, small talk and emoji.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    text: str
    button: str | None = None  # a regex on button titles: press it if offered, else send text

    def message(self, last_buttons: list[dict]) -> str:
        if self.button:
            for button in last_buttons:
                if re.search(self.button, str(button.get("title", "")), flags=re.IGNORECASE):
                    return str(button.get("payload") or button.get("title"))
        return self.text


GREETINGS = ["hiya", "hello", "hi there", "hey", "good morning", "hiya love"]

NEEDS = [
    "im skint and the bailiffs keep writing to me about council tax",
    "im strugling to pay my bils this month",
    "cant afford food for the kids this week",
    "need a food bank",
    "I'm in debt and about to lose my flat",
    "my landlord wants me out by friday",
    "theres mould all over the kids bedroom and the landlord wont fix it",
    "lonely since my wife died",
    "i dont really talk to anyone any more, feel so isolated",
    "lost my job last month and need help finding work",
    "want to do a course to get back into work",
    "looking for a walking group",
    "i look after my mum who has dementia and im exhausted",
    "my dad died in the spring and i cant cope with the grief",
    "worried about how much im drinking",
    "feeling really stressed and anxious all the time",
    "my partner shouts at me and checks my phone, i'm scared",
    "need help with universal credit",
    "can't pay my gas and electric, on a prepayment meter",
    "want to get fitter, is there anything free",
]

TYPO_SWAPS = [("ing", "in"), ("you", "u"), ("to ", "2 "), ("the ", "teh "), ("ea", "ae")]

PLACES = [
    "L9 1AD",
    "L9",
    "Bootle",
    "Southport",
    "L4",
    "Crosby",
    "L8",
    "im in walton",
    "L20",
    "Kirkby",
    "l1",
]

CRISIS = [
    "i dont want to be here anymore",
    "honestly i just want to end my life",
    "i want to kill myself",
    "ive taken a load of pills",
]

SMALL_TALK = ["thanks", "thank you so much", "ok", "cheers", "bye", "😊😊😊"]


def _typos(text: str, rng: random.Random) -> str:
    """Now and then, the kind of slips people make when texting."""
    if rng.random() < 0.5:
        old, new = rng.choice(TYPO_SWAPS)
        text = text.replace(old, new, 1)
    if rng.random() < 0.3:
        text = text.lower().replace("'", "")
    return text


def _search(rng: random.Random) -> list[Step]:
    steps = [Step(_typos(rng.choice(NEEDS), rng)), Step(rng.choice(PLACES))]
    return steps


def conversation(rng: random.Random) -> list[Step]:
    """One conversation, 3 to 12 turns."""
    kind = rng.choices(
        ["browse", "book", "crisis", "change_place", "menu"], weights=[45, 15, 10, 15, 15]
    )[0]
    steps: list[Step] = []
    if rng.random() < 0.6:
        steps.append(Step(rng.choice(GREETINGS)))
    if kind == "browse":
        steps += _search(rng)
        steps.append(Step(rng.choice(["show more", "show me more", "any more?"]), "show more"))
        number = rng.choice(["2", "1", "3"])
        steps.append(
            Step(rng.choice([f"tell me more about {number}", f"number {number}", "the last one"]))
        )
        steps.append(Step(rng.choice(SMALL_TALK)))
    elif kind == "book":
        steps += _search(rng)
        phone = f"0151 496 0{rng.randrange(100, 1000):03d}"
        steps += [
            Step("yes"),
            Step("Phone call", "phone"),
            Step(str(rng.randrange(1, 4))),
            Step("yes"),
            Step(rng.choice(["Jo", "Sam", "Alex", "Chris"])),
            Step(phone),
            Step("no"),
            Step("yes"),
        ]
    elif kind == "crisis":
        if rng.random() < 0.5:
            steps.append(Step(_typos(rng.choice(NEEDS), rng)))
        steps.append(Step(rng.choice(CRISIS)))
        steps += [Step("yes"), Step(rng.choice(PLACES))]
    elif kind == "change_place":
        steps += _search(rng)
        steps.append(Step(f"look in {rng.choice(['Southport', 'Bootle', 'Crosby'])} instead"))
        steps.append(Step("show more", "show more"))
    else:  # "what can you do", then a category button, a place, and a result
        steps.append(Step(rng.choice(["what can you do", "what is this", "help"])))
        steps.append(Step("food", "food|money|housing"))
        steps.append(Step(rng.choice(PLACES)))
        steps.append(Step("1", "more about 1"))
    return steps
