"""Accessibility and layout: axe-core at WCAG 2.2 AA with the widget closed and open, full
screen on phones, text at 200%, reduced motion, and host-page CSS that cannot reach inside.
Screenshots for docs/ are taken here too (desktop ones in test_widget_conversation.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.config import REPO_ROOT
from tests.browser.chat import Chat, run_axe
from tests.browser.stack import WebStack

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}

OVERFLOW = """() => {
  const root = document.querySelector('signpost-chat').shadowRoot;
  const panel = root.querySelector('.panel').getBoundingClientRect();
  const out = [];
  for (const el of root.querySelectorAll('.panel *:not(.sr-only)')) {
    const box = el.getBoundingClientRect();
    if (!box.width) continue;
    const name = el.className || el.tagName;
    if (box.left < panel.left - 1 || box.right > panel.right + 1) out.push(name);
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
      out.push('scrolls sideways: ' + name);
  }
  return out;
}"""


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / name), animations="disabled", caret="initial")


def _conversation(chat: Chat) -> None:
    chat.wait_for_greeting()
    chat.say("I need help with money", expect_reply="Whereabouts are you?")
    chat.say("L4", expect_reply="near L4")


def test_axe_finds_nothing_with_the_widget_closed_and_open(page: Page, web_stack: WebStack) -> None:
    page.goto(web_stack.demo_url)
    chat = Chat(page)
    expect(chat.launcher).to_be_visible()
    assert run_axe(page) == []
    chat.open()
    _conversation(chat)
    assert run_axe(page) == []
    chat.choose("More about 1", expect_reply="Would you like to know about another one")
    assert run_axe(page) == []
    # axe's best practices too (landmarks, heading order...), beyond WCAG itself.
    assert run_axe(page, ["best-practice"]) == []


def test_axe_does_see_inside_the_widget(page: Page, web_stack: WebStack) -> None:
    """A check on the check: a nameless button in the shadow root is reported."""
    page.goto(web_stack.demo_url)
    Chat(page).open()
    page.evaluate(
        "() => document.querySelector('signpost-chat').shadowRoot"
        ".querySelector('.tools').appendChild(document.createElement('button'))"
    )
    assert [v["id"] for v in run_axe(page)] == ["button-name"]


def test_axe_finds_nothing_while_offline_and_on_a_phone(
    browser: Browser, web_stack: WebStack
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(web_stack.demo_url)
        assert run_axe(page) == []
        chat = Chat(page).open()
        chat.wait_for_greeting()
        context.set_offline(True)
        expect(chat.status).to_contain_text("You're offline")
        chat.input.fill("hello")
        chat.input.press("Enter")
        assert run_axe(page) == []
        context.set_offline(False)
    finally:
        context.close()


def test_full_screen_on_a_phone(browser: Browser, web_stack: WebStack, screenshots: Path) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(web_stack.demo_url)
        _shot(page, screenshots, "web-mobile-closed.png")
        chat = Chat(page).open()
        _conversation(chat)
        box = chat.panel.bounding_box()
        assert box == {"x": 0, "y": 0, "width": PHONE["width"], "height": PHONE["height"]}
        expect(page.get_by_role("button", name="Leave this site quickly")).to_be_in_viewport()
        assert page.evaluate(OVERFLOW) == []
        _shot(page, screenshots, "web-mobile-results.png")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE])
def test_text_at_200_percent_loses_nothing(
    browser: Browser, web_stack: WebStack, viewport: dict[str, int], screenshots: Path
) -> None:
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(web_stack.demo_url)
        chat = Chat(page).open()
        _conversation(chat)
        # Text twice the user's default size, as a browser's text-size setting does. A
        # constructed style sheet: the demo page's CSP (rightly) refuses inline <style>.
        page.evaluate(
            "() => { const sheet = new CSSStyleSheet();"
            " sheet.replaceSync(':host { font-size: 32px !important; }');"
            " const root = document.querySelector('signpost-chat').shadowRoot;"
            " root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]; }"
        )
        size = chat.bot.first.locator(".text").first.evaluate("e => getComputedStyle(e).fontSize")
        assert size == "32px"
        assert page.evaluate(OVERFLOW) == []
        for control in (
            page.get_by_role("button", name="Leave this site quickly"),
            page.get_by_role("button", name="Close chat"),
            chat.input,
            page.get_by_role("button", name="Send"),
            page.get_by_role("button", name="Talk to a person"),
            page.get_by_role("button", name="Clear chat from this browser"),
            chat.log.get_by_role("button", name="More about 1"),
        ):
            control.scroll_into_view_if_needed()
            expect(control).to_be_in_viewport()
        if viewport is PHONE:
            chat.panel.evaluate("panel => { panel.scrollTop = 0; }")
            _shot(page, screenshots, "web-mobile-large-text.png")
    finally:
        context.close()


def test_browser_zoom_at_200_percent_gives_the_full_screen_layout(
    browser: Browser, web_stack: WebStack
) -> None:
    # 1280 x 800 at 200% zoom is a 640 x 400 CSS-pixel viewport.
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(web_stack.demo_url)
        chat = Chat(page).open()
        chat.wait_for_greeting()
        # Measure the settled layout: on a slow machine the 160 ms opening rise can still be
        # running when the greeting arrives.
        chat.panel.evaluate("panel => Promise.all(panel.getAnimations().map(a => a.finished))")
        assert chat.panel.bounding_box() == {"x": 0, "y": 0, "width": 640, "height": 400}
        assert page.evaluate(OVERFLOW) == []
    finally:
        context.close()


def test_reduced_motion_is_honoured(browser: Browser, web_stack: WebStack) -> None:
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(web_stack.demo_url)
        chat = Chat(page).open()
        chat.wait_for_greeting()
        animations = page.evaluate(
            "() => { const r = document.querySelector('signpost-chat').shadowRoot;"
            " return ['.panel', '.typing__dots span'].map(s =>"
            " getComputedStyle(r.querySelector(s)).animationName); }"
        )
        assert animations == ["none", "none"]
    finally:
        context.close()
    context = browser.new_context(reduced_motion="no-preference")
    try:
        page = context.new_page()
        page.goto(web_stack.demo_url)
        Chat(page).open()
        name = page.evaluate(
            "() => getComputedStyle(document.querySelector('signpost-chat')"
            ".shadowRoot.querySelector('.panel')).animationName"
        )
        assert name == "sp-rise"
    finally:
        context.close()


HOSTILE_CSS = """
* { font-size: 9px !important; color: #f0f !important; background: #ff0 !important;
    font-family: "Comic Sans MS", cursive !important; line-height: 0.8 !important;
    letter-spacing: 3px !important; }
button { display: none !important; }
div, section, aside { position: static !important; }
signpost-chat { display: none !important; opacity: 0 !important; }
"""


def test_host_page_css_cannot_break_the_widget(page: Page, web_stack: WebStack) -> None:
    page.goto(web_stack.demo_url)
    page.evaluate(
        "css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);"
        " document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }",
        HOSTILE_CSS,
    )
    assert page.locator("h1").evaluate("e => getComputedStyle(e).fontSize") == "9px"
    chat = Chat(page)
    expect(chat.launcher).to_be_visible()
    chat.open()
    chat.wait_for_greeting()
    style = page.evaluate(
        "() => { const c = getComputedStyle(document.querySelector('signpost-chat')"
        ".shadowRoot.querySelector('.msg--bot .text'));"
        " return [c.fontSize, c.color, c.letterSpacing, c.position]; }"
    )
    assert style == ["16px", "rgb(33, 43, 50)", "normal", "static"]
    expect(page.get_by_role("button", name="Leave this site quickly")).to_be_visible()
    assert chat.panel.bounding_box()["width"] > 300


SHOTS = (
    "web-desktop-closed.png",
    "web-desktop-results.png",
    "web-desktop-details.png",
    "web-mobile-closed.png",
    "web-mobile-results.png",
    "web-mobile-large-text.png",
)


def test_screenshots_are_committed_and_linked_from_the_docs() -> None:
    """The tests take these; SIGNPOST_UPDATE_SCREENSHOTS=1 writes them to docs/screenshots."""
    doc = (REPO_ROOT / "docs" / "channels" / "web.md").read_text()
    assert sorted(p.name for p in DOCS_SCREENSHOTS.glob("web-*.png")) == sorted(SHOTS)
    for name in SHOTS:
        assert f"screenshots/{name}" in doc, f"{name} is not shown in the docs"
