"""The initiative dashboard in a real browser (headless Chromium): charts
drawn by vega-embed from the app's own copy, tables beside them, the
filters, the outside view, and an axe-core check. Screenshots are saved
under ``test-results/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.apps.reports.test_dashboard import SMALL_VALUE, _store

pytestmark = pytest.mark.e2e

SignIn = Callable[[str], Page]
Axe = Callable[[Page], list[dict[str, Any]]]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
URL = "/initiatives/helpline-a/dashboard/"


@pytest.fixture
def stored(cast: Any) -> Any:
    i = cast.initiative_a
    _store(i, "R02", value=2204, n=2204, unit="contacts")
    _store(i, "R03", value=80.5, lower=79.0, upper=82.0, n=2735, unit="%")
    _store(i, "R03", "2025", value=75.0, lower=73.2, upper=76.7, n=2500, unit="%")
    _store(i, "R03", breakdown="channel", group="phone", value=81.0, n=2700, unit="%")
    _store(i, "R03", breakdown="channel", group="chat", value=57.1, n=35, unit="%")
    _store(i, "ST01", value=SMALL_VALUE, n=5, unit="%", source="operations")
    _store(
        i,
        "W09",
        value=4.7,
        lower=1.8,
        upper=11.4,
        n=86,
        unit="%",
        details={
            "classes": {
                "recovered": 12,
                "improved": 30,
                "unchanged": 40,
                "deteriorated": 4,
            }
        },
    )
    return cast


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _charts_ready(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("data-charts", "ready")


def _console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_charts_are_drawn_with_their_tables(
    stored: Any, sign_in: SignIn, axe: Axe
) -> None:
    page = sign_in("viewer-a@example.org")
    errors = _console_errors(page)
    page.goto(f"{URL}?period=2026")
    _charts_ready(page)
    boxes = page.locator("[data-spec]")
    assert boxes.count() >= 8
    for i in range(boxes.count()):
        box = boxes.nth(i)
        expect(box).to_have_attribute("data-drawn", "true")
        expect(box.locator("svg").first).to_be_visible()
    expect(page.locator("#dash-audience")).to_contain_text("Internal")
    # the table beside the reach chart, opened by keyboard
    reach = page.locator("#section-reach")
    figure = reach.locator("figure", has_text="Reach and engagement (%)")
    figure.locator("summary").focus()
    page.keyboard.press("Enter")
    table = figure.locator("details table")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_contain_text("Reach and engagement (%)")
    expect(table.get_by_role("row", name="Answer rate (R03) 80.5%")).to_be_visible()
    # figures link to the KPI's page
    expect(reach.get_by_role("link", name="R03")).to_have_attribute(
        "href", "/kpis/R03/"
    )
    _shot(page, "dashboard-internal")
    assert axe(page) == []
    assert errors == []


def test_filters_change_period_and_breakdown(
    stored: Any, sign_in: SignIn, axe: Axe
) -> None:
    page = sign_in("admin-a@example.org")
    page.goto("/initiatives/helpline-a/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    page.get_by_label("Period", exact=True).fill("2026")
    page.get_by_role("button", name="Show").click()
    page.get_by_label("Breakdown").select_option("channel")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**breakdown=channel**")
    _charts_ready(page)
    figure = page.locator("#section-reach figure", has_text="Reach and engagement (%)")
    figure.locator("summary").click()
    expect(figure.locator("details table")).to_contain_text("phone")
    _shot(page, "dashboard-by-channel")

    page.get_by_label("Period", exact=True).fill("2025")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025")

    page.get_by_label("Period", exact=True).fill("last summer")
    page.get_by_role("button", name="Show").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Period")
    expect(page.get_by_label("Period", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    _shot(page, "dashboard-bad-period")
    assert axe(page) == []


def test_the_outside_view_withholds_small_figures(
    stored: Any, sign_in: SignIn, axe: Axe
) -> None:
    page = sign_in("evaluator@example.org")
    page.goto(f"{URL}?period=2026")
    _charts_ready(page)
    expect(page.locator("#dash-audience")).to_contain_text("Released figures")
    staff = page.locator("#section-staff")
    expect(staff.locator("tr.withheld")).to_contain_text("Withheld")
    # text of the page, its specs and its drawn charts (not SVG geometry)
    text = page.locator("main").text_content() or ""
    assert str(SMALL_VALUE) not in text
    _shot(page, "dashboard-outside")
    assert axe(page) == []


def test_phone_width_keeps_everything_reachable(
    stored: Any, sign_in: SignIn, axe: Axe
) -> None:
    page = sign_in("viewer-a@example.org")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{URL}?period=2026")
    _charts_ready(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375 + 1, width
    _shot(page, "dashboard-phone")
    assert axe(page) == []
