"""Safety in the browser: quick exit (button and Escape twice), clearing the chat, one browser
never seeing another's conversation, and pages on other sites refused unless allowed."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.chat import REPLY_TIMEOUT_MS, Chat, run_axe
from tests.browser.stack import WebStack, host_site

pytestmark = pytest.mark.e2e

EXIT_URL = "https://www.bbc.co.uk/weather"


def _chatting(page: Page, web_stack: WebStack) -> Chat:
    page.goto(web_stack.demo_url)
    chat = Chat(page).open()
    chat.wait_for_greeting()
    chat.say("my partner hurts me", expect_reply="Whereabouts are you?")
    return chat


def test_quick_exit_replaces_the_page_and_forgets_the_chat(
    context: BrowserContext, page: Page, web_stack: WebStack
) -> None:
    page.goto(f"{web_stack.web}/privacy")  # where the person was before the host page
    chat = _chatting(page, web_stack)
    assert chat.storage()["signpost-chat:token"]
    referers: list[str | None] = []
    context.on(
        "request",
        lambda r: referers.append(r.headers.get("referer")) if "bbc.co.uk" in r.url else None,
    )

    page.get_by_role("button", name="Leave this site quickly").click()
    page.wait_for_url(EXIT_URL)
    assert referers == [None], "the neutral site is not told where the person came from"

    page.go_back()  # the chat page was replaced, not left in the history
    page.wait_for_load_state()
    assert page.url.endswith("/webhooks/web/privacy")

    page.goto(web_stack.demo_url)
    chat = Chat(page)
    assert chat.storage() == {}
    expect(chat.panel).to_be_hidden()  # nothing says a chat was open
    chat.open().wait_for_greeting()
    assert "hurts" not in " ".join(chat.texts())


def test_escape_twice_leaves_from_anywhere_on_the_page(page: Page, web_stack: WebStack) -> None:
    _chatting(page, web_stack)
    page.locator("h1").click()  # focus on the host page, not the chat
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)


def test_one_escape_only_closes_the_chat(page: Page, web_stack: WebStack) -> None:
    chat = _chatting(page, web_stack)
    chat.input.focus()
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    time.sleep(1.5)
    page.keyboard.press("Escape")
    time.sleep(0.5)
    assert page.url == web_stack.demo_url


def test_clear_chat_from_this_browser(page: Page, web_stack: WebStack) -> None:
    chat = _chatting(page, web_stack)
    old_token = chat.storage()["signpost-chat:token"]
    page.get_by_role("button", name="Clear chat from this browser").click()
    expect(chat.log).to_contain_text("Chat cleared from this browser", timeout=REPLY_TIMEOUT_MS)
    expect(chat.log).not_to_contain_text("hurts")
    chat.wait_for_greeting()
    new_token = chat.storage()["signpost-chat:token"]
    assert new_token.split(".")[0] != old_token.split(".")[0]

    page.reload()
    chat = Chat(page)
    chat.wait_for_greeting()
    assert "hurts" not in " ".join(chat.texts())


def test_another_browser_cannot_claim_a_session(
    browser: Browser, page: Page, web_stack: WebStack
) -> None:
    chat = _chatting(page, web_stack)
    token = chat.storage()["signpost-chat:token"]
    session_id, issued, signature = token.split(".")
    forged = [
        session_id,  # the bare session id
        f"{session_id}.{issued}.{signature[:-2]}xx",  # a broken signature
        f"{session_id}.{int(issued) + 1}.{signature}",  # a changed time
    ]
    for claim in forged:
        other = browser.new_context()
        try:
            intruder = other.new_page()
            intruder.goto(web_stack.demo_url)
            intruder.evaluate(
                "t => { sessionStorage.setItem('signpost-chat:token', t);"
                " sessionStorage.setItem('signpost-chat:open', '1'); }",
                claim,
            )
            intruder.reload()
            theirs = Chat(intruder)
            theirs.wait_for_greeting()
            assert "hurts" not in " ".join(theirs.texts())
            assert theirs.storage()["signpost-chat:token"].split(".")[0] != session_id

            # The owner carries on; the other browser gets none of it.
            chat.say("Walton", expect_reply="near")
            time.sleep(0.5)
            assert "Walton" not in " ".join(theirs.texts())
            assert theirs.cards.count() == 0
        finally:
            other.close()


def test_a_site_on_the_allow_list_can_embed_the_chat(
    page: Page, web_stack: WebStack, allowed_port: int
) -> None:
    with host_site(f"{web_stack.web}/widget.js", "Sefton Council", port=allowed_port) as origin:
        page.goto(origin)
        chat = Chat(page).open()
        chat.wait_for_greeting()
        privacy = page.get_by_role("link", name="How we use your messages")
        assert privacy.get_attribute("href") == f"{origin}/privacy.html"
        assert privacy.get_attribute("hreflang") == "cy"
        assert run_axe(page) == []  # with the site's own brand colour too
        chat.say("looking for a walking group", expect_reply="Whereabouts are you?")


def test_a_site_not_on_the_allow_list_is_refused(page: Page, web_stack: WebStack) -> None:
    with host_site(f"{web_stack.web}/widget.js", "Somewhere else") as origin:
        page.goto(origin)
        chat = Chat(page).open()
        expect(chat.status).to_contain_text("Reconnecting", timeout=REPLY_TIMEOUT_MS)
        time.sleep(2)
        assert chat.bot.count() == 0
    log = (web_stack.workdir / "logs" / "rasa-server.log").read_text()
    assert f"refused a connection from origin '{origin}'" in log


def test_crisis_numbers_can_be_called_or_texted_with_one_tap(
    page: Page, web_stack: WebStack
) -> None:
    page.goto(web_stack.demo_url)
    chat = Chat(page).open()
    chat.wait_for_greeting()
    chat.say("i dont want to be here anymore", expect_reply="Samaritans")
    reply = chat.bot.last
    expect(reply.get_by_role("list")).to_be_visible()
    hrefs = reply.get_by_role("link").evaluate_all("links => links.map(a => a.href)")
    assert "tel:116123" in hrefs
    assert "tel:999" in hrefs
    assert "tel:111" in hrefs
    assert any(h.startswith("sms:85258") and "SHOUT" in h for h in hrefs)
