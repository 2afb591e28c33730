"""Small, pure helpers about message text."""

from __future__ import annotations

import unicodedata


def has_words(text: str) -> bool:
    """Whether a message has any letters or digits (not only emoji, spaces or punctuation)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
