"""Fixtures for the browser tests: one assistant with the web channel for this folder,
Debian's Chromium driven by Playwright, and a host site on another origin that is allowed.

Package scope, not session: sync Playwright keeps an event loop running in this thread, which
async tests elsewhere (pytest-asyncio) cannot share, and the servers need not outlive us."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bot.config import REPO_ROOT
from tests.browser.stack import CHROMIUM, CHROMIUM_ARGS, WebStack
from tests.support.stack import free_port

DOCS_SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"


@pytest.fixture(scope="package")
def allowed_port() -> int:
    return free_port()


@pytest.fixture(scope="package")
def web_stack(tmp_path_factory: pytest.TempPathFactory, allowed_port: int) -> Iterator[WebStack]:
    stack = WebStack(
        tmp_path_factory.mktemp("web"),
        env={
            "SIGNPOST_WEB_ALLOWED_ORIGINS": f"http://127.0.0.1:{allowed_port}",
            # Tests type faster than people; a burst of 12 still lets one test go over it.
            "SIGNPOST_WEB_RATE_PER_MINUTE": "120",
            "SIGNPOST_WEB_RATE_BURST": "12",
            "SIGNPOST_WEB_NEW_SESSIONS_PER_MINUTE": "600",
        },
    )
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    # The quick-exit site is on the internet, which tests never reach: answer for it here.
    ctx.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>BBC Weather</title>Weather"
        ),
    )
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="package")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: docs/screenshots/ with SIGNPOST_UPDATE_SCREENSHOTS=1 (then commit
    them), otherwise a temporary folder, so a test run leaves the work tree clean."""
    if os.environ.get("SIGNPOST_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")
