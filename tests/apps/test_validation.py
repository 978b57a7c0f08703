"""Bad input gets a clear error naming the field and loses nothing."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

VALID = {
    "organisation": "org-a",
    "name": "New line",
    "slug": "new-line",
    "intervention_type": "helpline",
    "prevention_level": "secondary",
    "delivery_mode": "online",
    "target_groups": ["own_thoughts_or_behaviour"],
    "countries": ["de"],
    "languages": ["DE"],
}


def test_a_valid_initiative_is_created_with_normalised_codes(
    cast: Any, api_for: Any
) -> None:
    response = api_for(cast.admin_a).post("/api/v1/initiatives/", VALID, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["countries"], body["languages"]) == (["DE"], ["de"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"countries": ["XX"]}, "countries"),
        ({"languages": ["english!"]}, "languages"),
        ({"intervention_type": "prison"}, "intervention_type"),
        ({"target_groups": ["everyone"]}, "target_groups"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "helpline-b"}, "slug"),
        ({"name": "x" * 201}, "name"),
        ({"start_date": "2026-13-01"}, "start_date"),
        ({"start_date": "2026-05-01", "end_date": "2026-01-01"}, "end_date"),
        ({"victim_name": "anything"}, "victim_name"),
    ],
)
def test_bad_initiatives_are_rejected_naming_the_field(
    cast: Any, api_for: Any, change: dict[str, Any], field: str
) -> None:
    from evidencehub.apps.initiatives.models import Initiative

    before = Initiative.objects.count()
    response = api_for(cast.admin_a).post(
        "/api/v1/initiatives/", {**VALID, **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Initiative.objects.count() == before


@pytest.mark.parametrize("body", ["not json", "[1,2,3]", '{"name": ', "null"])
def test_malformed_bodies_are_400_not_500(cast: Any, api_for: Any, body: str) -> None:
    response = api_for(cast.admin_a).generic(
        "POST", "/api/v1/initiatives/", body, content_type="application/json"
    )
    assert response.status_code == 400


def test_a_failed_update_changes_nothing(cast: Any, api_for: Any) -> None:
    response = api_for(cast.admin_a).patch(
        "/api/v1/initiatives/helpline-a/",
        {"name": "Changed", "countries": ["ZZ"]},
        format="json",
    )
    assert response.status_code == 400
    cast.initiative_a.refresh_from_db()
    assert cast.initiative_a.name == "Helpline A"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"inputs": "one string"}, "inputs"),
        ({"inputs": ["x" * 301]}, "inputs"),
        ({"outputs": ["x"] * 31}, "outputs"),
        ({"wishes": ["x"]}, "wishes"),
    ],
)
def test_bad_logic_models_name_the_part(
    cast: Any, api_for: Any, payload: dict[str, Any], field: str
) -> None:
    response = api_for(cast.admin_a).put(
        "/api/v1/initiatives/helpline-a/logic-model/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "Q", "design": "astrology"}, "design"),
        ({"design": "within_contact"}, "text"),
        (
            {"text": "Q", "design": "within_contact", "kpi_targets": [{"kpi_id": ""}]},
            "kpi_targets",
        ),
        (
            {
                "text": "Q",
                "design": "within_contact",
                "kpi_targets": [{"kpi_id": "W08", "direction": "up"}],
            },
            "kpi_targets",
        ),
    ],
)
def test_bad_questions_name_the_field(
    cast: Any, api_for: Any, payload: dict[str, Any], field: str
) -> None:
    response = api_for(cast.admin_a).post(
        "/api/v1/initiatives/helpline-a/plan/questions/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_plan_retention_must_be_positive(cast: Any, api_for: Any) -> None:
    response = api_for(cast.admin_a).put(
        "/api/v1/initiatives/helpline-a/plan/", {"retention_days": -3}, format="json"
    )
    assert response.status_code == 400
    assert "retention_days" in response.json()


def test_the_form_keeps_what_was_typed_and_names_the_field(
    cast: Any, client_for: Any
) -> None:
    form = {
        "name": "Typed name",
        "slug": "typed-name",
        "intervention_type": "helpline",
        "prevention_level": "secondary",
        "delivery_mode": "online",
        "target_groups": ["professionals"],
        "stage_in_justice": "not_involved",
        "countries": "DE, XX",
        "languages": "de",
        "status": "active",
    }
    response = client_for(cast.admin_a).post("/o/org-a/initiatives/new/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "id_countries_error" in html
    assert "XX" in html and "Typed name" in html


def test_question_and_targets_round_trip(cast: Any, api_for: Any) -> None:
    api = api_for(cast.admin_a)
    response = api.post(
        "/api/v1/initiatives/helpline-a/plan/questions/",
        {
            "text": "Do people feel better?",
            "design": "pre_post_user_codes",
            "kpi_targets": [
                {
                    "kpi_id": "W01",
                    "target_value": "35.5",
                    "unit": "%",
                    "target_date": "2027-06-30",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["evidence_ceiling"] == {
        "design": "pre_post_user_codes",
        "sms": 1,
        "eif": "2",
        "condition": body["evidence_ceiling"]["condition"],
    }
    plan = api.get("/api/v1/initiatives/helpline-a/plan/").json()
    assert [q["text"] for q in plan["questions"]][-1] == "Do people feel better?"
    assert plan["questions"][-1]["kpi_targets"][0]["target_value"] == "35.5000"
    assert plan["evidence_ceiling"]["sms"] == 1
