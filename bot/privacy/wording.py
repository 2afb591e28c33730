"""What the assistant says when a person asks for their data to be deleted.

Same voice as bot/wording.py (shared/guides/conversation-design.md): plain, short, honest
about what happens, and always a next step.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.privacy.erasure import CancelledBooking
from bot.schedule import format_datetime

ASK = (
    "I can delete everything you've told me here: this conversation, and any details you gave "
    "for an appointment. An appointment you've booked would be cancelled, and the advisor "
    "would see that. This can't be undone.\n\n"
    "Shall I delete it all now?"
)
YES_BUTTON = "Yes, delete it"
NO_BUTTON = "No, keep it"

KEPT = (
    "OK, I haven't deleted anything. You can ask me to delete it any time.\n\n"
    "Is there anything else I can help with?"
)

FAILED = (
    "Sorry, something went wrong and I couldn't delete your data just now. Nothing has been "
    "lost. Please try again in a few minutes, or ask the hub to do it for you.\n\n"
    "If you're in danger, call 999."
)


def done(cancelled: Sequence[CancelledBooking]) -> str:
    """The confirmation, naming any appointment that was cancelled."""
    parts = ["Done. I've deleted our conversation and everything you told me."]
    if len(cancelled) == 1:
        parts.append(
            f"Your appointment on {format_datetime(cancelled[0].starts_at)} is cancelled, "
            "and the advisor will see that."
        )
    elif cancelled:
        times = "; ".join(format_datetime(booking.starts_at) for booking in cancelled)
        parts.append(f"Your appointments are cancelled ({times}), and the advisors will see that.")
    parts.append(
        "\n\nIf you'd like help again, just send a message any time. If you're in danger, call 999."
    )
    return " ".join(parts).replace(" \n\n", "\n\n")
