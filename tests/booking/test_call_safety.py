"""Reading the answer to "is it safe for the advisor to call, and leave a message?"."""

from __future__ import annotations

import pytest

from bot.booking import call_safety
from bot.crisis import crisis_line


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        # The buttons, as tapped (the payload is the title) or numbered by SMS.
        *((title, value) for title, value in call_safety.BUTTONS),
        ("yes", call_safety.MESSAGE_OK),
        ("yeah thats fine", call_safety.MESSAGE_OK),
        ("yes but dont leave a message", call_safety.NO_MESSAGE),
        ("no voicemail please", call_safety.NO_MESSAGE),
        ("calls only", call_safety.NO_MESSAGE),
        ("don’t text me", call_safety.NO_MESSAGE),
        ("no messages", call_safety.NO_MESSAGE),
        # A bare "no" answers the first question: the cautious reading.
        ("no", call_safety.NOT_SAFE),
        ("nope", call_safety.NOT_SAFE),
        ("its not safe", call_safety.NOT_SAFE),
        ("please don't call", call_safety.NOT_SAFE),
    ],
)
def test_answers_are_read_as_meant(said: str, meant: str) -> None:
    assert call_safety.parse(said) == meant


@pytest.mark.parametrize("said", ["", "hmm", "what do you mean", "maybe"])
def test_unclear_answers_are_asked_again(said: str) -> None:
    assert call_safety.parse(said) is None


def test_not_safe_offers_a_hub_and_the_helpline() -> None:
    reply = call_safety.not_safe_reply()
    helpline = crisis_line("national_domestic_abuse_helpline")
    assert helpline.number in reply and "999" in reply
    assert "in person" in reply and "won't book a call" in reply


def test_every_answer_that_books_is_told_to_the_advisor_and_read_back() -> None:
    for value in (call_safety.MESSAGE_OK, call_safety.NO_MESSAGE):
        assert value in call_safety.FOR_ADVISOR and value in call_safety.READ_BACK
