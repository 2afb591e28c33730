"""A fake Twilio REST API on 127.0.0.1 that records the texts it is asked to send.

It speaks just enough of the Messages API for the official SDK: basic auth with the account
SID and auth token, a form POST to /2010-04-01/Accounts/{sid}/Messages.json, a 201 with the
message's JSON, and Twilio-shaped errors (e.g. 21610, unsubscribed recipient) on request.
It runs in a thread, so it serves both in-process tests and a Rasa server in a subprocess.

Also here: what Twilio posts to our webhook (`incoming`) and how it signs it (`sign`, with the
SDK's own RequestValidator).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
SERVICE_NUMBER = "+447700900000"  # Ofcom's drama range: never a real phone
PUBLIC_URL = "https://sms.signpost.example/webhooks/sms/webhook"


def incoming(number: str, body: str, **extra: str) -> dict[str, str]:
    """The form Twilio posts for an incoming SMS, blank fields included (Twilio signs them)."""
    return {
        "ToCountry": "GB",
        "ToState": "",
        "SmsMessageSid": (sid := extra.pop("MessageSid", "SM" + uuid.uuid4().hex)),
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "GB",
        "To": SERVICE_NUMBER,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": number,
        "ApiVersion": "2010-04-01",
        **extra,
    }


def sign(params: dict[str, str], url: str = PUBLIC_URL, token: str = AUTH_TOKEN) -> str:
    """The X-Twilio-Signature Twilio would send, computed by the SDK's own validator."""
    return RequestValidator(token).compute_signature(url, params)


@dataclass(frozen=True)
class SentText:
    to: str
    sender: str  # From, or the Messaging Service SID
    body: str


class FakeTwilio:
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sent: list[SentText] = []
        self.requests = 0
        self._failures: list[tuple[int, int]] = []
        self._changed = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- control ------------------------------------------------------------------------

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, status: int, code: int, times: int = 1) -> None:
        """Answer the next `times` requests with this Twilio error."""
        with self._changed:
            self._failures.extend([(status, code)] * times)

    def clear(self) -> None:
        with self._changed:
            self.sent.clear()
            self.requests = 0

    def to(self, number: str) -> list[str]:
        with self._changed:
            return [text.body for text in self.sent if text.to == number]

    def wait_for(self, number: str, count: int = 1, timeout: float = 30.0) -> list[str]:
        """The bodies sent to `number`, once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                bodies = [text.body for text in self.sent if text.to == number]
                if len(bodies) >= count:
                    return bodies
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} texts, got {len(bodies)}: {bodies}")
                self._changed.wait(remaining)

    def settle(self, quiet: float = 1.0, timeout: float = 30.0) -> None:
        """Wait until no request has come in for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            seen = self.requests
            quiet_until = time.monotonic() + quiet
            while True:
                now = time.monotonic()
                if self.requests != seen:
                    seen, quiet_until = self.requests, now + quiet
                if now >= quiet_until or now >= deadline:
                    return
                self._changed.wait(min(quiet_until, deadline) - now)

    # --- the API ------------------------------------------------------------------------

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _error(self, handler: BaseHTTPRequestHandler, status: int, code: int, text: str) -> None:
        self._reply(
            handler,
            status,
            {
                "code": code,
                "message": text,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
        )

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        expected_auth = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode())
        with self._changed:
            self.requests += 1
            self._changed.notify_all()
            failure = self._failures.pop(0) if self._failures else None
        if handler.path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            self._error(handler, 404, 20404, "The requested resource was not found")
            return
        if handler.headers.get("Authorization") != f"Basic {expected_auth.decode()}":
            self._error(handler, 401, 20003, "Authenticate")
            return
        if failure is not None:
            # Like Twilio's, the message names the number: the client must not log it.
            self._error(handler, failure[0], failure[1], f"Cannot send to {form.get('To')}")
            return
        if not form.get("To") or not form.get("Body"):
            self._error(handler, 400, 21602, "Message body is required.")
            return
        sent = SentText(
            form["To"], form.get("From") or form.get("MessagingServiceSid", ""), form["Body"]
        )
        sid = "SM" + uuid.uuid4().hex
        # Recorded before answering, so texts sent one after another are kept in that order.
        with self._changed:
            self.sent.append(sent)
            self._changed.notify_all()
        self._reply(
            handler,
            201,
            {
                "sid": sid,
                "account_sid": self.account_sid,
                "to": sent.to,
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "body": sent.body,
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            },
        )
