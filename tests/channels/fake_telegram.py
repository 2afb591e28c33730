"""A fake Telegram Bot API on 127.0.0.1 for tests: records every call, answers like Telegram
(enough for python-telegram-bot to parse), serves getUpdates from a queue, and can fail a
method on demand. Only the outside service is fake; the bot library and channel are real.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

JSON_PARAMS = {"reply_markup", "allowed_updates", "link_preview_options", "entities"}
BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Signpost", "username": "signpost_bot"}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]


class FakeTelegram:
    """Start with `start()`; point the bot at `api_url`; read `calls`."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] = {"url": ""}
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[str, list[tuple[int, str, dict[str, Any] | None]]] = {}
        self._message_id = 0
        self._cond = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ---------------------------------------------------------------- control

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeTelegram:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def queue_update(self, update: dict[str, Any]) -> None:
        """Make an update available to getUpdates."""
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()

    def fail(
        self, method: str, status: int, description: str, parameters: dict | None = None
    ) -> None:
        """The next call to `method` fails like Telegram would."""
        with self._cond:
            self._failures.setdefault(method, []).append((status, description, parameters))

    def calls_to(self, method: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method and (where is None or where(c))]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        where: Callable[[Call], bool] | None = None,
        timeout: float = 30.0,
    ) -> list[Call]:
        """Wait until at least `count` matching calls have arrived; return all matching."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    c for c in self.calls if c.method == method and (where is None or where(c))
                ]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"{count} x {method} not seen in {timeout}s; saw {seen}")
                self._cond.wait(remaining)

    def sent_to(self, chat_id: int) -> list[Call]:
        return self.calls_to("sendMessage", lambda c: c.params.get("chat_id") == chat_id)

    # ---------------------------------------------------------------- the API

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._cond:
            self.calls.append(Call(method, params))
            self._cond.notify_all()
            failures = self._failures.get(method)
            if failures:
                status, description, parameters = failures.pop(0)
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": status,
                    "description": description,
                }
                if parameters:
                    body["parameters"] = parameters
                return status, body
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method == "sendMessage":
            with self._cond:
                self._message_id += 1
                message_id = self._message_id
            result = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": params["chat_id"], "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            if "reply_markup" in params:
                result["reply_markup"] = params["reply_markup"]
            return 200, {"ok": True, "result": result}
        if method == "setWebhook":
            with self._cond:
                self.webhook = {
                    "url": params.get("url", ""),
                    "secret_token": params.get("secret_token"),
                    "allowed_updates": params.get("allowed_updates"),
                    "max_connections": int(params.get("max_connections", 40)),
                }
            return 200, {"ok": True, "result": True}
        if method == "deleteWebhook":
            with self._cond:
                self.webhook = {"url": ""}
            return 200, {"ok": True, "result": True}
        if method == "getWebhookInfo":
            with self._cond:
                info = {
                    "url": self.webhook.get("url", ""),
                    "has_custom_certificate": False,
                    "pending_update_count": len(self._updates),
                }
                if self.webhook.get("url"):
                    info["max_connections"] = self.webhook["max_connections"]
                    info["allowed_updates"] = self.webhook["allowed_updates"]
            return 200, {"ok": True, "result": info}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        return 200, {"ok": True, "result": True}  # sendChatAction, answerCallbackQuery...

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + wait
        with self._cond:
            while True:
                # Asking from an offset confirms everything before it, as on Telegram.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or time.monotonic() >= deadline:
                    return list(self._updates)
                self._cond.wait(deadline - time.monotonic())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                prefix = f"/bot{fake.token}/"
                if not self.path.startswith(prefix):
                    self._reply(
                        401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                    )
                    return
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                params: dict[str, Any] = {}
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    for key, value in parse_qsl(raw, keep_blank_values=True):
                        params[key] = json.loads(value) if key in JSON_PARAMS else value
                if "chat_id" in params:
                    params["chat_id"] = int(params["chat_id"])
                status, body = fake._answer(self.path[len(prefix) :], params)
                self._reply(status, body)

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
