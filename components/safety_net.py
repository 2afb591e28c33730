"""A safety net so a fault never leaves a person with silence or an error page.

Out of the box, Rasa 3.6 swallows a failed custom action ("Bot will continue, but the actions
events are lost"), waits up to five minutes for a slow action server, carries on from a blank
conversation when the tracker store can't be read (and keeps the turn in memory only when it
can't be written), and lets a failing lock store end the turn with nothing said. Instead:

- every call to the action server has a short time limit (SIGNPOST_ACTION_TIMEOUT_SECONDS,
  default 4); a call that fails, times out or answers with an error aborts the whole turn, so
  nothing half-done is saved and the conversation carries on from where it was once the
  action server is back (a form's own 400 "rejection" is left to Rasa, as before);
- each turn has an overall limit (SIGNPOST_TURN_TIMEOUT_SECONDS, default 9);
- a tracker store that can't be read or written fails the turn (Rasa's fail-safe wrapper,
  which would hide that, is taken off);
- any failure of the turn (action server, database, lock store, a bug) is answered with a short
  apology and the helplines, or with the crisis reply when the message was a crisis, through
  the channel the person wrote on.

It is installed by registering this module as a channel in credentials.yml, listed first (in
production it also refuses to start without the secrets, see bot/privacy/startup.py):

    components.safety_net.SafetyNetInput:

When the server has started, it wraps the agent's message handling (all channels go through
it) and its action endpoint. GET /webhooks/safety_net/ tells whether it is in place. A model
loaded later through the HTTP API (kept off in production) would not be wrapped.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

INSTALLED_FLAG = "_signpost_safety_net"
# How the fallback reply begins (the benchmarks count a reply that begins so as an error).
APOLOGY_START = "Sorry, something has gone wrong on my side"


class TurnAborted(BaseException):
    """Ends a turn at once, past Rasa's `except Exception` that would carry on without it.

    A BaseException on purpose: Rasa's processor catches every Exception from an action and
    continues as if it had run, then saves that half-done turn.
    """


@dataclass(frozen=True)
class SafetyNetConfig:
    action_timeout: float = 4.0
    turn_timeout: float = 9.0

    @classmethod
    def from_env(cls) -> SafetyNetConfig:
        def seconds(name: str, default: float) -> float:
            value = os.environ.get(name, "").strip()
            return float(value) if value else default

        config = cls(
            seconds("SIGNPOST_ACTION_TIMEOUT_SECONDS", cls.action_timeout),
            seconds("SIGNPOST_TURN_TIMEOUT_SECONDS", cls.turn_timeout),
        )
        if not 0 < config.action_timeout <= config.turn_timeout:
            raise ValueError("need 0 < SIGNPOST_ACTION_TIMEOUT_SECONDS <= turn timeout")
        return config


@dataclass
class _Turn:
    failure: str | None = None
    details: list[str] = field(default_factory=list)


_turn: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("signpost_turn", default=None)


class GuardedActionEndpoint(EndpointConfig):
    """The action endpoint, with a time limit; a failure aborts the turn it happens in."""

    def __init__(self, endpoint: EndpointConfig, timeout: float) -> None:
        super().__init__(
            url=endpoint.url,
            params=endpoint.params,
            headers=endpoint.headers,
            basic_auth=endpoint.basic_auth,
            token=endpoint.token,
            token_name=endpoint.token_name,
            cafile=endpoint.cafile,
            **endpoint.kwargs,
        )
        self.type = endpoint.type
        self.timeout = timeout

    async def request(
        self,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        turn = _turn.get()
        if turn is not None and turn.failure:
            raise TurnAborted(turn.failure)  # don't wait for a server that just failed
        kwargs["timeout"] = aiohttp.ClientTimeout(total=self.timeout)
        try:
            return await asyncio.wait_for(
                super().request(method, subpath, content_type, compress, **kwargs),
                self.timeout + 0.5,
            )
        except ClientResponseError as error:
            if error.status == 400:
                raise  # a form rejecting a slot: Rasa's normal flow
            self._failed(turn, f"the action server answered {error.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            self._failed(turn, f"the action server did not answer ({type(error).__name__})")

    @staticmethod
    def _failed(turn: _Turn | None, reason: str) -> None:
        if turn is None:
            # Outside a person's turn (an HTTP API call): fail the way Rasa expects.
            raise RasaException(reason)
        turn.failure = reason
        raise TurnAborted(reason)


def fallback_reply(text: str | None) -> str:
    """The crisis reply for a crisis message; otherwise a short apology with the helplines."""
    from bot.crisis import crisis_line, crisis_reply
    from bot.safety import assess

    try:
        safety = assess(text or "")
        if safety.is_crisis and safety.kind is not None:
            return crisis_reply(safety.kind)
        samaritans, shout = crisis_line("samaritans"), crisis_line("shout")
        emergency = crisis_line("emergency_999")
        helplines = (
            f"If you need to talk to someone now, {samaritans.name} are "
            f"{samaritans.availability}: {samaritans.action}. Or {shout.action} "
            f"({shout.availability}). If you're in danger, {emergency.action}."
        )
    except Exception:  # the data file itself is the problem: the numbers still go out
        logger.exception("Crisis numbers could not be read; using the built-in ones")
        helplines = (
            "If you need to talk to someone now, Samaritans are free any time: call 116 123. "
            "If you're in danger, call 999."
        )
    return (
        f"{APOLOGY_START} and I can't answer properly just now. "
        "Please try again in a few minutes.\n\n" + helplines
    )


Handler = Callable[[UserMessage], Awaitable[Any]]


def guard_handler(handle: Handler, config: SafetyNetConfig) -> Handler:
    """`handle` (the agent's handle_message) with the turn limit and the fallback reply."""

    async def guarded(message: UserMessage) -> Any:
        turn = _Turn()
        token = _turn.set(turn)
        try:
            return await asyncio.wait_for(handle(message), config.turn_timeout)
        except (TurnAborted, Exception) as error:
            reason = turn.failure or type(error).__name__
            if isinstance(error, asyncio.TimeoutError):
                reason = f"the turn took longer than {config.turn_timeout:g}s"
            logger.error(
                "Turn failed (%s); sending the fallback reply on %s",
                reason,
                message.input_channel or "unknown channel",
            )
            await _send_fallback(message)
            if isinstance(message.output_channel, CollectingOutputChannel):
                return message.output_channel.messages
            return None
        finally:
            _turn.reset(token)

    return guarded


async def _send_fallback(message: UserMessage) -> None:
    try:
        await message.output_channel.send_text_message(
            message.sender_id, fallback_reply(message.text)
        )
    except Exception:
        logger.exception("The fallback reply could not be sent either")


def _unwrap_failsafe_store(agent: Any) -> None:
    """Let tracker store failures end the turn (with the apology) instead of being hidden.

    Rasa wraps every tracker store in a FailSafeTrackerStore: when the database can't be
    read it starts the conversation afresh, and when it can't be written it keeps the turn in
    this process's memory only, where a restart or the next server loses it.
    """
    from rasa.core.tracker_store import FailSafeTrackerStore

    store = agent.tracker_store
    if isinstance(store, FailSafeTrackerStore):
        inner = store._tracker_store
        agent.tracker_store = inner
        if agent.processor is not None:
            agent.processor.tracker_store = inner


def install(agent: Any, config: SafetyNetConfig) -> bool:
    """Wrap a loaded agent (once). False if there was no agent to wrap."""
    if agent is None:
        return False
    if getattr(agent, INSTALLED_FLAG, False):
        return True
    if agent.action_endpoint is not None:
        guarded = GuardedActionEndpoint(agent.action_endpoint, config.action_timeout)
        agent.action_endpoint = guarded
        if agent.processor is not None:
            agent.processor.action_endpoint = guarded
    _unwrap_failsafe_store(agent)
    agent.handle_message = guard_handler(agent.handle_message, config)
    setattr(agent, INSTALLED_FLAG, True)
    logger.info(
        "Safety net in place (actions %gs, turns %gs)", config.action_timeout, config.turn_timeout
    )
    return True


class SafetyNetInput(InputChannel):
    """Not a channel people write on: it puts the safety net around every channel."""

    @classmethod
    def name(cls) -> str:
        return "safety_net"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        from bot.privacy.startup import check_production_secrets

        # In production the Rasa server stops here, before serving anyone, if a secret is missing.
        check_production_secrets()
        return cls(SafetyNetConfig.from_env())

    def __init__(self, config: SafetyNetConfig | None = None) -> None:
        self.config = config or SafetyNetConfig()

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        bp = Blueprint("safety_net", __name__)
        config = self.config

        @bp.listener("after_server_start")
        def wrap_agent(app: Any, _loop: Any) -> None:
            # Synchronous, and listed first in credentials.yml: in place before any request.
            if not install(getattr(app.ctx, "agent", None), config):
                logger.error("Safety net NOT installed: no agent was loaded")

        @bp.route("/", methods=["GET"])
        async def status(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            return response.json({"installed": bool(getattr(agent, INSTALLED_FLAG, False))})

        return bp
