"""Whether the advisor may call, and leave a message: asked when a person has told us about
abuse at home, because someone else may hear the phone or read its messages (HAZ-05).

Pure domain: the question, the answers, how to read a typed answer, and how an advisor sees it.
"""

from __future__ import annotations

import re

from bot.crisis import crisis_line

MESSAGE_OK = "message_ok"
NO_MESSAGE = "no_message"
NOT_SAFE = "not_safe"
CALL_SAFETY = (MESSAGE_OK, NO_MESSAGE, NOT_SAFE)

ASK = (
    "Is it safe for the advisor to call you on that number? If you don't answer, can they leave "
    "a message?"
)
BUTTONS = (
    ("Yes, and they can leave a message", MESSAGE_OK),
    ("Yes, but don't leave a message", NO_MESSAGE),
    ("No, it's not safe to call", NOT_SAFE),
)
NOT_UNDERSTOOD = "Sorry, I didn't catch that."

# For the advisor: what the booking list and calendar say.
FOR_ADVISOR = {
    MESSAGE_OK: "may leave a message",
    NO_MESSAGE: "do NOT leave a message or text",
}
# In the read-back to the person.
READ_BACK = {
    MESSAGE_OK: "The advisor can leave a message if you don't answer.",
    NO_MESSAGE: "The advisor won't leave a message or text.",
}

_NOT_SAFE = re.compile(
    r"\b(not safe|isn'?t safe|unsafe|don'?t call|do not call|no calls?|can'?t call|no,? it)\b"
)
_NO_MESSAGE = re.compile(
    r"\b(don'?t|do not|no|not|never|without)( leave| leaving)?( a| any)? (message|messages|"
    r"voicemail|text|texts)\b|\bcalls? only\b|\bbut don'?t\b"
)
# A bare "no" answers the first question (is it safe to call?): the cautious reading.
_NO = re.compile(r"^(no|nope|nah|not really)\b")
_YES = re.compile(r"\b(yes|yeah|yep|ok|okay|fine|sure|safe|that'?s fine|message is fine)\b")


def parse(text: str) -> str | None:
    """The answer in a typed or tapped reply, or None if it is not clear."""
    said = " ".join(text.lower().replace("\u2019", "'").split())
    if said in CALL_SAFETY:
        return said
    if _NOT_SAFE.search(said):
        return NOT_SAFE
    if _NO_MESSAGE.search(said):
        return NO_MESSAGE
    if _NO.search(said):
        return NOT_SAFE
    if _YES.search(said):
        return MESSAGE_OK
    return None


def not_safe_reply() -> str:
    """No call is booked; the other ways to get help, with the helpline's number."""
    helpline = crisis_line("national_domestic_abuse_helpline")
    return (
        "Thanks for telling me. I won't book a call to that number, and I've deleted it.\n\n"
        "You could meet an advisor in person at a hub instead: just ask to book again and "
        f'choose "in person". The {helpline.name} is there when it\'s safe to talk '
        f"({helpline.availability}): {helpline.action}. If you're in danger, call 999."
    )
