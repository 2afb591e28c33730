"""The web chat channel: a WebSocket for the widget, plus the widget's files and a demo page,
all on Rasa's own server under /webhooks/web/.

Register it in credentials.yml as `bot.channels.web.WebChatInput:` (no values: it reads its
settings from the environment, see config.py and docs/channels/web.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.web.config import DEVELOPMENT_SECRET, WebChatConfig
from bot.channels.web.connection import CHANNEL, ChannelState, Connection
from bot.channels.web.hub import Hub
from bot.channels.web.origins import origin_allowed
from bot.channels.web.output import WebChatOutput
from bot.channels.web.protocol import RecentIds
from bot.channels.web.ratelimit import RateLimiter
from bot.channels.web.static import StaticFile, load_files
from bot.channels.web.tokens import SessionTokens
from bot.channels.web.work import Conversations

logger = logging.getLogger(__name__)

SOCKET_PATH = "/socket"


class WebChatInput(InputChannel):
    """Browser chat over a WebSocket, with origin checks, signed sessions and rate limits."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(WebChatConfig.from_env())

    def __init__(self, config: WebChatConfig) -> None:
        self.config = config
        self.hub = Hub()
        if not config.configured:
            logger.warning("Web chat channel not configured: %s", config.problem)
        elif config.secret == DEVELOPMENT_SECRET.encode():
            logger.warning("Web chat channel is using the development secret (local mode)")

    def get_output_channel(self) -> OutputChannel | None:
        # Replies are routed by sender id, so Rasa can also reach a conversation from outside a
        # request (a reminder, an API call); it arrives if a tab of that session is open.
        return WebChatOutput(self.hub)

    def _state(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> ChannelState:
        config = self.config
        return ChannelState(
            config=config,
            tokens=SessionTokens(config.secret, config.session_hours * 3600),
            hub=self.hub,
            messages=RateLimiter(config.rate_per_minute, config.rate_burst),
            new_sessions=RateLimiter(
                config.new_sessions_per_minute, max(1, config.new_sessions_per_minute // 4)
            ),
            # Generous: a widget sends a ping every 25 s and a message now and then.
            frames=RateLimiter(120, 40),
            recent=RecentIds(),
            conversations=Conversations(self.hub, on_new_message),
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("web_chat", __name__)
        config = self.config
        files: dict[str, StaticFile] = load_files() if config.configured else {}
        state = self._state(on_new_message)

        @bp.middleware("request")
        async def gatekeeper(request: Request) -> HTTPResponse | None:
            if not config.configured:
                return response.json({"error": "not configured"}, status=503)
            if request.path.endswith(SOCKET_PATH):
                origin = request.headers.get("origin")
                if not origin_allowed(origin, request.headers.get("host"), config.allowed_origins):
                    logger.warning("web chat: refused a connection from origin %r", origin)
                    return response.json({"error": "origin not allowed"}, status=403)
            return None

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/widget.js", methods=["GET"])
        async def widget_js(request: Request) -> HTTPResponse:
            return files["widget.js"].serve(request)

        @bp.route("/widget.css", methods=["GET"])
        async def widget_css(request: Request) -> HTTPResponse:
            return files["widget.css"].serve(request)

        @bp.route("/privacy", methods=["GET"], strict_slashes=True)
        async def privacy(request: Request) -> HTTPResponse:
            # A placeholder notice; deployments link their own with data-privacy-url.
            return files["privacy"].serve(request, page=True)

        @bp.route("/demo", methods=["GET"], strict_slashes=True)
        async def demo(request: Request) -> HTTPResponse:
            if not config.demo_page:
                return response.json({"error": "no demo page here"}, status=404)
            return files["demo"].serve(request, page=True)

        @bp.route("/demo/", methods=["GET"], strict_slashes=True)
        async def demo_slash(request: Request) -> HTTPResponse:
            # The page's links are relative to /webhooks/web/, so send it there.
            return response.redirect(request.path.rstrip("/"))

        @bp.route("/demo.css", methods=["GET"])
        async def demo_css(request: Request) -> HTTPResponse:
            return files["demo.css"].serve(request)

        @bp.websocket(SOCKET_PATH)
        async def socket(request: Request, ws: Any) -> None:
            address = request.remote_addr or request.ip or "unknown"
            agent = getattr(request.app.ctx, "agent", None)
            await Connection(state, ws, agent, address).run()

        @bp.listener("before_server_stop")
        async def finish_work(*_: Any) -> None:
            # Let replies being made finish, briefly, so a message is not half handled.
            if state.conversations.workers:
                await asyncio.wait(set(state.conversations.workers), timeout=5)

        return bp
