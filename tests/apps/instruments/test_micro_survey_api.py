"""Micro-surveys embedded by the snippet: the public definition endpoint,
answers limited to the items asked, origin checks and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from evidencehub.apps.instruments.models import Response

pytestmark = pytest.mark.django_db

SITE = "https://service.example"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """The per-client submission limit lives in the cache; these tests send
    many answers from one test client."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _version(instrument_id: str) -> Any:
    from evidencehub.apps.instruments.models import InstrumentVersion
    from evidencehub.apps.instruments.services import ensure_catalogue

    ensure_catalogue()
    return InstrumentVersion.objects.get(
        organisation__isnull=True, instrument_id=instrument_id
    )


@pytest.fixture
def embed(cast: Any) -> dict[str, Any]:
    """PHQ-9 and distress questionnaires on helpline-a, with a site key for
    the service's website."""
    from evidencehub.apps.collect.services import key_create
    from evidencehub.apps.instruments.services import questionnaire_create

    key_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        kind="site",
        name="Service",
        allowed_origins=[SITE],
    )
    made = {
        name: questionnaire_create(
            actor=cast.admin_a,
            initiative=cast.initiative_a,
            instrument_version=_version(name),
            occasion="single",
        )
        for name in ("phq9", "distress_0_10")
    }
    return made


def _micro(q: Any, items: str, **extra: Any) -> Any:
    return APIClient().get(
        f"/api/v1/surveys/{q.public_id}/micro/",
        {"items": items, **extra.pop("params", {})},
        **extra,
    )


def test_definition_has_only_the_items_asked_and_crisis_text(embed: Any) -> None:
    got = _micro(embed["phq9"], "phq9_1 phq9_9", HTTP_ORIGIN=SITE)
    assert got.status_code == 200
    body = got.json()
    assert [it["id"] for it in body["items"]] == ["phq9_1", "phq9_9"]
    nine = body["items"][1]
    assert nine["risk"] is True and nine["risk_above"] == 0
    assert [o["value"] for o in nine["options"]] == [0, 1, 2, 3]
    assert "112" in body["crisis_text"]
    assert body["labels"]["send"] == "Send"
    assert got["Access-Control-Allow-Origin"] == SITE
    assert not got.cookies


def test_definition_in_german(embed: Any) -> None:
    body = _micro(embed["distress_0_10"], "distress", params={"lang": "de"}).json()
    assert body["language"] == "de"
    assert body["labels"]["send"] == "Senden"


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ("", "items"),
        ("phq9_1 phq9_2 phq9_3 phq9_4", "items"),
        ("phq9_1,phq9_1", "items"),
        ("nope", "items"),
        ("<script>alert(1)</script>", "items"),
        ("x" * 5000, "items"),
    ],
)
def test_definition_bad_items(embed: Any, items: str, field: str) -> None:
    got = _micro(embed["phq9"], items)
    assert got.status_code == 400
    assert field in got.json()
    assert "<script>" not in got.content.decode()


def test_definition_unknown_parameter_is_named(embed: Any) -> None:
    got = _micro(embed["phq9"], "phq9_1", params={"code": "x"})
    assert got.status_code == 400 and got.json() == {"code": ["Unknown parameter."]}


def test_definition_refuses_licensed_wording(cast: Any, embed: Any) -> None:
    from evidencehub.apps.instruments.services import (
        licensed_text_save,
        questionnaire_create,
    )

    version = _version("core10")
    licensed_text_save(
        actor=cast.admin_a,
        organisation=cast.org_a,
        version=version,
        items={
            it.id: "Licensed wording that must not be published"
            for it in version.instrument.items
        },
    )
    q = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=version,
        occasion="single",
    )
    got = _micro(q, "core10_1")
    assert got.status_code == 400
    assert "may not be published" in got.json()["items"][0]
    assert "Licensed wording" not in got.content.decode()


def test_origin_not_on_a_site_key_is_refused(embed: Any) -> None:
    got = _micro(embed["phq9"], "phq9_1", HTTP_ORIGIN="https://elsewhere.example")
    assert got.status_code == 403 and "origin" in got.json()
    assert "Access-Control-Allow-Origin" not in got
    post = APIClient().post(
        f"/api/v1/surveys/{embed['phq9'].public_id}/responses/",
        {"answers": {"phq9_1": 1}, "items": ["phq9_1"]},
        format="json",
        HTTP_ORIGIN="https://elsewhere.example",
    )
    assert post.status_code == 403 and "origin" in post.json()
    assert Response.objects.count() == 0


def test_closed_and_unknown_questionnaire(embed: Any) -> None:
    q = embed["phq9"]
    q.is_open = False
    q.save()
    got = _micro(q, "phq9_1")
    assert got.status_code == 400 and "questionnaire" in got.json()
    missing = APIClient().get("/api/v1/surveys/nope/micro/", {"items": "x"})
    assert missing.status_code == 404


def _answer(q: Any, body: dict[str, Any]) -> Any:
    return APIClient().post(
        f"/api/v1/surveys/{q.public_id}/responses/",
        body,
        format="json",
        HTTP_ORIGIN=SITE,
    )


def test_micro_answer_stores_partial_response_and_flags_risk(embed: Any) -> None:
    q = embed["phq9"]
    got = _answer(q, {"answers": {"phq9_9": 2}, "items": ["phq9_9"]})
    assert got.status_code == 201
    assert got.json()["risk"] is True and "112" in got.json()["crisis_text"]
    assert got["Access-Control-Allow-Origin"] == SITE
    stored = Response.objects.get()
    assert stored.answers == {"phq9_9": 2}
    assert stored.code_hash == ""
    # one item of nine: no valid total under PHQ-9's missing-item rule
    assert stored.score.risk is True and stored.score.valid is False
    one = _answer(
        embed["distress_0_10"], {"answers": {"distress": 4}, "items": ["distress"]}
    )
    assert one.status_code == 201 and one.json() == {"risk": False}
    assert Response.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {"nope": 1}, "items": ["phq9_1"]}, "nope"),
        ({"answers": {"phq9_1": 9}, "items": ["phq9_1"]}, "phq9_1"),
        ({"answers": {"phq9_1": "<b>x</b>"}, "items": ["phq9_1"]}, "answers"),
        ({"answers": {"phq9_2": 1}, "items": ["phq9_1"]}, "phq9_2"),
        (
            {
                "answers": {"phq9_1": 1},
                "items": ["phq9_1", "phq9_2", "phq9_3", "phq9_4"],
            },
            "items",
        ),
        ({"answers": {"phq9_1": 1}, "items": ["<script>"]}, "items"),
        ({"answers": {"x" * 100: 1}}, "answers"),
        ({"answers": {f"k{i}": 1 for i in range(300)}}, "answers"),
        ({"answers": {"phq9_1": 1}, "items": "phq9_1"}, "items"),
        ({"answers": {}, "items": ["phq9_1"]}, "answers"),
    ],
)
def test_micro_answer_bad_input(embed: Any, body: dict[str, Any], field: str) -> None:
    got = _answer(embed["phq9"], body)
    assert got.status_code == 400, got.content
    assert field in got.json(), got.json()
    assert Response.objects.count() == 0


def test_results_page_offers_the_embed_markup(
    cast: Any, client_for: Any, embed: Any
) -> None:
    import html

    q = embed["phq9"]
    page = client_for(cast.viewer_a).get(
        f"/initiatives/helpline-a/questionnaires/{q.pk}/"
    )
    text = html.unescape(page.content.decode())
    assert (
        f'<div data-evidencehub-survey="{q.public_id}" '
        'data-items="phq9_1 phq9_2 phq9_3">'
    ) in text
