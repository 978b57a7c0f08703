"""The app in a real browser (headless Chromium): sign-in by keyboard, the
initiative, logic-model and evaluation-plan forms, accessibility (axe-core),
phone width and tenancy."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

SignIn = Callable[[str], Page]
Axe = Callable[[Page], list[dict[str, Any]]]


def _focused(page: Page) -> dict[str, Any]:
    focused: dict[str, Any] = page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name'),
                    cls: el.className, text: el.textContent.trim()};
        }"""
    )
    return focused


def _tab_to(page: Page, name: str, limit: int = 15) -> None:
    """Press Tab until the form control called ``name`` has the focus."""
    for _ in range(limit):
        if _focused(page)["name"] == name:
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached the field {name!r}; focus is on {_focused(page)}")


def test_sign_in_with_the_keyboard_only(
    page: Page, cast: Any, live_server: Any
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    # The e-mail field has the focus on arrival (autofocus); Tab and Enter do
    # the rest.
    assert _focused(page)["name"] == "username", _focused(page)
    page.keyboard.type("admin-a@example.org")
    _tab_to(page, "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/o/org-a/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Org A")
    expect(page.get_by_role("link", name="Helpline A")).to_be_visible()

    # On a signed-in page the first Tab reaches the skip link, which moves the
    # next Tab past the header and its navigation into the main content.
    page.keyboard.press("Tab")
    assert _focused(page)["cls"] == "skip-link", _focused(page)
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    in_main = page.evaluate(
        "() => document.querySelector('main').contains(document.activeElement)"
    )
    assert in_main, _focused(page)
    assert _focused(page)["text"] == "New initiative", _focused(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_wrong_password_keeps_you_on_the_sign_in_page(page: Page, cast: Any) -> None:
    page.goto("/account/login/")
    page.locator("input[name=username]").fill("admin-a@example.org")
    page.locator("input[name=password]").fill("not-the-password")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_role("main").locator(".errors")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def _fill_initiative(page: Page, *, name: str, slug: str, countries: str) -> None:
    page.get_by_label("Name:", exact=True).fill(name)
    page.get_by_label("Short name:", exact=True).fill(slug)
    page.get_by_label("Intervention type:").select_option(label="Online self-help")
    page.get_by_label("Prevention level:").select_option(label="Primary")
    page.get_by_label("Delivery mode:").select_option(label="Online")
    page.get_by_label("Family and friends").check()
    page.get_by_label("Countries:").fill(countries)
    page.get_by_label("Languages:").fill("de")


def test_create_an_initiative_and_see_field_errors(
    page: Page, cast: Any, sign_in: SignIn
) -> None:
    sign_in("admin-a@example.org")
    page.goto("/o/org-a/")
    page.get_by_role("link", name="New initiative").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New initiative")

    _fill_initiative(
        page, name="Stop It Now DE", slug="stop-it-now-de", countries="DE, AT"
    )
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/initiatives/stop-it-now-de/$"))
    expect(page.get_by_role("status")).to_contain_text("Initiative created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop It Now DE")
    profile = page.locator("dl.profile")
    expect(profile).to_contain_text("Online self-help")
    expect(profile).to_contain_text("Family and friends")
    expect(profile).to_contain_text("DE, AT")

    # A bad country code: the form comes back with the error beside the field,
    # tied to it for screen readers, and nothing typed is lost.
    page.goto("/o/org-a/initiatives/new/")
    _fill_initiative(page, name="Second initiative", slug="second", countries="DE, XX")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/o/org-a/initiatives/new/$"))
    countries = page.get_by_label("Countries:")
    field = page.locator(".field", has=countries)
    error = field.locator(".error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("'XX'")
    expect(error).to_contain_text("country code")
    expect(field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(countries).to_have_attribute("aria-invalid", "true")
    error_id = error.get_attribute("id")
    expect(countries).to_have_attribute(
        "aria-describedby", re.compile(rf"\b{error_id}\b")
    )
    expect(page.locator(".error")).to_have_count(1)

    expect(countries).to_have_value("DE, XX")
    expect(page.get_by_label("Name:", exact=True)).to_have_value("Second initiative")
    expect(page.get_by_label("Short name:", exact=True)).to_have_value("second")
    expect(page.get_by_label("Intervention type:")).to_have_value("online_self_help")
    expect(page.get_by_label("Prevention level:")).to_have_value("primary")
    expect(page.get_by_label("Delivery mode:")).to_have_value("online")
    expect(page.get_by_label("Family and friends")).to_be_checked()
    expect(page.get_by_label("Languages:")).to_have_value("de")


def test_logic_model_edits_show_in_the_diagram(
    page: Page, cast: Any, sign_in: SignIn
) -> None:
    sign_in("analyst-a@example.org")
    page.goto("/initiatives/helpline-a/")
    page.get_by_role("link", name="Logic model").click()
    diagram = page.locator(".diagram svg")
    expect(diagram).not_to_contain_text("Trained counsellors")
    expect(diagram).to_contain_text("(none yet)")

    page.get_by_role("textbox", name="Inputs:").fill(
        "Trained counsellors\nFunding for 3 years"
    )
    page.get_by_role("textbox", name="Activities:").fill("Anonymous phone line")
    page.get_by_role("textbox", name="Outputs:").fill("Calls answered")
    page.get_by_role("textbox", name="Short-term outcomes:").fill("Callers seek help")
    page.get_by_role("textbox", name="Assumptions:").fill("People call before acting")
    page.get_by_role("button", name="Save logic model").click()

    expect(page.get_by_role("status")).to_contain_text("Logic model saved.")
    diagram = page.locator(".diagram svg")
    for text in (
        "Trained counsellors",
        "Funding for 3 years",
        "Anonymous phone line",
        "Calls answered",
        "Short term: Callers seek",
        "People call before acting",
    ):
        expect(diagram).to_contain_text(text)
    # One statement per line gives one box per statement.
    expect(diagram.locator("text", has_text="Trained counsellors")).to_have_count(1)
    expect(diagram.locator("text", has_text="Funding for 3 years")).to_have_count(1)
    expect(diagram.locator("desc")).to_contain_text(
        "Inputs: Trained counsellors, Funding for 3 years"
    )
    expect(page.get_by_role("textbox", name="Inputs:")).to_have_value(
        "Trained counsellors\nFunding for 3 years"
    )


def test_question_with_pre_post_design_shows_its_evidence_ceiling(
    page: Page, cast: Any, sign_in: SignIn
) -> None:
    sign_in("analyst-a@example.org")
    page.goto("/initiatives/helpline-a/plan/")
    plan_ceiling = page.locator(".ceiling").first
    # Routine monitoring alone reaches no SMS level.
    expect(plan_ceiling).to_contain_text("not rated")
    expect(plan_ceiling).not_to_contain_text("level 1")

    page.get_by_role("link", name="Add a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New evaluation question")
    page.get_by_label("Evaluation question:").fill("Do callers feel less alone?")
    page.get_by_label("Design:", exact=True).select_option(
        label="Pre/post with user-held codes"
    )
    kpi = page.get_by_role("group", name="KPI 1")
    kpi.get_by_label("KPI identifier:").fill("O07")
    kpi.get_by_label("Direction:").select_option(label="increase to")
    kpi.get_by_label("Target value:").fill("60")
    kpi.get_by_label("Unit:").fill("%")
    page.get_by_role("button", name="Save question").click()

    expect(page).to_have_url(re.compile(r"/initiatives/helpline-a/plan/$"))
    expect(page.get_by_role("status")).to_contain_text("Question saved.")
    card = page.locator("section.card", has_text="Do callers feel less alone?")
    expect(card).to_contain_text("Pre/post with user-held codes")
    expect(card.locator(".ceiling")).to_contain_text("up to level 1 of 5")
    expect(card.locator(".ceiling")).to_contain_text("up to Level 2")
    expect(card.get_by_role("table")).to_contain_text("O07")
    expect(card.get_by_role("table")).to_contain_text("increase to 60 %")
    # The plan as a whole now reaches the stronger design's ceiling.
    expect(plan_ceiling).to_contain_text("up to level 1 of 5")
    expect(plan_ceiling).to_contain_text("up to Level 2")


def _reference_problems(page: Page) -> list[str]:
    """Duplicate ids, and aria-describedby / aria-labelledby pointing at nothing
    or at an empty element (text a screen reader would then never announce)."""
    problems: list[str] = page.evaluate(
        """() => {
            const problems = [];
            const seen = new Set();
            for (const el of document.querySelectorAll('[id]')) {
                if (seen.has(el.id)) problems.push(`duplicate id ${el.id}`);
                seen.add(el.id);
            }
            for (const attr of ['aria-describedby', 'aria-labelledby']) {
                for (const el of document.querySelectorAll(`[${attr}]`)) {
                    for (const id of el.getAttribute(attr).split(/\\s+/)) {
                        const target = document.getElementById(id);
                        if (!target) problems.push(`${attr} -> missing #${id}`);
                        else if (!target.textContent.trim())
                            problems.push(`${attr} -> empty #${id}`);
                    }
                }
            }
            return problems;
        }"""
    )
    return problems


def _check(page: Page, axe: Axe) -> list[dict[str, Any]]:
    found = axe(page)
    if problems := _reference_problems(page):
        found.append(
            {"id": "broken-references", "impact": "serious", "nodes": problems}
        )
    return found


def _report(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=2, ensure_ascii=False)


def test_pages_have_no_serious_accessibility_violations(
    page: Page, cast: Any, sign_in: SignIn, axe: Axe
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}

    page.goto("/account/login/")
    found["login"] = _check(page, axe)

    sign_in("admin-a@example.org")
    slug = cast.initiative_a.slug
    pages = {
        "organisation": "/o/org-a/",
        "initiative detail": f"/initiatives/{slug}/",
        "logic model": f"/initiatives/{slug}/logic-model/",
        "plan": f"/initiatives/{slug}/plan/",
        "question form": f"/initiatives/{slug}/plan/questions/new/",
        "members": "/o/org-a/members/",
        "data protection": f"/initiatives/{slug}/data-protection/",
        "initiative form": "/o/org-a/initiatives/new/",
    }
    for label, url in pages.items():
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, (label, response.status)
        found[label] = _check(page, axe)

    # A form showing errors (error text colour, aria-invalid, descriptions).
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error").first).to_be_visible()
    found["initiative form with errors"] = _check(page, axe)

    # A field with several errors at once (a weak new password).
    page.goto("/account/password/change/")
    page.get_by_label("Old password:").fill(PASSWORD)
    page.get_by_label("New password:", exact=True).fill("1234")
    page.get_by_label("New password confirmation:").fill("1234")
    page.get_by_role("button", name="Save password").click()
    expect(page.locator(".has-error")).not_to_have_count(0)
    found["password change with errors"] = _check(page, axe)

    failing = {label: v for label, v in found.items() if v}
    assert not failing, _report(
        [{"page": k, "violations": v} for k, v in failing.items()]
    )


def _horizontal_overflow(page: Page) -> dict[str, Any]:
    widths: dict[str, Any] = page.evaluate(
        """() => {
            const doc = document.scrollingElement;
            const wide = [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > doc.clientWidth + 1)
                .slice(0, 5)
                .map(el => el.outerHTML.slice(0, 120));
            return {scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, wide};
        }"""
    )
    return widths


def test_initiative_page_fits_a_phone_screen(
    page: Page, cast: Any, sign_in: SignIn
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in("admin-a@example.org")
    slug = cast.initiative_a.slug
    page.goto(f"/initiatives/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Helpline A")
    widths = _horizontal_overflow(page)
    assert widths["scrollWidth"] <= 375 + 1, widths

    # The other pages of an initiative fit too (wide tables and the diagram
    # scroll inside their own boxes).
    for url in (
        f"/initiatives/{slug}/logic-model/",
        f"/initiatives/{slug}/plan/",
        f"/initiatives/{slug}/plan/questions/new/",
        f"/initiatives/{slug}/data-protection/",
        "/o/org-a/members/",
        "/o/org-a/initiatives/new/",
    ):
        page.goto(url)
        widths = _horizontal_overflow(page)
        assert widths["scrollWidth"] <= 375 + 1, (url, widths)


def test_other_organisation_gets_not_found(
    page: Page, cast: Any, sign_in: SignIn
) -> None:
    sign_in("admin-b@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Org B")
    for url in (
        f"/initiatives/{cast.initiative_a.slug}/",
        f"/initiatives/{cast.initiative_a.slug}/plan/",
        "/o/org-a/",
    ):
        response = page.goto(url)
        assert response is not None
        assert response.status == 404, (url, response.status)
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        expect(page.locator("body")).not_to_contain_text("Helpline A")
        expect(page.locator("body")).not_to_contain_text("Org A")
