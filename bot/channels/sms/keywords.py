"""The SMS keywords every texting service answers: STOP, START and HELP; and DELETE, which
starts the assistant's "delete my data" conversation. Pure Python.

A keyword is the whole message ("Stop", "STOP!", " stop "), as carriers and Twilio match
them; "stop texting me" or "cancel my appointment" are ordinary messages for the assistant.
"""

from __future__ import annotations

import enum
import re

from bot.channels.sms.formatting import for_sms, segments


class Keyword(enum.Enum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    DELETE = "delete"


STOP_WORDS = frozenset({"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit"})
START_WORDS = frozenset({"start", "unstop"})
HELP_WORDS = frozenset({"help", "info"})
DELETE_WORDS = frozenset({"delete", "delete my data", "delete data", "delete everything"})

# What DELETE is passed to the assistant as: the intent that starts its "delete my data" flow
# (it says what would go and asks to be sure before erasing anything).
DELETE_PAYLOAD = "/delete_my_data"

# Twilio's Advanced Opt-Out adds OptOutType to the webhook when it handled a keyword itself.
_TWILIO_TYPES = {"STOP": Keyword.STOP, "START": Keyword.START, "HELP": Keyword.HELP}


def keyword(body: str) -> Keyword | None:
    """The keyword this whole message is, if it is one."""
    said = re.sub(r"^[\s.!?,'\"]+|[\s.!?,'\"]+$", "", body or "").lower()
    said = " ".join(said.split())
    if said in STOP_WORDS:
        return Keyword.STOP
    if said in START_WORDS:
        return Keyword.START
    if said in HELP_WORDS:
        return Keyword.HELP
    if said in DELETE_WORDS:
        return Keyword.DELETE
    return None


def twilio_keyword(opt_out_type: str | None) -> Keyword | None:
    """The keyword Twilio already acted on (and confirmed to the person), if any."""
    return _TWILIO_TYPES.get((opt_out_type or "").strip().upper())


# --- what we say (GSM-7, one or two segments each) -----------------------------------------

STOPPED = (
    "OK, you won't get any more texts from us. To start again, reply START. "
    "If you're ever in danger, call 999."
)

RESTARTED = (
    "Welcome back. You'll get replies from us again. "
    "What would you like help with? You can tell me in your own words."
)

DEFAULT_CONTACT = "ask your GP practice to put you in touch with an advisor"

MEDIA_ONLY = (
    "Sorry, I can't open pictures, voice notes or videos. Could you send me a few words instead?"
)

EMPTY = "Your message came through empty. Could you send it again, in a few words?"

# DELETE after STOP: the assistant cannot ask to be sure by text while texts are stopped.
DELETE_WHILE_STOPPED = (
    "You've stopped texts from us, so I can't ask you to confirm. To delete what you've told "
    "us, reply START and then DELETE."
)

SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on our side. Please try again in a few minutes. "
    "If you're in danger, call 999."
)


HELP_SEGMENTS = 2  # HELP answers in at most two segments


def help_text(contact: str = "", opted_out: bool = False) -> str:
    """A short description, how to reach a person, and how to stop (or start again), and
    DELETE when that still fits in two segments (a long contact can leave no room)."""
    start = (
        "This is an automated assistant that finds local support in Liverpool and Sefton. "
        "It's not a person or an emergency service: if you're in danger, call 999. "
        f"To talk to a person, {contact.strip().rstrip('.') or DEFAULT_CONTACT}."
    )
    if opted_out:
        return f"{start} You've stopped texts from us: reply START to start again."
    with_delete = f"{start} Reply STOP to stop texts, or DELETE to delete what you've told us."
    # Measured as it will be sent: a contact with a curly quote is rewritten, not UCS-2.
    if segments(for_sms(with_delete)) <= HELP_SEGMENTS:
        return with_delete
    return f"{start} Reply STOP to stop texts."


def nothing_to_read(body: str, media_count: int) -> str | None:
    """The kind reply for a message with nothing we can read, or None if it has text.

    Emoji and punctuation only are text: the assistant answers those itself, in context.
    """
    if (body or "").strip():
        return None
    return MEDIA_ONLY if media_count > 0 else EMPTY
