"""The widget's files and the demo page, read once when the channel starts, served with
caching and safe headers. No separate web server is needed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import REPO_ROOT

WIDGET_DIR = REPO_ROOT / "widget"
FILES = {
    "widget.js": (WIDGET_DIR / "src" / "widget.js", "text/javascript; charset=utf-8"),
    "widget.css": (WIDGET_DIR / "src" / "widget.css", "text/css; charset=utf-8"),
    "demo": (WIDGET_DIR / "demo" / "index.html", "text/html; charset=utf-8"),
    "demo.css": (WIDGET_DIR / "demo" / "demo.css", "text/css; charset=utf-8"),
    "privacy": (WIDGET_DIR / "demo" / "privacy.html", "text/html; charset=utf-8"),
}
# The demo page only loads the widget from this server and talks to it.
DEMO_POLICY = (
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    content_type: str
    etag: str

    @classmethod
    def load(cls, path: Path, content_type: str) -> StaticFile:
        body = path.read_bytes()
        return cls(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')

    def serve(self, request: Request, page: bool = False) -> HTTPResponse:
        """The file, or 304 when the browser has this version already."""
        headers = {
            "ETag": self.etag,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            # Short: a fixed widget reaches host pages within minutes, ETag makes it cheap.
            "Cache-Control": "no-cache" if page else "public, max-age=300",
        }
        if page:
            headers["Content-Security-Policy"] = DEMO_POLICY
        else:
            # Public files; lets a host page load them as modules or with crossorigin.
            headers["Access-Control-Allow-Origin"] = "*"
        if request.headers.get("if-none-match") == self.etag:
            return response.empty(status=304, headers=headers)
        return response.raw(self.body, content_type=self.content_type, headers=headers)


def load_files() -> dict[str, StaticFile]:
    """Read the files now (at start-up, never in a request)."""
    return {name: StaticFile.load(path, kind) for name, (path, kind) in FILES.items()}
