"""Fixtures for the real-browser tests: one headless Debian Chromium per run,
a fresh browser context (cookies, storage) per test, served by pytest-django's
``live_server``.

Chromium comes from the operating system (``apt-get install chromium``), never
from ``playwright install``; without it the tests fail rather than skip, so a CI
image that lost it cannot pass silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an asyncio event loop in the test thread, which
# makes Django refuse ORM calls from fixtures ("async unsafe") without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `apt-get install chromium` "
            "(the e2e tests use Debian's Chromium, not `playwright install`).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def sign_in(page: Page) -> Callable[[str], Page]:
    """``sign_in(email)``: sign in through the login form and return the page."""
    from tests.conftest import PASSWORD

    def do(email: str) -> Page:
        page.goto("/account/login/")
        page.locator("input[name=username]").fill(email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/account/login/" not in url)
        return page

    return do


@pytest.fixture
def axe() -> Callable[[Page], list[dict[str, Any]]]:
    """``axe(page)``: run axe-core on the page and return its serious and
    critical violations."""
    if not AXE_SCRIPT.exists():
        pytest.fail(
            f"{AXE_SCRIPT} is missing: run `npm ci` in {REPO_ROOT}.", pytrace=False
        )

    def run(page: Page) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_SCRIPT))
        violations: list[dict[str, Any]] = page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ['violations']});
                return result.violations.map(v => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    nodes: v.nodes.map(n => ({
                        target: n.target.join(' '),
                        html: n.html,
                        summary: n.failureSummary,
                    })),
                }));
            }"""
        )
        return [v for v in violations if v["impact"] in ("serious", "critical")]

    return run
