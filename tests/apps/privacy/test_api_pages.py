"""Noisy-release and ledger endpoints and the ledger page: roles, refusals
(409 over budget), bad input as 400 naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from evidencehub.apps.privacy.models import LedgerEntry
from tests.apps.privacy.conftest import store

pytestmark = pytest.mark.django_db

RELEASE = "/api/v1/initiatives/helpline-a/noisy-releases/"
LEDGER = "/api/v1/organisations/org-a/privacy-budget/"


@pytest.fixture
def figures(cast: Any, settings: Any) -> Any:
    settings.SUPPRESSION_THRESHOLD = 10
    settings.EVIDENCEHUB_DP_EPSILON_PER_YEAR = 1.0
    store(cast.initiative_a, "R03", value=42.0, n=120)
    return cast


def test_release_then_over_budget_409(figures: Any, api_for: Any) -> None:
    api = api_for(figures.analyst_a)
    ok = {"kpi_id": "R03", "period": "2026", "epsilon": 0.75}
    r = api.post(RELEASE, ok, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["epsilon"] == pytest.approx(0.75)
    assert body["lower"] < body["value"] < body["upper"]
    assert body["accuracy_level"] == 0.95
    r = api.post(RELEASE, ok, format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "budget_exceeded"
    assert "Nothing was released" in r.json()["detail"]
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"epsilon": 0}, "epsilon"),
        ({"epsilon": -1}, "epsilon"),
        ({"epsilon": "abc"}, "epsilon"),
        ({"epsilon": 1e300}, "epsilon"),
        ({"epsilon": "NaN"}, "epsilon"),
        ({"epsilon": 1e-20}, "epsilon"),
        ({"epsilon": 0.009}, "epsilon"),
        ({"epsilon": True}, "epsilon"),
        ({"epsilon": 0.5, "mechanism": "gaussian", "delta": True}, "delta"),
        ({"epsilon": 0.5, "mechanism": "gaussian"}, "delta"),
        ({"epsilon": 0.5, "mechanism": "gaussian", "delta": "x"}, "delta"),
        ({"epsilon": 0.5, "delta": 1e-6}, "delta"),
        ({"epsilon": 0.5, "mechanism": "exp"}, "mechanism"),
        ({"epsilon": 0.5, "contributions": 10**9}, "contributions"),
        ({"epsilon": 0.5, "kpi_id": "R77"}, "kpi_id"),
        ({"epsilon": 0.5, "period": "x" * 5000}, "period"),
        ({"epsilon": 0.5, "email": "a@b.c"}, "email"),
    ],
)
def test_bad_input_400(
    figures: Any, api_for: Any, payload: dict[str, Any], field: str
) -> None:
    body = {"kpi_id": "R03", "period": "2026", **payload}
    r = api_for(figures.admin_a).post(RELEASE, body, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()
    assert not LedgerEntry.objects.exists()


def test_release_roles(figures: Any, api_for: Any) -> None:
    body = {"kpi_id": "R03", "period": "2026", "epsilon": 0.1}
    assert (
        api_for(figures.viewer_a).post(RELEASE, body, format="json").status_code == 403
    )
    assert (
        api_for(figures.admin_b).post(RELEASE, body, format="json").status_code == 404
    )
    assert (
        api_for(figures.evaluator).post(RELEASE, body, format="json").status_code == 404
    )


def test_ledger_api(figures: Any, api_for: Any) -> None:
    api_for(figures.admin_a).post(
        RELEASE, {"kpi_id": "R03", "period": "2026", "epsilon": 0.25}, format="json"
    )
    r = api_for(figures.admin_a).get(LEDGER)
    assert r.status_code == 200
    body = r.json()
    assert body["budget_epsilon"] == 1.0
    assert body["spent_epsilon"] == pytest.approx(0.25)
    assert body["remaining_epsilon"] == pytest.approx(0.75)
    assert body["entries"][0]["released"]["kpi_id"] == "R03"
    assert body["entries"][0]["purpose"] == "release"
    assert api_for(figures.admin_a).get(LEDGER, {"year": "20x6"}).status_code == 400
    assert api_for(figures.analyst_a).get(LEDGER).status_code == 403
    assert api_for(figures.admin_b).get(LEDGER).status_code == 404


def test_ledger_page_release_and_refusal(figures: Any, client_for: Any) -> None:
    c = client_for(figures.admin_a)
    url = "/o/org-a/privacy-budget/"
    assert c.get(url).status_code == 200
    form = {
        "initiative": "helpline-a",
        "kpi_id": "R03",
        "period": "2026",
        "mechanism": "laplace",
        "epsilon": "0.8",
    }
    r = c.post(url, form)
    assert r.status_code == 302
    page = c.get(url)
    assert b"R03 v1" in page.content
    assert b"/initiatives/helpline-a/benchmarks/" in page.content
    r = c.post(url, form)
    assert r.status_code == 400
    assert b"Nothing was released" in r.content
    r = c.post(url, {**form, "epsilon": "lots"})
    assert r.status_code == 400
    assert b"epsilon" in r.content
    r = c.post(url, {**form, "epsilon": "1e-20"})
    assert r.status_code == 400
    assert b"epsilon" in r.content
    assert LedgerEntry.objects.count() == 1


def test_ledger_page_admins_only(figures: Any, client_for: Any) -> None:
    assert (
        client_for(figures.analyst_a).get("/o/org-a/privacy-budget/").status_code == 403
    )


def test_budget_page_in_german(figures: Any, client_for: Any) -> None:
    c = client_for(figures.admin_a)
    c.post("/i18n/setlang/", {"language": "de", "next": "/"})
    page = c.get("/o/org-a/privacy-budget/").content.decode()
    assert "Datenschutzbudget" in page
    assert "Jahresbudget" in page


def test_schema_lists_privacy_endpoints(figures: Any) -> None:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    for path in (
        "/api/v1/initiatives/{slug}/benchmarks/",
        "/api/v1/initiatives/{slug}/noisy-releases/",
        "/api/v1/organisations/{slug}/privacy-budget/",
    ):
        assert path in schema["paths"]
