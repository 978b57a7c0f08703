"""The pages of benchmarks, the privacy budget and shared bundles in a real
browser (Debian Chromium): they work by keyboard and mouse, show no figure
under the threshold to an outsider, and have no serious or critical axe-core
violation. Screenshots go to ``test-results/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.apps.federation.conftest import PERIOD, figures, key_file  # noqa: F401
from tests.apps.privacy.conftest import peers  # noqa: F401
from tests.disclosure_scan import assert_no_small_cells

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_benchmark_is_built_by_an_admin_and_read_by_the_evaluator(
    peers: Any,  # noqa: F811
    sign_in: Any,
    axe: Any,
    browser: Any,
    live_server: Any,
) -> None:
    admin = sign_in("admin-a@example.org")
    admin.goto("/initiatives/helpline-a/benchmarks/?kpi=R03&period=2026")
    assert axe(admin) == []
    admin.get_by_role("button", name="Build the benchmark").click()
    expect(admin.locator("#noise-note")).to_be_visible()
    _shot(admin, "benchmark-built")
    assert axe(admin) == []
    admin.goto("/o/org-a/privacy-budget/")
    expect(admin.get_by_role("heading", level=1)).to_be_visible()
    _shot(admin, "privacy-budget")
    assert axe(admin) == []

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        evaluator = context.new_page()
        evaluator.goto("/account/login/")
        evaluator.locator("input[name=username]").fill("evaluator@example.org")
        from tests.conftest import PASSWORD

        evaluator.locator("input[name=password]").fill(PASSWORD)
        evaluator.get_by_role("main").get_by_role("button", name="Sign in").click()
        evaluator.wait_for_url(lambda url: "/account/login/" not in url)
        evaluator.goto("/initiatives/helpline-a/benchmarks/?kpi=R03&period=2026")
        expect(evaluator.locator("#benchmark")).to_be_visible()
        assert evaluator.get_by_role("button", name="Build the benchmark").count() == 0
        assert_no_small_cells(evaluator.locator("main").inner_html(), 10)
        assert axe(evaluator) == []
    finally:
        context.close()


def test_bundle_pages_for_the_platform_admin(
    figures: Any,  # noqa: F811
    sign_in: Any,
    axe: Any,
) -> None:
    from evidencehub.apps.federation.services import (
        bundle_export,
        bundle_import,
        signing_key,
        trust_publisher,
    )
    from evidencehub.core.federation import public_key_text

    trust_publisher(name="Org A instance", public_key=public_key_text(signing_key()))
    bundle = bundle_import(
        data=bundle_export(organisation=figures.org_a, period=PERIOD)
    )
    page = sign_in("platform@example.org")
    page.goto("/bundles/")
    page.get_by_role("link", name=f"{bundle.pk}").or_(
        page.locator(f"a[href='/bundles/{bundle.pk}/']")
    ).first.click()
    page.wait_for_url(f"**/bundles/{bundle.pk}/")
    assert_no_small_cells(page.locator("main").inner_html(), 10)
    _shot(page, "bundle-detail")
    assert axe(page) == []
