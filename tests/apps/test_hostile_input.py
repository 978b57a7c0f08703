"""Hostile and odd input: never a 500, always a clear answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation

from evidencehub.cli import demo_wanted

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-42"


def test_deeply_nested_json_is_a_400(cast: Any, api_for: Any) -> None:
    body = '{"inputs":' + "[" * 100_000 + "]" * 100_000 + "}"
    response = api_for(cast.admin_a).generic(
        "PUT",
        "/api/v1/initiatives/helpline-a/logic-model/",
        body,
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "limit=99999999999999999999",
        "offset=99999999999999999999",
        "limit=-1",
        "offset=abc",
    ],
)
def test_paging_parameters_are_bounded(cast: Any, api_for: Any, query: str) -> None:
    url = f"/api/v1/organisations/org-a/audit-events/?{query}"
    response = api_for(cast.admin_a).get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) <= 1000


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/org-a/audit-events/?action=%00",
        "/o/org-a/audit/?action=%00",
        "/api/v1/initiatives/?organisation=a%00b",
    ],
)
def test_nul_characters_are_refused(cast: Any, client_for: Any, url: str) -> None:
    assert client_for(cast.admin_a).get(url).status_code == 400


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_over_large_api_bodies_are_a_json_413(cast: Any, api_for: Any) -> None:
    response = api_for(cast.admin_a).generic(
        "PUT",
        "/api/v1/initiatives/helpline-a/plan/",
        '{"summary": "' + "x" * 5000 + '"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}


def test_unknown_api_paths_answer_json(cast: Any, api_for: Any) -> None:
    response = api_for(cast.admin_a).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_locked_out_token_requests_get_json_429(cast: Any, client: Any) -> None:
    for _ in range(5):
        client.post(
            "/api/v1/token/", {"username": "viewer-a@example.org", "password": "x"}
        )
    response = client.post(
        "/api/v1/token/", {"username": "viewer-a@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "non_field_errors" in response.json()
    assert response["Retry-After"] == "900"


def test_sign_in_ignores_the_case_of_the_address(cast: Any, client: Any) -> None:
    response = client.post(
        "/account/login/", {"username": "Admin-A@Example.ORG", "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("slug", ["UPPER", "a_b", "a--b", "-ab", "ab-"])
def test_slugs_must_be_lower_case_words(cast: Any, api_for: Any, slug: str) -> None:
    payload = {
        "organisation": "org-a",
        "name": "x",
        "slug": slug,
        "intervention_type": "helpline",
        "prevention_level": "secondary",
        "delivery_mode": "online",
        "target_groups": [],
        "countries": ["DE"],
        "languages": ["de"],
    }
    response = api_for(cast.admin_a).post(
        "/api/v1/initiatives/", payload, format="json"
    )
    assert response.status_code == 400
    assert "slug" in response.json()


def test_the_form_names_the_end_date_when_dates_are_reversed(
    cast: Any, client_for: Any
) -> None:
    form = {
        "name": "Dated",
        "slug": "dated",
        "intervention_type": "helpline",
        "prevention_level": "secondary",
        "delivery_mode": "online",
        "target_groups": ["professionals"],
        "stage_in_justice": "not_involved",
        "countries": "DE",
        "languages": "de",
        "status": "active",
        "start_date": "2026-05-01",
        "end_date": "2026-01-01",
    }
    html = (
        client_for(cast.admin_a)
        .post("/o/org-a/initiatives/new/", form)
        .content.decode()
    )
    assert "id_end_date_error" in html
    assert "Constraint" not in html


def _question_form(**targets: str) -> dict[str, str]:
    return {
        "text": "Q",
        "design": "within_contact",
        "kpi-TOTAL_FORMS": "1",
        "kpi-INITIAL_FORMS": "0",
        "kpi-MIN_NUM_FORMS": "0",
        "kpi-MAX_NUM_FORMS": "20",
        "kpi-0-direction": "at_least",
        **{f"kpi-0-{k}": v for k, v in targets.items()},
    }


def test_german_decimal_commas_are_accepted(cast: Any, client_for: Any) -> None:
    client = client_for(cast.admin_a)
    with translation.override("de"):
        response = client.post(
            "/initiatives/helpline-a/plan/questions/new/",
            _question_form(kpi_id="W08", target_value="40,5"),
            HTTP_ACCEPT_LANGUAGE="de",
        )
    assert response.status_code == 302
    from evidencehub.apps.initiatives.models import KpiTarget

    assert str(KpiTarget.objects.get(kpi_id="W08").target_value) == "40.5000"


def test_a_kpi_row_without_identifier_is_not_silently_dropped(
    cast: Any, client_for: Any
) -> None:
    response = client_for(cast.admin_a).post(
        "/initiatives/helpline-a/plan/questions/new/", _question_form(target_value="12")
    )
    assert response.status_code == 200
    assert "id_kpi-0-kpi_id_error" in response.content.decode()


def test_tampered_formsets_show_an_error(cast: Any, client_for: Any) -> None:
    form = _question_form(kpi_id="W08")
    form["kpi-TOTAL_FORMS"] = "5000"
    response = client_for(cast.admin_a).post(
        "/initiatives/helpline-a/plan/questions/new/", form
    )
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()


def test_at_most_twenty_kpis_per_question(cast: Any, api_for: Any) -> None:
    payload = {
        "text": "Q",
        "design": "within_contact",
        "kpi_targets": [{"kpi_id": f"K{i}"} for i in range(21)],
    }
    response = api_for(cast.admin_a).post(
        "/api/v1/initiatives/helpline-a/plan/questions/", payload, format="json"
    )
    assert response.status_code == 400
    assert "kpi_targets" in response.json()


@pytest.mark.parametrize(
    ("environ", "wanted"),
    [
        ({}, True),
        ({"SECRET_KEY": "k"}, False),
        ({"SECRET_KEY": "k", "EVIDENCEHUB_DEMO": "1"}, True),
        ({"SECRET_KEY": "k", "EVIDENCEHUB_DEMO": "0"}, False),
    ],
)
def test_run_never_loads_the_demo_into_a_real_installation(
    environ: dict[str, str], wanted: bool
) -> None:
    assert demo_wanted(environ) is wanted


def test_the_demo_leaves_deleted_records_deleted() -> None:
    from evidencehub.apps.initiatives.models import Initiative
    from evidencehub.demo.loader import load_demo

    load_demo(extensions=False)
    Initiative.objects.get(slug="demo-therapy").delete()
    load_demo(extensions=False)
    assert not Initiative.objects.filter(slug="demo-therapy").exists()
    load_demo(reset=True, extensions=False)
    assert Initiative.objects.filter(slug="demo-therapy").exists()
