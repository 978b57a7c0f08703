"""POST /api/v1/collect: acceptance, every rejection, CORS, limits,
idempotency, visitor-days, time truncation and bot dropping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import override_settings

from tests.apps.collect.conftest import BROWSER_UA, ORIGIN

pytestmark = pytest.mark.django_db


def events() -> Any:
    from evidencehub.apps.collect.models import Event

    return Event.objects.order_by("id")


def test_single_event_is_stored_and_acknowledged(site_key: Any, post: Any) -> None:
    response = post({"key": site_key.public_id, "type": "page_view", "locale": "de-de"})
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 1, "duplicates": 0, "dropped": 0}
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    event = events().get()
    assert (event.type, event.channel, event.locale) == ("page_view", "web", "de-DE")
    assert event.source == "snippet"
    assert len(event.visitor) == 32


def test_batch_of_up_to_1000_is_accepted(site_key: Any, post: Any) -> None:
    batch = [{"type": "module_started", "module": "module-1"}] * 1000
    response = post({"key": site_key.public_id, "events": batch})
    assert response.status_code == 200
    assert events().count() == 1000


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"type": "page_view", "url": "https://x.example/a"}, "url"),
        ({"type": "page_view", "note": "I feel bad"}, "note"),
        ({"type": "no_such_type"}, "type"),
        ({"type": "page_view", "module": "undeclared"}, "module"),
        ({"type": "page_view", "channel": "carrier pigeon"}, "channel"),
        ({"type": "page_view", "referrer": "https://google.com/?q=x"}, "referrer"),
        ({"type": "page_view", "locale": "not a locale"}, "locale"),
        ({"type": "page_view", "module": "m" * 200}, "module"),
        ({"type": "page_view", "id": "short"}, "id"),
        ({"type": "page_view", "value": 5}, "value"),
        ({"type": "feedback_submitted", "value": 11}, "value"),
        ({"type": "page_view", "time": "yesterday"}, "time"),
        ({"type": "page_view", "time": "2999-01-01T00:00:00Z"}, "time"),
        ({"type": "page_view", "campaign": "unknown"}, "campaign"),
        ({"type": 7}, "type"),
        ({}, "type"),
    ],
)
def test_bad_events_are_rejected_naming_the_field(
    site_key: Any, post: Any, event: dict[str, Any], field: str
) -> None:
    response = post({"key": site_key.public_id, **event})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not events().exists()


def test_a_batch_is_rejected_whole_naming_each_bad_event(
    site_key: Any, post: Any
) -> None:
    batch = [{"type": "page_view"}, {"type": "nope"}, {"type": "page_view", "x": 1}]
    response = post({"key": site_key.public_id, "events": batch})
    assert response.status_code == 400
    assert set(response.json()) == {"events[1].type", "events[2].x"}
    assert not events().exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b"null",
        b'"text"',
        b'{"events": []}',
        b'{"events": {"type": "page_view"}}',
        b'{"events": [1]}',
        b"[" * 100_000,
        b'{"events": [{"type": "page_view"}], "extra": 1}',
    ],
)
def test_malformed_bodies_get_400_not_500(
    site_key: Any, post: Any, body: bytes
) -> None:
    if b'"key"' not in body and body.startswith(b"{"):
        body = body.replace(b"{", b'{"key": "%s", ' % site_key.public_id.encode(), 1)
    response = post(body)
    assert response.status_code in (400, 403), response.content


def test_more_than_1000_events_are_refused(site_key: Any, post: Any) -> None:
    response = post(
        {"key": site_key.public_id, "events": [{"type": "page_view"}] * 1001}
    )
    assert response.status_code == 400
    assert "events" in response.json()


@override_settings(EVIDENCEHUB_COLLECT_MAX_BODY_BYTES=2000)
def test_oversized_bodies_get_413(site_key: Any, post: Any) -> None:
    body = {"key": site_key.public_id, "events": [{"type": "page_view"}] * 200}
    assert post(body).status_code == 413
    assert not events().exists()


def test_other_content_types_get_415(site_key: Any, post: Any) -> None:
    body = {"key": site_key.public_id, "type": "page_view"}
    assert post(body, content_type="application/xml").status_code == 415


@override_settings(EVIDENCEHUB_COLLECT_CLIENT_REQUESTS_PER_MINUTE=3)
def test_too_many_requests_get_429_with_retry_after(site_key: Any, post: Any) -> None:
    body = {"key": site_key.public_id, "type": "page_view"}
    codes = [post(body).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = post(body)
    assert 1 <= int(response["Retry-After"]) <= 61
    assert events().count() == 3
    # another visitor is not affected
    assert post(body, ip="198.51.100.9").status_code == 200


@override_settings(EVIDENCEHUB_COLLECT_KEY_EVENTS_PER_MINUTE=150)
def test_per_key_event_budget_gives_429(site_key: Any, post: Any) -> None:
    body = {"key": site_key.public_id, "events": [{"type": "page_view"}] * 100}
    assert post(body).status_code == 200
    assert post(body, ip="198.51.100.1").status_code == 429


def test_unknown_or_revoked_keys_are_refused(
    cast: Any, site_key: Any, post: Any
) -> None:
    from evidencehub.apps.collect.services import key_revoke

    assert post({"key": "pk_nope_nope_nope", "type": "page_view"}).status_code == 403
    assert post({"type": "page_view"}).status_code == 403
    key_revoke(actor=cast.admin_a, key=site_key)
    response = post({"key": site_key.public_id, "type": "page_view"})
    assert response.status_code == 403
    assert "key" in response.json()


def test_rotated_key_keeps_working_during_the_grace_period(
    cast: Any, site_key: Any, post: Any
) -> None:
    from evidencehub.apps.collect.services import key_resolve, key_rotate

    new = key_rotate(actor=cast.admin_a, key=site_key)
    assert post({"key": site_key.public_id, "type": "page_view"}).status_code == 200
    assert post({"key": new.token, "type": "page_view"}).status_code == 200
    later = datetime.now(UTC) + timedelta(days=8)
    assert key_resolve(token=site_key.public_id, now=later) is None
    assert key_resolve(token=new.token, now=later) is not None


def test_cors_only_for_the_keys_origins(site_key: Any, post: Any, client: Any) -> None:
    body = {"key": site_key.public_id, "type": "page_view"}
    refused = post(body, origin="https://evil.example")
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused
    ok = client.options("/api/v1/collect", HTTP_ORIGIN=ORIGIN)
    assert ok.status_code == 204
    assert ok["Access-Control-Allow-Origin"] == ORIGIN
    other = client.options("/api/v1/collect", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


def test_server_key_authenticates_with_bearer_and_has_no_visitor(
    cast: Any, post: Any
) -> None:
    from evidencehub.apps.collect.services import key_create

    new = key_create(
        actor=cast.admin_a, initiative=cast.initiative_a, kind="server", name="App"
    )
    assert new.token.startswith("sk_") and "." in new.token
    body = {"events": [{"type": "chat_started", "channel": "app"}]}
    response = post(
        body,
        origin=None,
        ua="python-httpx/0.28",
        HTTP_AUTHORIZATION=f"Bearer {new.token}",
    )
    assert response.status_code == 200, response.content
    event = events().get()
    assert (event.source, event.visitor) == ("api", "")
    wrong = post(body, origin=None, HTTP_AUTHORIZATION=f"Bearer {new.key.public_id}.x")
    assert wrong.status_code == 403
    # the secret is never stored
    from evidencehub.apps.collect.models import CollectionKey

    assert new.token.split(".")[1] not in str(list(CollectionKey.objects.values_list()))


def test_idempotent_retries_store_once(site_key: Any, post: Any) -> None:
    body = {
        "key": site_key.public_id,
        "events": [
            {"type": "page_view", "id": "0b4f6a3e-1111-4c2d-9e0f-aaaaaaaaaaaa"},
            {"type": "page_view", "id": "0b4f6a3e-2222-4c2d-9e0f-aaaaaaaaaaaa"},
        ],
    }
    assert post(body).json() == {"accepted": 2, "duplicates": 0, "dropped": 0}
    assert post(body).json() == {"accepted": 0, "duplicates": 2, "dropped": 0}
    assert events().count() == 2
    assert "0b4f6a3e" not in str(list(events().values_list()))


def test_duplicate_ids_within_one_batch_count_once(site_key: Any, post: Any) -> None:
    ev = {"type": "page_view", "id": "same-id-123456"}
    response = post({"key": site_key.public_id, "events": [ev, ev]})
    assert response.json()["accepted"] == 1
    assert events().count() == 1


def test_visitor_days_same_browser_same_day_one_hash(site_key: Any, post: Any) -> None:
    body = {"key": site_key.public_id, "type": "page_view"}
    post(body, ip="203.0.113.7")
    post(body, ip="203.0.113.99")  # same /24 network
    post(body, ip="198.51.100.7")  # another network
    post(
        body, ua=BROWSER_UA.replace("Windows NT 10.0; Win64; x64", "X11; Linux x86_64")
    )
    hashes = list(events().values_list("visitor", flat=True))
    assert hashes[0] == hashes[1]
    assert len(set(hashes)) == 3


def test_same_person_at_two_initiatives_gets_unrelated_hashes(cast: Any) -> None:
    from evidencehub.apps.collect.services import salt_for
    from evidencehub.core.collect.visitor import visitor_hash

    salt = salt_for(day=datetime.now(UTC).date())
    a = visitor_hash(
        salt=salt, initiative_id=1, ip="203.0.113.7", user_agent=BROWSER_UA
    )
    b = visitor_hash(
        salt=salt, initiative_id=2, ip="203.0.113.7", user_agent=BROWSER_UA
    )
    assert a != b


def test_global_privacy_control_means_no_visitor_hash(site_key: Any, post: Any) -> None:
    post({"key": site_key.public_id, "type": "page_view"}, HTTP_SEC_GPC="1")
    assert events().get().visitor == ""


def test_times_are_truncated_to_the_hour_or_the_day(
    cast: Any, site_key: Any, post: Any
) -> None:
    from evidencehub.apps.collect.services import collection_settings_update

    moment = (datetime.now(UTC) - timedelta(hours=3)).replace(minute=47, second=13)
    post({"key": site_key.public_id, "type": "page_view", "time": moment.isoformat()})
    stored = events().get().occurred
    assert stored == moment.replace(minute=0, second=0, microsecond=0)
    collection_settings_update(
        actor=cast.admin_a, initiative=cast.initiative_a, time_resolution="day"
    )
    post({"key": site_key.public_id, "type": "page_view", "time": moment.isoformat()})
    assert events().last().occurred == moment.replace(
        hour=0, minute=0, second=0, microsecond=0
    )


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "python-requests/2.32.3",
        "curl/8.5.0",
        "",
    ],
)
def test_bots_are_dropped_and_counted(site_key: Any, post: Any, ua: str) -> None:
    from evidencehub.apps.collect.models import DroppedCount

    body = {"key": site_key.public_id, "events": [{"type": "page_view"}] * 3}
    response = post(body, ua=ua)
    assert response.status_code == 200
    assert response.json() == {"accepted": 0, "duplicates": 0, "dropped": 3}
    post(body, ua=ua)
    assert not events().exists()
    assert DroppedCount.objects.get().count == 6


def test_custom_types_and_values_and_campaigns(site_key: Any, post: Any) -> None:
    body = {
        "key": site_key.public_id,
        "events": [
            {"type": "video_watched", "module": "module-2", "value": 3},
            {"type": "micro_survey_answered", "value": 0},
            {"type": "programme_landing", "campaign": "spring"},
        ],
    }
    assert post(body).status_code == 200
    rows = list(events().values_list("type", "value", "referrer", "campaign"))
    assert rows == [
        ("video_watched", 3, "", ""),
        ("micro_survey_answered", 0, "", ""),
        ("programme_landing", None, "campaign", "spring"),
    ]


def test_acknowledged_events_are_committed(site_key: Any, post: Any) -> None:
    """The view commits before answering: a fresh connection sees the row."""
    from django.db import connection

    post({"key": site_key.public_id, "type": "page_view"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM collect_event")
        assert cursor.fetchone()[0] == 1


def test_busy_storage_answers_503_with_retry_after(
    site_key: Any, post: Any, monkeypatch: Any
) -> None:
    from django.db import OperationalError

    from evidencehub.apps.collect import services

    def busy(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "insert_events", busy)
    response = post({"key": site_key.public_id, "type": "page_view"})
    assert response.status_code == 503
    assert response["Retry-After"]


def test_pixel_variant_records_a_page_view(site_key: Any, client: Any) -> None:
    url = f"/api/v1/collect/pixel.gif?key={site_key.public_id}&channel=onion"
    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    event = events().get()
    assert (event.type, event.channel, event.source) == ("page_view", "onion", "pixel")
    bad = client.get(url + "&note=hello", HTTP_USER_AGENT=BROWSER_UA)
    assert bad.status_code == 400
    other_site = client.get(
        url, HTTP_USER_AGENT=BROWSER_UA, HTTP_REFERER="https://evil.example/page"
    )
    assert other_site.status_code == 403
    assert events().count() == 1


def test_fuzzed_bodies_never_give_500(site_key: Any, post: Any) -> None:
    import random

    rng = random.Random(7)
    values: list[Any] = [
        None,
        True,
        1.5,
        -1,
        2**70,
        "",
        "x" * 5000,
        [],
        {},
        {"a": 1},
        "page_view",
        "\u0000",
        "\ud800",
        "module-1",
        "2026-01-01T00:00:00Z",
    ]
    fields = [
        "type",
        "module",
        "channel",
        "locale",
        "referrer",
        "campaign",
        "id",
        "time",
        "value",
        "zzz",
    ]
    for _ in range(150):
        ev = {rng.choice(fields): rng.choice(values) for _ in range(rng.randint(0, 5))}
        body: Any = rng.choice(
            [ev, {"events": [ev]}, {"events": ev}, [ev], {"events": None}]
        )
        if isinstance(body, dict):
            body = {"key": site_key.public_id, **body}
        try:
            data = json.dumps(body)
        except (ValueError, TypeError):
            continue
        assert post(data).status_code in (200, 400, 403), data
