"""Public survey endpoints slow down a client that floods them, without
keeping its address."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(EVIDENCEHUB_SURVEY_SUBMISSIONS_PER_MINUTE=3)
def test_flooding_a_survey_gets_429_with_retry_after(
    pair: tuple[Any, Any], client: Any
) -> None:
    cache.clear()
    baseline, _end = pair
    url = f"/api/v1/surveys/{baseline.public_id}/responses/"
    codes = [
        client.post(url, {"answers": {}}, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert 429 not in codes
    flooded = client.post(url, {"answers": {}}, content_type="application/json")
    assert flooded.status_code == 429
    assert int(flooded["Retry-After"]) > 0
    page = client.post(f"/s/{baseline.public_id}/", {})
    assert page.status_code == 429
    cache.clear()
    assert client.post(f"/s/{baseline.public_id}/", {}).status_code != 429


def test_empty_answers_are_not_stored(pair: tuple[Any, Any], client: Any) -> None:
    from evidencehub.apps.instruments.models import Response

    cache.clear()
    baseline, _end = pair
    api = client.post(
        f"/api/v1/surveys/{baseline.public_id}/responses/",
        {"answers": {}},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "answers" in api.json()
    page = client.post(f"/s/{baseline.public_id}/", {})
    assert page.status_code == 400
    assert "Please answer at least one question." in page.content.decode()
    assert Response.objects.count() == 0
