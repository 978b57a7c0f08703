"""The cookieless snippet in a real browser (headless Debian Chromium): a page
view on arrival, data- attributes and the JavaScript call, no cookies or
storage, Global Privacy Control honoured, and the no-script image."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

# Headless Chromium calls itself "HeadlessChrome", which the bot filter drops
# (rightly); the test browses as an ordinary desktop Chrome.
CHROME_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def site(cast: Any, live_server: Any, transactional_db: None) -> Any:
    from evidencehub.apps.collect import services

    services._KEY_CACHE.clear()
    services._ORIGIN_CACHE.clear()
    services.collection_settings_update(
        actor=cast.admin_a, initiative=cast.initiative_a, modules=["module-1"]
    )
    return services.key_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        kind="site",
        name="Test page",
        allowed_origins=[live_server.url],
    ).key


@pytest.fixture
def context_for(browser: Browser, live_server: Any) -> Iterator[Any]:
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url, user_agent=CHROME_UA, locale="en-GB", **options
        )
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def _signed_in(context: BrowserContext) -> Page:
    page = context.new_page()
    page.goto("/account/login/")
    page.locator("input[name=username]").fill("admin-a@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
    return page


def _wait_for(count: int, **filters: Any) -> list[Any]:
    from evidencehub.apps.collect.models import Event

    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        rows = list(Event.objects.filter(**filters).order_by("id"))
        if len(rows) >= count:
            return rows
        time.sleep(0.1)
    return list(Event.objects.filter(**filters).order_by("id"))


def test_snippet_sends_events_without_cookies_or_storage(
    site: Any, cast: Any, context_for: Any
) -> None:
    context = context_for()
    page = _signed_in(context)
    cookies_before = {c["name"] for c in context.cookies()}
    page.goto(f"/initiatives/{cast.initiative_a.slug}/collection/test-page/")
    views = _wait_for(1, type="page_view")
    assert len(views) == 1
    view = views[0]
    assert (view.channel, view.locale, view.source) == ("web", "en", "snippet")
    assert len(view.visitor) == 32

    page.get_by_role("button", name="Help link").click()
    page.get_by_role("button", name="Download a resource").click()
    page.get_by_role("button", name="Micro-survey answer (JavaScript call)").click()
    assert _wait_for(1, type="help_link_clicked")
    download = _wait_for(1, type="resource_downloaded")[0]
    assert download.module == "module-1"
    answer = _wait_for(1, type="micro_survey_answered")[0]
    assert answer.value == 7
    # one browser, one day: one visitor hash for all of them
    from evidencehub.apps.collect.models import Event

    assert Event.objects.values("visitor").distinct().count() == 1

    assert {c["name"] for c in context.cookies()} == cookies_before
    storage = page.evaluate("() => [localStorage.length, sessionStorage.length]")
    assert storage == [0, 0]


def test_global_privacy_control_sends_nothing(
    site: Any, cast: Any, context_for: Any
) -> None:
    context = context_for()
    context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl',"
        " {get: () => true});"
    )
    page = _signed_in(context)
    page.goto(f"/initiatives/{cast.initiative_a.slug}/collection/test-page/")
    page.wait_for_function("() => window.evidencehub !== undefined")
    assert page.evaluate("() => window.evidencehub.enabled") is False
    page.get_by_role("button", name="Help link").click()
    time.sleep(1)
    from evidencehub.apps.collect.models import Event

    assert not Event.objects.exists()


def test_the_no_script_image_counts_a_page_view(
    site: Any, cast: Any, context_for: Any
) -> None:
    context = context_for(java_script_enabled=False)
    page = _signed_in(context)
    page.goto(f"/initiatives/{cast.initiative_a.slug}/collection/test-page/")
    views = _wait_for(1, type="page_view")
    assert [v.source for v in views] == ["pixel"]


def test_collection_pages_are_accessible_and_the_contact_form_is_fast(
    site: Any, cast: Any, context_for: Any, axe: Any
) -> None:
    from evidencehub.apps.collect.models import ContactRecord

    page = _signed_in(context_for())
    slug = cast.initiative_a.slug
    for url in (
        f"/initiatives/{slug}/collection/",
        f"/initiatives/{slug}/collection/keys/",
        f"/initiatives/{slug}/collection/settings/",
        f"/initiatives/{slug}/contacts/",
        f"/initiatives/{slug}/figures/",
        f"/initiatives/{slug}/contacts/import/",
    ):
        page.goto(url)
        assert axe(page) == [], url
    page.goto(f"/initiatives/{slug}/contacts/new/")
    assert axe(page) == []
    # The date field has the focus and every default is valid: Enter saves a
    # routine record and opens a fresh form.
    assert page.evaluate("() => document.activeElement.name") == "date"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Contact recorded.").is_visible()
    record = ContactRecord.objects.get()
    assert (record.channel, record.status) == ("phone", "answered")
    # Arrow keys choose within a group; Tab moves on.
    page.get_by_label("Chat").first.focus()
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert ContactRecord.objects.order_by("-id").first().channel == "email"
