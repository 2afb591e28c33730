"""Booking references never look like a postcode or a phone number: the conversation store
masks those in what it keeps, so such a reference could not be read back to cancel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.booking import service
from bot.privacy.redaction import redact_text


def test_a_reference_shaped_like_a_postcode_is_drawn_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: Iterator[str] = iter("B23XY" + "K7P2Q")  # B2 3XY first, then a clean one
    monkeypatch.setattr(service.secrets, "choice", lambda _alphabet: next(drawn))
    assert redact_text("B23XY") != "B23XY"  # the shape that used to come back masked
    assert service.new_reference() == "K7P2Q"


def test_many_references_all_survive_masking() -> None:
    references = {service.new_reference() for _ in range(5000)}
    assert len(references) > 4900
    assert all(redact_text(reference) == reference for reference in references)
    assert all(len(r) == service.REFERENCE_LENGTH for r in references)
    assert set("".join(references)) <= set(service.REFERENCE_ALPHABET)
