"""What the Telegram channel says by itself, before or instead of the assistant.

Same voice as bot/wording.py (see shared/guides/conversation-design.md): short, plain, kind,
always a next step.
"""

from __future__ import annotations

COMMANDS = (
    "You can also send:\n"
    "/start to say hello again\n"
    "/stop to stop all messages from me\n"
    "/delete to delete what you've told me\n"
    "/help to see this again"
)

STOPPED = (
    "OK, I won't send you any more messages. If you want to talk again, send /start.\n\n"
    "If you're in danger, call 999. Samaritans are there any time on 116 123."
)

STILL_STOPPED = (
    "You asked me to stop, so I'm not reading messages at the moment. Send /start to talk "
    "again.\n\nIf you're in danger, call 999. Samaritans are there any time on 116 123."
)

DELETE_WHILE_STOPPED = (
    "You've stopped messages from me, so I can't ask you to confirm. To delete what you've "
    "told me, send /start and then /delete."
)

UNKNOWN_COMMAND = "I don't know that command. " + COMMANDS

NOT_PRIVATE = (
    "I only talk in private chats, so that what you tell me stays between us. Tap my name "
    "and then Start to talk to me on your own."
)

MEDIA = {
    "photo": "I can't see pictures, sorry.",
    "sticker": "I can't read stickers, sorry.",
    "voice": "I can't listen to voice notes, sorry.",
    "audio": "I can't listen to audio, sorry.",
    "video": "I can't watch videos, sorry.",
    "video_note": "I can't watch video messages, sorry.",
    "animation": "I can't see GIFs, sorry.",
    "document": "I can't open files, sorry.",
}
MEDIA_DEFAULT = "I can only read words, sorry."
ASK_IN_WORDS = "Could you tell me in a few words what you'd like help with?"

LOCATION_THANKS = (
    "Thanks. I'll look near {outcode}. I only keep that first part of the postcode, not your "
    "exact location."
)

LOCATION_FAR = (
    "That location looks like it's outside the UK. I can only find services in the UK, "
    "mostly in Liverpool and Sefton. Could you send a UK postcode, or the name of your area?"
)

LOCATION_UNREADABLE = (
    "Sorry, I couldn't read that location. Could you send your postcode (like L9 1AA), or "
    "the name of your area (like Bootle)?"
)

CONTACT = (
    "Thanks. I haven't saved that number. If you book a call with an advisor, I'll ask which "
    "number to use, and you can type it in then.\n\nWhat would you like help with?"
)

SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side. Please try again in a minute.\n\n"
    "If you're in danger, call 999. Samaritans are there any time on 116 123."
)

BUTTON_EXPIRED = "Sorry, that button has expired. Could you tell me in a few words instead?"


def media(kind: str, has_caption: bool = False) -> str:
    """A kind answer to a picture, sticker, voice note or file."""
    sorry = MEDIA.get(kind, MEDIA_DEFAULT)
    if has_caption:
        return f"{sorry} I've read the words you sent with it."
    return f"{sorry} {ASK_IN_WORDS}"
