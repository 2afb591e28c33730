"""Driving the widget as a person would: by its roles and labels, inside its shadow root
(Playwright's locators pierce open shadow roots)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.stack import AXE

REPLY_TIMEOUT_MS = 20_000
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class Chat:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name="Find local support")
        self.panel = page.get_by_role("dialog", name="Find local support")
        self.log = page.get_by_role("log", name="Conversation")
        self.input = page.get_by_label("Your message")
        self.status = page.locator("signpost-chat .status")

    def open(self) -> Chat:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        return self

    @property
    def bot(self) -> Locator:
        return self.log.locator(".msg--bot")

    @property
    def user(self) -> Locator:
        return self.log.locator(".msg--user")

    @property
    def cards(self) -> Locator:
        return self.log.locator("article.card")

    def wait_for_greeting(self) -> None:
        expect(self.bot.first).to_contain_text("not an emergency service", timeout=REPLY_TIMEOUT_MS)

    def say(self, text: str, expect_reply: str | None = None) -> None:
        replies = self.bot.count()
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.user.last).to_contain_text(text[:40])
        if expect_reply is not None:
            self.wait_for_reply(replies, expect_reply)

    def wait_for_reply(self, replies_before: int, text: str) -> None:
        expect(self.bot.nth(replies_before)).to_be_attached(timeout=REPLY_TIMEOUT_MS)
        expect(self.log).to_contain_text(text, timeout=REPLY_TIMEOUT_MS)
        expect(self.page.locator("signpost-chat .typing")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)

    def choose(self, title: str, expect_reply: str) -> None:
        replies = self.bot.count()
        self.log.get_by_role("button", name=title, exact=True).click()
        expect(self.user.last).to_contain_text(title)
        self.wait_for_reply(replies, expect_reply)

    def texts(self) -> list[str]:
        return [t.strip() for t in self.log.locator(".msg").all_inner_texts()]

    def storage(self) -> dict[str, str]:
        return self.page.evaluate(
            "() => Object.fromEntries(Object.keys(sessionStorage)"
            ".filter(k => k.startsWith('signpost-chat:')).map(k => [k, sessionStorage[k]]))"
        )


def run_axe(page: Page, tags: list[str] | None = None) -> list[dict]:
    """axe-core's violations for the whole page, the widget's shadow root included."""
    assert AXE.exists(), "axe-core is missing: npm ci --prefix tests/browser (scripts/setup.sh)"
    # Check the settled panel: on a loaded machine the 160 ms opening rise (opacity 0 to 1)
    # can still be running, and axe then measures every text against a faded panel.
    page.evaluate(
        "() => { const root = document.querySelector('signpost-chat')?.shadowRoot;"
        " const panel = root && root.querySelector('.panel');"
        " return panel ? Promise.all(panel.getAnimations().map(a => a.finished)) : null; }"
    )
    if not page.evaluate("() => Boolean(window.axe)"):
        # Evaluated over the DevTools protocol, so the page's own CSP does not block it.
        page.evaluate(Path(AXE).read_text())
    result = page.evaluate(
        "tags => axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        tags or WCAG_22_AA,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
