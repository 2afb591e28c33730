"""Which pages may open a chat: the allow-list and the server's own pages only."""

from __future__ import annotations

import pytest

from bot.channels.web.config import normalise_origin
from bot.channels.web.origins import origin_allowed

ALLOWED = frozenset({"https://www.sefton.gov.uk", "http://127.0.0.1:8080"})


@pytest.mark.parametrize(
    "origin",
    ["https://www.sefton.gov.uk", "HTTPS://WWW.SEFTON.GOV.UK", "https://www.sefton.gov.uk:443"],
)
def test_listed_origins_are_allowed(origin: str) -> None:
    assert origin_allowed(origin, "assistant.example:443", ALLOWED)


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "https://www.sefton.gov.uk.evil.example",
        "http://www.sefton.gov.uk",  # not the listed scheme
        "http://127.0.0.1:8081",
        "null",  # sandboxed frames and file:// pages
        "",
        None,
        "not a url",
    ],
)
def test_other_origins_are_refused(origin: str | None) -> None:
    assert not origin_allowed(origin, "assistant.example", ALLOWED)


def test_the_servers_own_pages_are_allowed() -> None:
    assert origin_allowed("http://127.0.0.1:5005", "127.0.0.1:5005", frozenset())
    assert origin_allowed("https://assistant.example", "assistant.example", frozenset())
    assert origin_allowed("https://assistant.example", "assistant.example:443", frozenset())
    assert not origin_allowed("http://127.0.0.1:5006", "127.0.0.1:5005", frozenset())
    assert not origin_allowed("http://127.0.0.1:5005", None, frozenset())


def test_origins_are_normalised_as_browsers_send_them() -> None:
    assert normalise_origin("HTTPS://Example.org:443/") == "https://example.org"
    assert normalise_origin("http://example.org:8080") == "http://example.org:8080"
    with pytest.raises(ValueError):
        normalise_origin("example.org")
