"""A terminal chat over the REST channel, like `rasa shell`, for trying the assistant locally."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Callable


def send(rasa_url: str, sender: str, text: str, timeout: float = 30.0) -> list[dict]:
    """Post one message to the REST channel and return the assistant's replies."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"[]")


def render(reply: dict) -> tuple[str, list[dict]]:
    """Text for the terminal, numbering any buttons, and the buttons themselves."""
    lines = [reply.get("text", "")] if reply.get("text") else []
    buttons = reply.get("buttons") or []
    lines += [f"  [{i}] {b['title']}" for i, b in enumerate(buttons, start=1)]
    return "\n".join(lines), buttons


def chat(
    rasa_url: str,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> None:
    """Hold a conversation until the person types /quit or closes input."""
    sender = f"terminal-{uuid.uuid4().hex[:12]}"
    write("Type a message and press Enter. A button's number picks it. /quit to leave.\n")
    buttons: list[dict] = []
    while True:
        try:
            text = read("You: ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if text in {"/quit", "/exit"}:
            return
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        buttons = []
        for reply in send(rasa_url, sender, text):
            shown, reply_buttons = render(reply)
            buttons = reply_buttons or buttons
            write(f"Assistant: {shown}\n")
