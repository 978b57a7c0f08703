from __future__ import annotations

from typing import Any

import pytest

from evidencehub.apps.instruments.models import Questionnaire, Response
from evidencehub.core.codes import generate_code

pytestmark = pytest.mark.django_db


def test_catalogue_api(cast: Any, api_for: Any) -> None:
    api = api_for(cast.viewer_a)
    rows = api.get("/api/v1/instruments/").json()
    phq9 = next(r for r in rows if r["id"] == "phq9")
    assert phq9["risk_items"] == ["phq9_9"] and phq9["text_shipped"]
    core10 = api.get("/api/v1/instruments/core10/versions/1/").json()
    assert all(it["text"] == "" for it in core10["items"])
    assert api.get("/api/v1/instruments/nope/versions/1/").status_code == 404


def test_questionnaire_api_tenancy_and_validation(cast: Any, api_for: Any) -> None:
    url = "/api/v1/initiatives/helpline-a/questionnaires/"
    body = {"instrument_id": "gad7", "instrument_version": "1", "occasion": "baseline"}
    assert api_for(cast.admin_b).get(url).status_code == 404
    assert api_for(cast.admin_b).post(url, body, format="json").status_code == 404
    assert api_for(cast.viewer_a).post(url, body, format="json").status_code == 403
    analyst = api_for(cast.analyst_a)
    bad = analyst.post(url, {**body, "name": "x"}, format="json")
    assert bad.status_code == 400 and "name" in str(bad.json())
    bad = analyst.post(url, {**body, "occasion": "follow_up"}, format="json")
    assert bad.status_code == 400 and "follow_up_months" in str(bad.json())
    bad = analyst.post(url, {**body, "instrument_id": "nope"}, format="json")
    assert bad.status_code == 400 and "instrument_id" in str(bad.json())
    made = analyst.post(url, body, format="json")
    assert made.status_code == 201
    assert api_for(cast.viewer_a).get(url).json()[0]["occasion"] == "baseline"
    pk = made.json()["id"]
    res_url = f"/api/v1/initiatives/helpline-a/questionnaires/{pk}/results/"
    assert api_for(cast.admin_b).get(res_url).status_code == 404
    assert api_for(cast.viewer_a).get(res_url).json()["n"] == 0


def test_public_response_api(cast: Any, pair: Any) -> None:
    from rest_framework.test import APIClient

    base, _end = pair
    api = APIClient()
    url = f"/api/v1/surveys/{base.public_id}/responses/"
    answers = {f"phq9_{i}": 0 for i in range(1, 10)}
    ok = api.post(url, {"answers": answers, "code": generate_code()}, format="json")
    assert ok.status_code == 201 and ok.json() == {"risk": False}
    risky = api.post(url, {"answers": {**answers, "phq9_9": 1}}, format="json")
    assert (
        risky.status_code == 201
        and risky.json()["risk"]
        and "112" in risky.json()["crisis_text"]
    )
    bad = api.post(
        url, {"answers": {**answers, "phq9_1": 5}, "ip": "1.2.3.4"}, format="json"
    )
    assert bad.status_code == 400 and "ip" in str(bad.json())
    bad = api.post(url, {"answers": {**answers, "phq9_1": 5}}, format="json")
    assert bad.status_code == 400 and "phq9_1" in str(bad.json())
    assert (
        api.post(
            "/api/v1/surveys/nope/responses/", {"answers": {}}, format="json"
        ).status_code
        == 404
    )
    assert Response.objects.count() == 2
    assert Questionnaire.objects.count() == 2


def test_schema_lists_endpoints(cast: Any) -> None:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    for path in (
        "/api/v1/instruments/",
        "/api/v1/initiatives/{slug}/questionnaires/",
        "/api/v1/initiatives/{slug}/questionnaires/{id}/results/",
        "/api/v1/surveys/{public_id}/responses/",
    ):
        assert path in schema["paths"]


def test_public_response_api_cors_only_for_site_key_origins(
    cast: Any, pair: Any
) -> None:
    from rest_framework.test import APIClient

    from evidencehub.apps.collect.services import key_create

    base, _end = pair
    url = f"/api/v1/surveys/{base.public_id}/responses/"
    pre = APIClient().options(url, HTTP_ORIGIN="https://service.example")
    assert "Access-Control-Allow-Origin" not in pre
    key_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        kind="site",
        name="Service",
        allowed_origins=["https://service.example"],
    )
    pre = APIClient().options(url, HTTP_ORIGIN="https://service.example")
    assert pre.status_code == 200
    assert pre["Access-Control-Allow-Origin"] == "https://service.example"
    assert "Content-Type" in pre["Access-Control-Allow-Headers"]
    assert "Origin" in pre["Vary"]
