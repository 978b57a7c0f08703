"""Share links, report jobs and exports in a real browser (headless Chromium):
a funder opens a share link with no login and reads the report; once the link
is withdrawn the same address shows the error page; a report job shows its
progress and then a download. axe-core finds no serious or critical
violation on these pages. Screenshots are saved under ``test-results/``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.apps.sharing.conftest import PERIOD, enter, store_breakdown

pytestmark = pytest.mark.e2e

SignIn = Callable[[str], Page]
Axe = Callable[[Page], list[dict[str, Any]]]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def results(cast: Any) -> Any:
    from evidencehub.apps.kpis.services import compute_and_store
    from evidencehub.core.kpis.results import parse_period

    enter(
        cast.initiative_a, cast.admin_a, PERIOD, calls_answered=500, calls_missed=2200
    )
    compute_and_store(
        initiative=cast.initiative_a,
        period=parse_period(PERIOD),
        kpi_ids=["R02", "R03"],
    )
    store_breakdown(cast.initiative_a, PERIOD, {"phone": 496, "chat": 4})
    return cast


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _fresh(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(base_url=base_url, locale="en-GB")
    context.set_default_timeout(10_000)
    return context.new_page()


def test_share_link_opens_without_login_then_withdrawn(
    results: Any, sign_in: SignIn, browser: Browser, live_server: Any, axe: Axe
) -> None:
    page = sign_in("analyst-a@example.org")
    page.goto("/initiatives/helpline-a/")
    page.get_by_role("link", name="Share links").click()
    expect(page.get_by_role("heading", name="Share links", level=1)).to_be_visible()
    assert axe(page) == []
    page.get_by_label("For whom").fill("Example Foundation")
    page.get_by_label("Period").fill(PERIOD)
    expires = (timezone.localdate() + timedelta(days=14)).isoformat()
    page.get_by_label("Expires at the end of").fill(expires)
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_role("heading", name="Share link created")).to_be_visible()
    url = page.get_by_label("Link").input_value()
    assert "/shared/" in url
    assert axe(page) == []
    _shot(page, "share-link-created")

    funder = _fresh(browser, live_server.url)
    response = funder.goto(url)
    assert response is not None and response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-robots-tag"].startswith("noindex")
    expect(funder.get_by_text("Helpline A").first).to_be_visible()
    expect(funder.get_by_role("link", name="Sign out")).to_have_count(0)
    _shot(funder, "share-link-report")
    assert axe(funder) == []

    page.goto("/initiatives/helpline-a/share/")
    expect(page.locator("#share-links")).to_contain_text("Example Foundation")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.locator("#share-links")).to_contain_text("withdrawn")

    response = funder.goto(url)
    assert response is not None and response.status == 410
    expect(funder.get_by_role("heading", level=1)).to_have_text(
        "This link no longer works"
    )
    _shot(funder, "share-link-withdrawn")
    assert axe(funder) == []
    funder.context.close()


def test_report_job_shows_progress_then_download(
    results: Any, sign_in: SignIn, axe: Axe
) -> None:
    from evidencehub.apps.sharing import services

    page = sign_in("viewer-a@example.org")
    job = services.job_start(
        actor=results.viewer_a,
        initiative=results.initiative_a,
        kind="report",
        params={"period": PERIOD, "language": "en", "audience": "outside"},
        enqueue=False,
    )
    page.goto(f"/initiatives/helpline-a/jobs/{job.pk}/")
    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_have_attribute("value", "0")
    expect(page.locator("#job-step")).to_contain_text("Waiting")
    expect(page.locator("#job-download")).to_be_hidden()
    _shot(page, "report-job-waiting")
    assert axe(page) == []

    # the worker runs the job while the page polls its status
    services.job_run(str(job.pk))
    expect(page.locator("#job-download")).to_be_visible()
    expect(bar).to_have_attribute("value", "100")
    _shot(page, "report-job-ready")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    assert axe(page) == []


def test_report_button_and_export_form(results: Any, sign_in: SignIn, axe: Axe) -> None:
    page = sign_in("analyst-a@example.org")
    page.goto("/initiatives/helpline-a/")
    page.get_by_role("link", name="Download report (PDF)").click()
    assert axe(page) == []
    page.get_by_label("Period").fill(PERIOD)
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#job-download")).to_be_visible()
    _shot(page, "report-start-done")

    page.goto("/initiatives/helpline-a/export/")
    assert axe(page) == []
    page.get_by_label("Period").fill(PERIOD)
    page.get_by_label("XLSX").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    assert info.value.suggested_filename == f"helpline-a-{PERIOD}-outside.xlsx"
    _shot(page, "export-form")
