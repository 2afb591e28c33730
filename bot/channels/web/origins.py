"""Which web pages may open a chat: the allow-list, and the assistant's own pages.

Browsers always send `Origin` on a WebSocket handshake and a page cannot forge it, so checking
it stops another site's page from talking to the assistant as its visitor. A request with no
Origin is not from a browser page, and is refused too.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from bot.channels.web.config import normalise_origin


def origin_allowed(origin: str | None, host: str | None, allowed: Collection[str]) -> bool:
    """True if `origin` is on the allow-list or is this server itself (same host and port)."""
    if not origin or origin == "null":
        return False
    try:
        normalised = normalise_origin(origin)
    except ValueError:
        return False
    if normalised in allowed:
        return True
    # The demo page is served by this server: same host:port, whatever the scheme (a proxy in
    # front may end TLS, so the server sees http while the browser says https).
    return bool(host) and urlsplit(normalised).netloc == _host_netloc(host, normalised)


def _host_netloc(host: str, origin: str) -> str:
    """The Host header as an origin's netloc would spell it (lower case, default port off)."""
    host = host.strip().lower()
    scheme = urlsplit(origin).scheme
    for default in (":80",) if scheme == "http" else (":443",) if scheme == "https" else ():
        if host.endswith(default):
            host = host[: -len(default)]
    return host
