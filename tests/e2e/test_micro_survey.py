"""Micro-surveys embedded in a service's own page through the snippet, in a
real browser (headless Debian Chromium) on a phone-sized window. The service's
page is served by its own small web server on another port, so every call to
the hub is a real cross-origin request that CORS must allow."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
CHROME_UA = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Our service</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Our service</h1>
<div data-evidencehub-survey="{public_id}" data-items="{items}">
<p>A short question appears here.</p></div>
</main>
<script defer src="{hub}/static/evidencehub/collect.js" data-key="{key}"></script>
</body></html>"""


class _Site:
    """A service's own website: one page, on its own loopback port."""

    def __init__(self) -> None:
        self.html = ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sites() -> Iterator[tuple[_Site, _Site]]:
    """The service's site (on the key) and another site (not on it)."""
    made = (_Site(), _Site())
    yield made
    for site in made:
        site.close()


@pytest.fixture
def setup(
    cast: Any, live_server: Any, transactional_db: None, sites: tuple[_Site, _Site]
) -> dict[str, Any]:
    from django.core.cache import cache

    from evidencehub.apps.collect import services as collect
    from evidencehub.apps.instruments.models import InstrumentVersion
    from evidencehub.apps.instruments.services import (
        ensure_catalogue,
        questionnaire_create,
    )

    cache.clear()  # the per-client submission limit
    collect._KEY_CACHE.clear()
    collect._ORIGIN_CACHE.clear()
    key = collect.key_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        kind="site",
        name="Service website",
        allowed_origins=[sites[0].origin],
    ).key
    ensure_catalogue()
    phq9 = InstrumentVersion.objects.get(
        organisation__isnull=True, instrument_id="phq9"
    )
    q = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=phq9,
        occasion="single",
    )
    return {"key": key, "q": q, "hub": live_server.url}


@pytest.fixture
def open_site(
    browser: Browser, setup: dict[str, Any], sites: tuple[_Site, _Site]
) -> Iterator[Any]:
    made: list[BrowserContext] = []

    def make(
        items: str = "phq9_1 phq9_9", listed: bool = True, gpc: bool = False
    ) -> tuple[BrowserContext, Page]:
        context = browser.new_context(
            viewport=PHONE, has_touch=True, locale="en-GB", user_agent=CHROME_UA
        )
        context.set_default_timeout(10_000)
        made.append(context)
        if gpc:
            context.add_init_script(
                "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl',"
                " {get: () => true});"
            )
        site = sites[0] if listed else sites[1]
        site.html = PAGE.format(
            public_id=setup["q"].public_id,
            items=items,
            hub=setup["hub"],
            key=setup["key"],
        )
        page = context.new_page()
        page.goto(f"{site.origin}/help")
        return context, page

    yield make
    for context in made:
        context.close()


def _responses(count: int) -> list[Any]:
    from evidencehub.apps.instruments.models import Response

    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        rows = list(Response.objects.order_by("pk"))
        if len(rows) >= count:
            return rows
        time.sleep(0.1)
    return list(Response.objects.order_by("pk"))


def test_micro_survey_on_a_service_page(
    open_site: Any, axe: Callable[[Page], list[dict[str, Any]]]
) -> None:
    context, page = open_site()
    form = page.get_by_role(
        "form", name="PHQ-9 (Patient Health Questionnaire, depression)"
    )
    expect(form).to_be_visible()
    groups = form.get_by_role("group")
    expect(groups).to_have_count(2)
    crisis = form.get_by_role("alert")
    expect(crisis).to_be_hidden()
    assert axe(page) == []

    form.get_by_role("group").nth(0).get_by_label("Several days").check()
    expect(crisis).to_be_hidden()
    # a safety item above zero: crisis resources at once, before submitting
    form.get_by_role("group").nth(1).get_by_label("Several days").check()
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("112")
    expect(crisis).to_be_focused()
    above = page.evaluate(
        "() => { const f = document.querySelector('form.eh-survey');"
        " return f.firstElementChild.getAttribute('role'); }"
    )
    assert above == "alert"
    assert axe(page) == []

    form.get_by_role("button", name="Send").click()
    expect(form.get_by_role("status")).to_have_text(
        "Thank you. Your answer has been saved."
    )
    stored = _responses(1)
    assert len(stored) == 1
    assert stored[0].answers == {"phq9_1": 1, "phq9_9": 1}
    assert stored[0].code_hash == ""
    assert stored[0].score.risk is True
    assert context.cookies() == []
    storage = page.evaluate("() => [localStorage.length, sessionStorage.length]")
    assert storage == [0, 0]
    assert axe(page) == []


def test_global_privacy_control_still_lets_people_answer(open_site: Any) -> None:
    from evidencehub.apps.collect.models import Event

    _context, page = open_site(items="phq9_2", gpc=True)
    form = page.locator("form.eh-survey")
    form.get_by_label("Not at all").check()
    form.get_by_role("button", name="Send").click()
    expect(form.get_by_role("status")).to_contain_text("Thank you")
    assert [r.answers for r in _responses(1)] == [{"phq9_2": 0}]
    # the page view is not counted under Global Privacy Control
    time.sleep(0.5)
    assert Event.objects.count() == 0


def test_other_sites_cannot_embed(open_site: Any) -> None:
    _context, page = open_site(listed=False)
    page.wait_for_load_state("networkidle")
    assert page.locator("form.eh-survey").count() == 0
    expect(page.get_by_text("A short question appears here.")).to_be_visible()
    assert _responses(0) == []
