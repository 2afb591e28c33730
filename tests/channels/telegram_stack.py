"""The real Rasa and action servers with the Telegram channel registered, talking to a fake
Bot API on 127.0.0.1, plus helpers to post updates to the webhook as Telegram does."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from telegram import Update

from bot.channels.telegram.config import SECRET_HEADER, WEBHOOK_PATH
from bot.privacy.pseudonyms import pseudonymise
from tests.channels.fake_telegram import FakeTelegram
from tests.support.stack import BASE_CREDENTIALS, Stack

TOKEN = "4242424242:AAE-fake_token_for_tests_0123456789"
SECRET = "webhook-secret_for-tests_0123456789abcdef"
CREDENTIALS = BASE_CREDENTIALS + "bot.channels.telegram.TelegramInput:\n"


class TelegramStack(Stack):
    """A Stack whose Rasa server gets the credentials file and environment given to it."""

    def __init__(self, workdir: Path, fake: FakeTelegram) -> None:
        credentials = workdir / "credentials.yml"
        credentials.write_text(CREDENTIALS)
        super().__init__(
            workdir,
            credentials=credentials,
            env={
                "SIGNPOST_TELEGRAM_BOT_TOKEN": TOKEN,
                "SIGNPOST_TELEGRAM_WEBHOOK_SECRET": SECRET,
                "SIGNPOST_TELEGRAM_API_URL": fake.api_url,
            },
        )
        self.fake = fake

    @property
    def webhook(self) -> str:
        return f"{self.url}{WEBHOOK_PATH}"

    def post(self, update: Update | dict, secret: str | None = SECRET) -> tuple[int, str]:
        """Post an update as Telegram would; the status and body of the answer."""
        body = update if isinstance(update, dict) else update.to_dict()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        request = urllib.request.Request(
            self.webhook, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def tracker(self, user_id: int) -> dict[str, Any]:
        sender = pseudonymise("telegram", str(user_id))
        with urllib.request.urlopen(
            f"{self.url}/conversations/{sender}/tracker?token={self.token}", timeout=10
        ) as response:
            return json.loads(response.read())

    def user_texts(self, user_id: int) -> list[str]:
        events = self.tracker(user_id)["events"]
        return [e.get("text") for e in events if e["event"] == "user"]

    def api(self, path: str, body: dict | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}{'&' if '?' in path else '?'}token={self.token}",
            data=json.dumps(body or {}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
