"""One checked inbound text, handled after Twilio has had its answer: keywords first, then the
assistant, then the replies as numbered, GSM-7, at-most-N-segment texts.

Messages from one number are handled one at a time, in the order they arrived. The phone
number is used only to reply (and, with consent, handed to a booking); it never reaches the
assistant, the tracker or the logs.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels.sms import keywords
from bot.channels.sms.compact import shorter_forms
from bot.channels.sms.formatting import Reply, choose, compose_turn, for_sms
from bot.channels.sms.keywords import Keyword
from bot.channels.sms.store import SmsStateStore
from bot.channels.sms.twilio_client import RecipientUnsubscribed, SendError
from bot.crisis import crisis_reply
from bot.privacy.pseudonyms import pseudonymise
from bot.safety import assess
from bot.signposting import SERVICE_DATA_KEY, SERVICE_DATA_WANTED

logger = logging.getLogger(__name__)

CHANNEL = "sms"
# Twilio delivers at most 1,600 characters; anything longer is not a real text.
MAX_BODY = 2000
# The payload of a "use the number I'm texting from" button (see docs/channels/sms.md):
# choosing it hands the number to the booking, with the person's consent, before the
# assistant sees the answer.
USE_SENDER_NUMBER = "/use_my_number"
# Metadata on every SMS message: the booking form can offer that button, and the signposting
# actions send their results as data too, which compact.py lays out to fit one text.
METADATA = {"sms_number_available": True, SERVICE_DATA_WANTED: True}

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
NumberHandoff = Callable[[str, str], Any]  # (conversation id, phone number), sync or async


class Sender(Protocol):
    async def send(self, to: str, body: str) -> str: ...


@dataclass(frozen=True)
class InboundSms:
    """An incoming text from Twilio's webhook, already checked as really from Twilio."""

    number: str  # the sender's phone number: for replying only, never logged or stored
    sender_id: str  # the keyed pseudonym used as the conversation id
    body: str
    media_count: int = 0
    message_sid: str | None = None
    opt_out_type: str | None = None

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> InboundSms | None:
        """From the webhook's form fields, or None if this is not an incoming message.

        A delivery-status callback sent to the same URL has MessageStatus "sent",
        "delivered"...; an incoming text has none, or "received".
        """
        number = (form.get("From") or "").strip()
        status = (form.get("MessageStatus") or form.get("SmsStatus") or "received").strip()
        if not number or status.lower() != "received":
            return None
        try:
            media_count = int(form.get("NumMedia") or 0)
        except ValueError:
            media_count = 0
        return cls(
            number=number,
            sender_id=pseudonymise(CHANNEL, number),
            body=(form.get("Body") or "")[:MAX_BODY],
            media_count=media_count,
            message_sid=form.get("MessageSid") or form.get("SmsSid") or None,
            opt_out_type=form.get("OptOutType") or None,
        )


class TurnCollector(OutputChannel):
    """Keeps everything the assistant says in one turn, whole, to be composed into texts."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.messages.append({"text": text})

    def replies_and_buttons(self) -> tuple[list[Reply], list[dict]]:
        """The turn's replies in order (with shorter forms where they carry service data), and
        the last set of buttons (those are still current)."""
        replies: list[Reply] = []
        buttons: list[dict] = []
        for message in self.messages:
            custom = message.get("custom")
            shorter = (
                shorter_forms(custom.get(SERVICE_DATA_KEY)) if isinstance(custom, dict) else ()
            )
            text = str(message.get("text") or "") or (shorter[0] if shorter else "")
            if text:
                replies.append(Reply(text, shorter))
            for key in ("image", "attachment"):
                if isinstance(message.get(key), str):
                    replies.append(Reply(message[key]))  # a link the phone can open
            offered = message.get("buttons") or message.get("quick_replies")
            if offered:
                buttons = list(offered)
        return replies, buttons


class _SenderLocks:
    """One lock per conversation, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


def _crisis_for(body: str) -> str | None:
    found = assess(body)
    return crisis_reply(found.kind) if found.kind is not None else None


class SmsConversations:
    """Handles inbound texts in the background and sends the replies."""

    def __init__(
        self,
        store: SmsStateStore,
        sender: Sender,
        help_contact: str = "",
        max_segments: int = 3,
        number_handoff: NumberHandoff | None = None,
        remember: int = 10_000,
    ) -> None:
        self.store = store
        self.sender = sender
        self.help_contact = help_contact
        self.max_segments = max_segments
        self.number_handoff = number_handoff
        self._locks = _SenderLocks()
        self._tasks: set[asyncio.Task] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember

    # --- scheduling ---------------------------------------------------------------------

    def receive(self, inbound: InboundSms, on_new_message: OnNewMessage) -> bool:
        """Start handling a text in the background. False if it was already received.

        Twilio may deliver a message twice (a retry after a slow answer); its MessageSid
        says so.
        """
        if inbound.message_sid:
            if inbound.message_sid in self._seen:
                logger.info("SMS %s: duplicate delivery ignored", inbound.sender_id)
                return False
            self._seen[inbound.message_sid] = None
            while len(self._seen) > self._remember:
                self._seen.popitem(last=False)
        task = asyncio.get_running_loop().create_task(self.handle(inbound, on_new_message))
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return True

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            logger.error("SMS: handling a message failed (%s)", type(error).__name__)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait (a while) for texts still being handled, e.g. before the server stops."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def aclose(self) -> None:
        close = getattr(self.sender, "aclose", None)
        if close is not None:
            await close()

    # --- one message --------------------------------------------------------------------

    async def handle(self, inbound: InboundSms, on_new_message: OnNewMessage) -> None:
        # The lock is taken first thing, so texts from one number are handled in order.
        async with self._locks.hold(inbound.sender_id):
            await self._handle(inbound, on_new_message)

    async def _handle(self, inbound: InboundSms, on_new_message: OnNewMessage) -> None:
        who = inbound.sender_id
        state = await self.store.load(who)
        handled_by_twilio = keywords.twilio_keyword(inbound.opt_out_type)
        word = handled_by_twilio or keywords.keyword(inbound.body)

        if word is Keyword.STOP:
            await self.store.set_opted_out(who, True)
            logger.info("SMS %s: opted out", who)
            if not handled_by_twilio:  # one confirmation, as carriers expect
                await self._send(inbound, [keywords.STOPPED])
            return
        if word is Keyword.START and (state.opted_out or handled_by_twilio):
            await self.store.set_opted_out(who, False)
            logger.info("SMS %s: opted back in", who)
            if not handled_by_twilio:
                await self._send(inbound, [keywords.RESTARTED])
            return
        if word is Keyword.HELP:
            if not handled_by_twilio:
                # Answered even after STOP: the person asked, and it says how to reach a person.
                text = keywords.help_text(self.help_contact, opted_out=state.opted_out)
                await self._send(inbound, [for_sms(text)])
            return
        if word is Keyword.DELETE and state.opted_out:
            # Deleting needs a "yes" asked by text, and texts are stopped: say how instead.
            await self._send(inbound, [keywords.DELETE_WHILE_STOPPED])
            return
        if state.opted_out:
            await self._while_opted_out(inbound)
            return

        nothing = keywords.nothing_to_read(inbound.body, inbound.media_count)
        if nothing is not None:
            await self._send(inbound, [nothing])
            return

        if word is Keyword.DELETE:
            text = keywords.DELETE_PAYLOAD  # the assistant's "delete my data" conversation
        else:
            text = inbound.body.strip()
            text = choose(text, state.options) or text
        if text.startswith(USE_SENDER_NUMBER):
            await self._hand_off_number(inbound)
        if not state.exists:
            # Made before the assistant runs, so an erasure in this turn is not undone after it.
            await self.store.ensure(who)

        collector = TurnCollector()
        try:
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    who,
                    input_channel=CHANNEL,
                    message_id=inbound.message_sid,
                    metadata=dict(METADATA),
                )
            )
        except Exception as error:
            # The exception text could quote the message, so only its type is logged.
            logger.error("SMS %s: the assistant failed (%s)", who, type(error).__name__)
            await self._send(inbound, [keywords.SOMETHING_WENT_WRONG])
            return
        replies, buttons = collector.replies_and_buttons()
        turn = compose_turn(replies, buttons, self.max_segments)
        if not await self.store.set_options(who, turn.options):
            logger.info("SMS %s: erased during this turn, nothing kept", who)
        await self._send(inbound, turn.messages)

    async def _while_opted_out(self, inbound: InboundSms) -> None:
        """Nothing goes to the assistant and nothing is sent, except crisis numbers.

        Someone who sent STOP and then writes that they are in danger still gets the numbers
        to call, once, in reply to that message (see docs/channels/sms.md).
        """
        crisis = await asyncio.to_thread(_crisis_for, inbound.body) if inbound.body else None
        if crisis is None:
            logger.info("SMS %s: opted out, message not passed on", inbound.sender_id)
            return
        logger.warning(
            "SMS %s: opted out, but a crisis message: sending the numbers", inbound.sender_id
        )
        note = "You've stopped texts from us. Reply START if you'd like to talk."
        await self._send(inbound, compose_turn([crisis, note], [], self.max_segments).messages)

    async def _hand_off_number(self, inbound: InboundSms) -> None:
        """The person chose "use this number": give it to the booking, never to the tracker."""
        if self.number_handoff is None:
            logger.warning("SMS %s: number hand-off asked for but not set up", inbound.sender_id)
            return
        try:
            if inspect.iscoroutinefunction(self.number_handoff):
                await self.number_handoff(inbound.sender_id, inbound.number)
            else:  # a plain function may write to a database: not on the event loop
                await asyncio.to_thread(self.number_handoff, inbound.sender_id, inbound.number)
        except Exception as error:
            logger.error(
                "SMS %s: number hand-off failed (%s)", inbound.sender_id, type(error).__name__
            )

    async def _send(self, inbound: InboundSms, bodies: Sequence[str]) -> None:
        """Send the texts in order; stop at the first refusal. Callers decide whether to."""
        for body in bodies:
            if not body:
                continue
            try:
                await self.sender.send(inbound.number, body)
            except RecipientUnsubscribed:
                # They opted out at Twilio's end (or the carrier's): remember it here too.
                await self.store.set_opted_out(inbound.sender_id, True)
                logger.info("SMS %s: Twilio says this number opted out", inbound.sender_id)
                return
            except SendError as error:
                logger.error(
                    "SMS %s: a reply was not sent (HTTP %s, Twilio error %s)",
                    inbound.sender_id,
                    error.status,
                    error.code,
                )
                return
