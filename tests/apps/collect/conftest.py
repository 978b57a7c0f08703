"""Helpers for the collection tests: a site key for helpline-a and a client
that posts like a browser."""

from __future__ import annotations

import json
from typing import Any

import pytest

ORIGIN = "https://helpline-a.example"
BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _fresh_state() -> Any:
    from django.core.cache import cache

    from evidencehub.apps.collect import services

    cache.clear()
    services._SALTS.clear()
    services._ORIGIN_CACHE.clear()
    services._KEY_CACHE.clear()
    yield
    cache.clear()


@pytest.fixture
def site_key(cast: Any) -> Any:
    from evidencehub.apps.collect.services import collection_settings_update, key_create

    collection_settings_update(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        modules=["module-1", "module-2"],
        custom_event_types=["video_watched"],
        campaigns=["spring"],
    )
    return key_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        kind="site",
        name="Website",
        allowed_origins=[ORIGIN],
    ).key


@pytest.fixture
def post(client: Any) -> Any:
    """``post(body, **headers)`` → response from POST /api/v1/collect."""

    def send(
        body: Any,
        *,
        ip: str = "203.0.113.7",
        ua: str = BROWSER_UA,
        origin: str | None = ORIGIN,
        content_type: str = "text/plain",
        **extra: Any,
    ) -> Any:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        headers = {"REMOTE_ADDR": ip, "HTTP_USER_AGENT": ua, **extra}
        if origin:
            headers["HTTP_ORIGIN"] = origin
        return client.generic(
            "POST", "/api/v1/collect", data, content_type=content_type, **headers
        )

    return send
