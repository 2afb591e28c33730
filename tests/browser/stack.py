"""The real Rasa and action servers with the web chat channel registered, and small helpers
for the browser and channel tests (tests/browser/, tests/channels/test_web_*.py)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.stack import BASE_CREDENTIALS, Stack, free_port

CREDENTIALS = BASE_CREDENTIALS + "bot.channels.web.WebChatInput:\n"
PSEUDONYM_KEY = "web-tests-pseudonym-key-0123456789abcdef"
WEB_SECRET = "web-tests-session-secret-0123456789abcdef"
CHROMIUM = "/usr/bin/chromium"
# What this machine's Chromium needs: no sandbox as root, and no calls home (none would work).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


class WebStack(Stack):
    """A Stack whose Rasa server has the web channel, with the environment given to it."""

    def __init__(
        self, workdir: Path, env: dict[str, str] | None = None, db_url: str | None = None
    ) -> None:
        credentials = workdir / "credentials.yml"
        credentials.write_text(CREDENTIALS)
        base = {"SIGNPOST_PSEUDONYM_KEY": PSEUDONYM_KEY, "SIGNPOST_WEB_SECRET": WEB_SECRET}
        super().__init__(
            workdir, credentials=credentials, env={**base, **(env or {})}, db_url=db_url
        )

    @property
    def web(self) -> str:
        return f"{self.url}/webhooks/web"

    @property
    def demo_url(self) -> str:
        return f"{self.web}/demo"

    @property
    def socket_url(self) -> str:
        return self.web.replace("http://", "ws://") + "/socket"


HOST_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{title}</h1><p>Another site that embeds the chat.</p></main>
<script src="{widget}" defer data-title="Find local support" data-colour="#330072"
  data-privacy-url="{origin}/privacy.html" data-privacy-lang="cy"></script>
</body></html>
"""


@contextmanager
def host_site(widget_url: str, title: str, port: int | None = None) -> Iterator[str]:
    """A plain web site on its own origin (127.0.0.1:port) whose page embeds the widget."""
    port = port or free_port()
    origin = f"http://127.0.0.1:{port}"
    page = HOST_PAGE.format(title=title, widget=widget_url, origin=origin).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()
