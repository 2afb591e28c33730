"""The widget in headless Chromium against the real Rasa and action servers: a signposting
conversation by typing and by buttons, history after a reload, going offline and coming
back, the server going away and coming back, and the same conversation by keyboard alone.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.chat import REPLY_TIMEOUT_MS, Chat
from tests.browser.stack import WebStack

pytestmark = pytest.mark.e2e


def _screenshot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / name), animations="disabled", caret="initial")


def _start(page: Page, web_stack: WebStack) -> Chat:
    page.goto(web_stack.demo_url)
    chat = Chat(page).open()
    chat.wait_for_greeting()
    return chat


def test_signposting_by_typing_and_by_buttons(
    page: Page, web_stack: WebStack, screenshots: Path
) -> None:
    page.goto(web_stack.demo_url)
    _screenshot(page, screenshots, "web-desktop-closed.png")
    chat = Chat(page).open()
    chat.wait_for_greeting()
    expect(chat.input).to_be_focused()
    assert not chat.user.count(), "the widget's own greeting is not shown as typed by the person"

    chat.say("I can't afford food this week", expect_reply="Whereabouts are you?")
    chat.say("L9 1AD", expect_reply="near L9")

    cards = chat.cards
    expect(cards).to_have_count(3)
    first = cards.first
    expect(first.get_by_role("heading", level=3)).to_contain_text(re.compile(r"^1\. \S"))
    expect(first).to_contain_text(re.compile(r"miles? away"))
    call = first.get_by_role("link", name=re.compile(r"^Call 0\d"))
    assert re.fullmatch(r"tel:0\d{9,10}", call.get_attribute("href") or "")
    expect(chat.log).to_contain_text("made-up examples")
    _screenshot(page, screenshots, "web-desktop-results.png")

    chat.choose("More about 1", expect_reply="Would you like to know about another one")
    details = chat.cards.last
    expect(details).to_contain_text("Where")
    expect(details.get_by_role("link", name=re.compile(r"^Call "))).to_have_count(1, timeout=1)
    _screenshot(page, screenshots, "web-desktop-details.png")

    chat.choose("Show more", expect_reply="Here are some more")
    expect(chat.cards.last.get_by_role("heading", level=3)).to_contain_text(re.compile(r"^\d+\. "))
    numbers = [int(h.split(".")[0]) for h in chat.log.locator(".card__name").all_inner_texts()[-3:]]
    assert numbers[0] >= 4

    replies = chat.bot.count()
    page.get_by_role("button", name="Talk to a person").click()
    expect(chat.user.last).to_have_text(re.compile("Talk to a person"))
    expect(chat.bot.nth(replies)).to_be_attached(timeout=REPLY_TIMEOUT_MS)


def test_history_comes_back_after_a_reload(page: Page, web_stack: WebStack) -> None:
    chat = _start(page, web_stack)
    chat.say("feeling lonely since I moved here", expect_reply="Whereabouts are you?")
    chat.say("Bootle", expect_reply="near Bootle")
    before = chat.texts()
    cards_before = chat.cards.count()
    token = chat.storage()["signpost-chat:token"]

    page.reload()
    chat = Chat(page)
    expect(chat.panel).to_be_visible()  # it was open, so it opens again
    expect(chat.cards).to_have_count(cards_before, timeout=REPLY_TIMEOUT_MS)
    assert chat.texts() == before
    assert chat.storage()["signpost-chat:token"].split(".")[0] == token.split(".")[0]
    # The conversation carries on where it was.
    chat.choose("More about 2", expect_reply="Would you like to know about another one")


def test_offline_messages_are_queued_and_sent_when_back(
    context: BrowserContext, page: Page, web_stack: WebStack
) -> None:
    chat = _start(page, web_stack)
    context.set_offline(True)
    expect(chat.status).to_contain_text("You're offline")
    chat.input.fill("I need help with debt")
    chat.input.press("Enter")
    waiting = chat.user.last
    expect(waiting).to_contain_text("Waiting to send")
    replies = chat.bot.count()
    time.sleep(1)
    assert chat.bot.count() == replies, "nothing is answered while offline"

    context.set_offline(False)
    expect(chat.status).to_have_text("", timeout=REPLY_TIMEOUT_MS)
    expect(waiting).not_to_contain_text("Waiting to send", timeout=REPLY_TIMEOUT_MS)
    chat.wait_for_reply(replies, "Whereabouts are you?")
    assert chat.user.count() == 1, "the queued message was sent once"


def test_reconnects_with_back_off_when_the_server_goes_away(
    page: Page, web_stack: WebStack
) -> None:
    chat = _start(page, web_stack)
    chat.say("need a food bank", expect_reply="Whereabouts are you?")
    web_stack.stop()
    expect(chat.status).to_contain_text("Reconnecting", timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_role("button", name="Try again now")).to_be_visible()
    replies = chat.bot.count()
    chat.input.fill("L9")
    chat.input.press("Enter")
    expect(chat.user.last).to_contain_text("Waiting to send")

    web_stack.start()
    # Back-off tops out at 30 s (plus jitter), so the widget is back within about 40 s.
    expect(chat.status).to_have_text("", timeout=45_000)
    chat.wait_for_reply(replies, "near L9")
    expect(chat.user).to_have_count(2)


def test_sending_too_fast_waits_then_sends_everything(page: Page, web_stack: WebStack) -> None:
    chat = _start(page, web_stack)
    messages = [f"hello {n}" for n in range(15)]  # the burst allowed is 12, greeting included
    for text in messages:
        chat.input.fill(text)
        chat.input.press("Enter")
    expect(chat.log).to_contain_text("You're sending messages quickly")
    expect(chat.log.locator(".msg__waiting")).to_have_count(0, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("signpost-chat .typing")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
    assert [t.removeprefix("You said:").strip() for t in chat.user.all_inner_texts()] == messages
    page.reload()  # every one reached the assistant, once and in order
    chat = Chat(page)
    expect(chat.user).to_have_count(len(messages), timeout=REPLY_TIMEOUT_MS)
    expect(chat.log.locator(".msg__waiting")).to_have_count(0, timeout=REPLY_TIMEOUT_MS)
    assert [t.removeprefix("You said:").strip() for t in chat.user.all_inner_texts()] == messages


def test_keyboard_only(page: Page, web_stack: WebStack) -> None:
    page.goto(web_stack.demo_url)
    chat = Chat(page)
    page.keyboard.press("Tab")
    expect(chat.launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.input).to_be_focused()
    chat.wait_for_greeting()

    replies = chat.bot.count()
    page.keyboard.type("my mum has dementia and I look after her")
    page.keyboard.press("Enter")
    chat.wait_for_reply(replies, "Whereabouts are you?")
    expect(chat.input).to_be_focused()
    replies = chat.bot.count()
    page.keyboard.type("L20")
    page.keyboard.press("Enter")
    chat.wait_for_reply(replies, "near L20")

    # Back from the message box to the assistant's buttons, then pick one with the keyboard.
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        focused = page.evaluate(
            "() => document.querySelector('signpost-chat').shadowRoot.activeElement?.textContent"
        )
        if focused == "More about 1":
            break
    else:
        pytest.fail("the result buttons cannot be reached with the keyboard")
    outline = page.evaluate(
        "() => getComputedStyle(document.querySelector('signpost-chat')"
        ".shadowRoot.activeElement).outlineStyle"
    )
    assert outline == "solid", "the focused button shows a focus ring"
    replies = chat.bot.count()
    page.keyboard.press("Enter")
    chat.wait_for_reply(replies, "Would you like to know about another one")
    expect(chat.input).to_be_focused()  # the clicked buttons are gone; focus is not lost

    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()
    time.sleep(1.5)  # a second Escape now would leave the site
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    page.keyboard.press("Shift+Tab")  # from the message box back up to the header
    for _ in range(40):
        if page.evaluate(
            "() => document.querySelector('signpost-chat').shadowRoot.activeElement"
            "?.textContent === 'Leave this site quickly'"
        ):
            break
        page.keyboard.press("Shift+Tab")
    else:
        pytest.fail("quick exit cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("https://www.bbc.co.uk/weather")
