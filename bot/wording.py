"""What the assistant says, in one place, so the words can be reviewed together.

Follows docs in ../shared/guides/conversation-design.md: short, plain, warm, never judging,
always a next step. Crisis wording lives with the crisis numbers in bot/crisis.py.
"""

from __future__ import annotations

from bot.needs import LABELS

# Said once, early, in every conversation (greeting or first need, whichever comes first).
DISCLAIMER = (
    "I'm an automated assistant, not a person. I'm not an emergency service and I can't give "
    "medical advice. If you're in danger, call 999."
)

GREETING = (
    "Hello. I can help you find local support, groups and free courses in Liverpool and "
    "Sefton, for things like money, housing, food or feeling alone."
)

GREETING_QUESTION = "What's on your mind? You can tell me in your own words."

ACKNOWLEDGEMENTS: dict[str, str] = {
    "housing": "That sounds really worrying. Let's find someone who can help with housing.",
    "money": "Money worries are hard to carry. Let's find someone who can help.",
    "food": "Let's find you some help with food.",
    "loneliness": "Thanks for telling me. There are friendly local groups where you can "
    "meet people, at your own pace.",
    "work": "Let's find some help with work.",
    "wellbeing": "That sounds hard. Let's find some support for you.",
    "physical_activity": "Let's find something active near you.",
    "carers": "Caring for someone is a lot. There's support for carers too.",
    "domestic_abuse": "Thank you for telling me. You deserve to be safe.",
    "bereavement": "I'm sorry for your loss. Let's find some support near you.",
    "substance_use": "Thanks for telling me. Let's find some support, with no judgement.",
    "learning": "Let's find a course for you. Lots of them are free.",
}

# After the domestic abuse helpline numbers: someone else may read this screen. Each channel
# gets advice that works there (a quick-exit button exists only on the website).
ABUSE_PRIVACY = (
    "If someone else might see this chat, you can delete it when you're done. On our website, "
    'the "Leave this site quickly" button takes you to another site at once. We won\'t '
    "message you about this unless you ask."
)
ABUSE_PRIVACY_BY_CHANNEL = {
    "sms": (
        "If someone else might see your phone, you can delete these texts when you're done. "
        "We won't text you about this unless you ask."
    ),
    "telegram": (
        "If someone else might see your phone, you can delete this chat when you're done. "
        "We won't message you about this unless you ask."
    ),
}


def abuse_privacy(channel: str | None) -> str:
    """How to keep this conversation private, for the channel the person is writing on."""
    return ABUSE_PRIVACY_BY_CHANNEL.get(channel or "", ABUSE_PRIVACY)


ASK_LOCATION = (
    "Whereabouts are you? A postcode like L9 1AA, or just the first part (L9), is fine. "
    "Or tell me your area, like Bootle or Southport."
)

LOCATION_PROBLEMS: dict[str, str] = {
    "empty": "Sorry, I didn't catch where you are.",
    "not_a_location": "Sorry, I didn't catch where you are.",
    "bad_postcode_format": "That doesn't look quite like a postcode. It usually looks like L9 1AA.",
    "unknown_postcode": "I couldn't find that postcode. Could you check it? It usually looks "
    "like L9 1AA.",
    "unknown_outcode": "I don't recognise that postcode area. The first part of a postcode "
    "looks like L9 or PR8.",
    "unknown_place": "I don't know a place called that, sorry.",
    "ambiguous": "There's more than one place called that.",
}

LOCATION_RETRY = (
    "Could you send your postcode (like L9 1AA), just the first part (like L9), or your "
    "area (like Bootle)? Or say stop if you'd rather not."
)

ONLY_EMOJI = (
    "I can only read words, not pictures or emoji. Could you tell me in a few words what "
    "you'd like help with?"
)

CLARIFY = (
    "I'm not sure I followed. I can help with things like money, housing, food or feeling "
    "alone. Which is closest?"
)

ASK_NEED_AFTER_LOCATION = "Thanks. What would you like help with?"

STOPPED = "OK, I've stopped. If there's anything else, just tell me in your own words, or say bye."

START_AGAIN = "OK, let's start again. What would you like help with?"

NO_RESULTS_YET = "I haven't looked anything up for you yet. What would you like help with?"

NO_MORE_RESULTS = "That's everything I found near {place}."

AFTER_RESULTS = "Would you like to know more about one of these?"

AFTER_DETAILS = "Would you like to know about another one, or look for something else?"

RESUME_OFFER = "When you're ready, would you like to carry on finding help near you?"

RESUMING = "OK, let's carry on."

DECLINED_RESUME = "That's fine. I'm here whenever you want to talk or look for something."


def two_needs_note(first: str, second: str) -> str:
    return f"I'll start with {LABELS[first]}, and we can look at {LABELS[second]} after."


def location_question(problem: str | None, candidates: tuple[str, ...] = ()) -> str:
    """The question "where are you?", after a problem with the last answer if there was one."""
    if problem is None:
        return ASK_LOCATION
    opening = LOCATION_PROBLEMS.get(problem, LOCATION_PROBLEMS["not_a_location"])
    if problem == "ambiguous" and candidates:
        return f"{opening} Which one do you mean: {', '.join(candidates)}? Or send your postcode."
    return f"{opening} {LOCATION_RETRY}"


def which_result(shown: int) -> str:
    if shown == 1:
        return "I've only shown you one so far. Would you like to know more about it?"
    return f"I've shown you {shown} so far. Which one would you like to know more about?"
