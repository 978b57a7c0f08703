"""The anonymous survey page in a real browser (headless Debian Chromium), on
a phone-sized window: crisis resources appear at once when the safety item is
answered above zero, before anything else on the page; a baseline and an end
questionnaire are linked by the user-held code alone; no cookie beyond CSRF;
no serious accessibility violations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport=PHONE, has_touch=True
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def questionnaires(cast: Any) -> tuple[Any, Any]:
    from evidencehub.apps.instruments.models import InstrumentVersion
    from evidencehub.apps.instruments.services import (
        ensure_catalogue,
        questionnaire_create,
    )

    ensure_catalogue()
    phq9 = InstrumentVersion.objects.get(
        organisation__isnull=True, instrument_id="phq9"
    )
    base = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=phq9,
        occasion="baseline",
    )
    end = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=phq9,
        occasion="end",
    )
    return base, end


def _answer(page: Page, values: list[int]) -> None:
    for i, v in enumerate(values, 1):
        page.locator(f"input[name=item_phq9_{i}][value='{v}']").check()


def test_crisis_resources_appear_at_once(
    phone: Page, questionnaires: Any, axe: Any
) -> None:
    base, _end = questionnaires
    phone.goto(f"/s/{base.public_id}/")
    crisis = phone.locator("#crisis")
    expect(crisis).to_be_hidden()
    assert axe(phone) == []
    phone.locator("input[name=item_phq9_9][value='0']").check()
    expect(crisis).to_be_hidden()
    phone.locator("input[name=item_phq9_9][value='2']").check()
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("112")
    # it is the first thing on the page, and it has focus for screen readers
    first = phone.evaluate("() => document.querySelector('main').firstElementChild.id")
    assert first == "crisis"
    assert phone.evaluate("() => document.activeElement.id") == "crisis"
    # choosing 0 again does not hide it: once shown, help stays on screen
    phone.locator("input[name=item_phq9_9][value='0']").check()
    expect(crisis).to_be_visible()


def test_baseline_and_end_linked_by_code_on_a_phone(
    phone: Page, questionnaires: Any, live_server: Any, axe: Any
) -> None:
    from evidencehub.apps.instruments import selectors

    base, end = questionnaires
    phone.goto(f"/s/{base.public_id}/")
    code = phone.locator("#id_code").input_value()
    _answer(phone, [2, 2, 2, 2, 2, 2, 2, 2, 0])
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.locator("#your-code")).to_have_text(code)
    expect(phone.get_by_text("keep this code")).to_be_visible()
    assert axe(phone) == []
    assert {c["name"] for c in phone.context.cookies()} <= {"csrftoken"}

    phone.goto(f"/s/{end.public_id}/")
    # a mistyped code is caught, explained, and the answers are kept
    phone.locator("#id_code").fill("ABCD-EFGH-Z")
    _answer(phone, [1, 1, 1, 1, 0, 0, 0, 0, 0])
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.locator("#error-summary")).to_contain_text("Your code")
    expect(phone.locator("input[name=item_phq9_1][value='1']")).to_be_checked()
    assert axe(phone) == []
    phone.locator("#id_code").fill(code.replace("-", "").lower())
    _answer(phone, [1, 1, 1, 1, 0, 0, 0, 0, 0])
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(phone.locator("#crisis")).to_be_hidden()

    [comparison] = selectors.results(questionnaire=end).comparisons
    assert comparison.pairs == 1
    assert comparison.measures[0].classification["recovered"] == 1


def test_results_page_is_accessible(
    questionnaires: Any, cast: Any, sign_in: Any, axe: Any
) -> None:
    from evidencehub.apps.instruments.services import response_submit
    from evidencehub.core.codes import generate_code

    base, end = questionnaires
    for before, after in [(2, 1), (3, 1), (2, 2)]:
        code = generate_code()
        answers = {f"phq9_{i}": before for i in range(1, 9)}
        response_submit(questionnaire=base, answers=answers, code=code)
        answers = {f"phq9_{i}": after for i in range(1, 9)}
        response_submit(questionnaire=end, answers=answers, code=code)
    page = sign_in(cast.viewer_a.email)
    page.goto(f"/initiatives/helpline-a/questionnaires/{end.pk}/")
    expect(page.get_by_text("cannot show that the service caused")).to_be_visible()
    expect(page.locator("table.rci")).to_be_visible()
    assert axe(page) == []
