"""The evaluator's protected-results page in a real browser (Debian
Chromium): keyboard reachable, no serious axe-core violation, and no figure
under the threshold in what the browser shows."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

# stored results with a small chat cell, shared with the app tests
from tests.apps.disclosure.conftest import computed  # noqa: F401
from tests.disclosure_scan import assert_no_small_cells

pytestmark = pytest.mark.e2e


def test_evaluator_page_in_a_browser(
    computed: Any,  # noqa: F811
    sign_in: Any,
    axe: Any,
) -> None:
    tab = sign_in("evaluator@example.org")
    tab.goto("/consortia/consortium/")
    tab.locator("#protected-results").focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/consortia/consortium/results/")
    tab.get_by_label("Period").fill("2026")
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url("**/results/?period=2026")
    section = tab.locator("[data-initiative=helpline-a]")
    expect(section.locator(".suppression-note").first).to_be_visible()
    section.locator("summary").click()
    expect(section.get_by_text("channel: chat").first).to_be_visible()
    # what the reader sees (before axe-core's own script is added to the page)
    assert_no_small_cells(tab.locator("main").inner_html(), 10)
    assert axe(tab) == []
