"""Pages, API and commands: tenancy (outsiders get 404), capability checks,
scorecard wording, proposing the core set."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from evidencehub.apps.initiatives.models import KpiTarget
from tests.apps.kpis.conftest import contact

PAGES = [
    "/initiatives/{slug}/kpis/",
    "/initiatives/{slug}/kpis/scorecard/",
    "/initiatives/{slug}/kpis/propose/",
]
APIS = [
    "/api/v1/initiatives/{slug}/kpis/?period=2026",
    "/api/v1/initiatives/{slug}/kpis/scorecard/?period=2026",
    "/api/v1/initiatives/{slug}/kpis/evidence/",
]


@pytest.mark.parametrize("url", PAGES)
def test_outsider_gets_404_on_pages(cast: Any, client_for: Any, url: str) -> None:
    c = client_for(cast.admin_b)
    assert c.get(url.format(slug="helpline-a")).status_code == 404
    assert (
        c.post("/initiatives/helpline-a/kpis/compute/", {"period": "2026"}).status_code
        == 404
    )


@pytest.mark.parametrize("url", APIS)
def test_outsider_gets_404_on_api(cast: Any, api_for: Any, url: str) -> None:
    assert api_for(cast.admin_b).get(url.format(slug="helpline-a")).status_code == 404
    r = api_for(cast.admin_b).post(
        "/api/v1/initiatives/helpline-a/kpis/compute/",
        {"period": "2026"},
        format="json",
    )
    assert r.status_code == 404


def test_viewer_may_look_not_compute(cast: Any, client_for: Any, api_for: Any) -> None:
    c = client_for(cast.viewer_a)
    assert c.get("/initiatives/helpline-a/kpis/").status_code == 200
    assert (
        c.post("/initiatives/helpline-a/kpis/compute/", {"period": "2026"}).status_code
        == 403
    )
    assert c.get("/initiatives/helpline-a/kpis/propose/").status_code == 403
    r = api_for(cast.viewer_a).post(
        "/api/v1/initiatives/helpline-a/kpis/compute/",
        {"period": "2026"},
        format="json",
    )
    assert r.status_code == 403


def test_catalogue_pages(cast: Any, client_for: Any) -> None:
    c = client_for(cast.viewer_a)
    page = c.get("/kpis/?domain=wellbeing&data_needed=contact_records")
    assert page.status_code == 200
    html = page.content.decode()
    assert "W08" in html and "W01" not in html
    detail = c.get("/kpis/R03/").content.decode()
    assert "answered + abandoned + missed" in detail
    assert c.get("/kpis/ZZ99/").status_code == 404


def test_api_catalogue_and_package(cast: Any, api_for: Any) -> None:
    api = api_for(cast.viewer_a)
    rows = api.get("/api/v1/kpis/?domain=staff").json()
    assert [r["id"] for r in rows][:2] == ["ST01", "ST02"]
    assert api.get("/api/v1/kpis/R01/").json()["level"] == "output"
    pkg = json.loads(api.get("/api/v1/kpis/package/").content)
    assert pkg["format"] == "evidencehub.kpi-package" and len(pkg["kpis"]) == 85


def test_compute_api_and_results(cast: Any, api_for: Any) -> None:
    contact(cast.initiative_a, date(2026, 4, 1))
    api = api_for(cast.analyst_a)
    r = api.post(
        "/api/v1/initiatives/helpline-a/kpis/compute/",
        {"period": "2026", "kpis": ["R02"], "breakdown": "channel"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()[0]["value"] == 1
    bad = api.post(
        "/api/v1/initiatives/helpline-a/kpis/compute/",
        {"period": "2026", "kpis": ["NOPE"]},
        format="json",
    )
    assert bad.status_code == 400
    assert "kpi" in bad.json() or "kpis" in json.dumps(bad.json())
    unknown_field = api.post(
        "/api/v1/initiatives/helpline-a/kpis/compute/",
        {"period": "2026", "colour": "red"},
        format="json",
    )
    assert unknown_field.status_code == 400
    got = api.get("/api/v1/initiatives/helpline-a/kpis/?period=2026").json()
    assert {g["group"] for g in got} == {"", "phone"}


def test_scorecard_says_counting_is_not_benefit(cast: Any, client_for: Any) -> None:
    # the cast's plan has only R02 (an output KPI)
    contact(cast.initiative_a, date(2026, 4, 1))
    c = client_for(cast.analyst_a)
    c.post("/initiatives/helpline-a/kpis/compute/", {"period": "2026"})
    html = c.get("/initiatives/helpline-a/kpis/scorecard/?period=2026").content.decode()
    assert "Counting is not benefit" in html
    assert "activity and reach only" in html
    assert "Not met" in html  # 1 contact, target at least 100


def test_scorecard_api_classifies(cast: Any, api_for: Any) -> None:
    for _ in range(120):
        contact(cast.initiative_a, date(2026, 4, 1))
    api = api_for(cast.analyst_a)
    api.post(
        "/api/v1/initiatives/helpline-a/kpis/compute/",
        {"period": "2026", "kpis": ["R02"]},
        format="json",
    )
    card = api.get("/api/v1/initiatives/helpline-a/kpis/scorecard/?period=2026").json()
    assert card["lines"][0]["status"] == "met"
    assert card["warning_code"] == "no_outcome_kpi"
    assert "R02 v1" in card["lines"][0]["provenance"]


def test_propose_core_set_adds_targets(cast: Any, client_for: Any) -> None:
    c = client_for(cast.analyst_a)
    page = c.get("/initiatives/helpline-a/kpis/propose/").content.decode()
    assert "Answer rate" in page  # one plain sentence per KPI
    assert "Of all people who tried to get through" in page
    r = c.post(
        "/initiatives/helpline-a/kpis/propose/",
        {"kpi": ["R03", "W08"], "target_R03": "75", "extra": "b02"},
    )
    assert r.status_code == 302
    ids = set(KpiTarget.objects.values_list("kpi_id", flat=True))
    assert ids == {"R02", "R03", "W08", "B02"}
    t = KpiTarget.objects.get(kpi_id="R03")
    assert (float(t.target_value or 0), t.direction) == (75.0, "at_least")
    assert KpiTarget.objects.get(kpi_id="W08").direction == "at_most"
    # again: kept, not duplicated
    c.post("/initiatives/helpline-a/kpis/propose/", {"kpi": ["R03"]})
    assert KpiTarget.objects.filter(kpi_id="R03").count() == 1
    bad = c.post(
        "/initiatives/helpline-a/kpis/propose/", {"kpi": ["R03"], "target_R03": "x"}
    )
    assert bad.status_code == 400


def test_evidence_api_says_what_is_missing(cast: Any, api_for: Any) -> None:
    e = (
        api_for(cast.viewer_a)
        .get("/api/v1/initiatives/helpline-a/kpis/evidence/")
        .json()
    )
    assert e["eif"] == "NL2"
    assert any("0 of the 30 needed" in m for m in e["missing"])


def test_command_compute_formats(cast: Any) -> None:
    contact(cast.initiative_a, date(2026, 4, 1))
    out = StringIO()
    call_command(
        "kpi",
        "compute",
        "--initiative",
        "helpline-a",
        "--period",
        "2026",
        "--kpi",
        "R02",
        "R03",
        "--format",
        "json",
        stdout=out,
    )
    rows = json.loads(out.getvalue())
    assert [r["kpi_id"] for r in rows] == ["R02", "R03"]
    out = StringIO()
    call_command(
        "kpi",
        "compute",
        "--initiative",
        "helpline-a",
        "--period",
        "2026-Q2",
        "--kpi",
        "R02",
        "--format",
        "csv",
        stdout=out,
    )
    assert out.getvalue().splitlines()[1].startswith("R02,1,2026-Q2,ok,1.0")
    out = StringIO()
    call_command("kpi", "list", stdout=out)
    assert len(out.getvalue().splitlines()) == 85


def test_reference_docs_match_catalogue() -> None:
    from evidencehub.apps.kpis.docs import DOCS_PATH, render_reference
    from evidencehub.core.kpis import load_catalogue

    assert DOCS_PATH.read_text(encoding="utf-8") == render_reference(
        load_catalogue()
    ), "docs/reference/kpis.md is stale: run `evidencehub kpi docs`"
    text = DOCS_PATH.read_text(encoding="utf-8")
    for k in load_catalogue().kpis:
        assert f"### {k.id} v{k.version}" in text


def test_demo_load_is_quick_and_idempotent(cast: Any) -> None:
    from evidencehub.apps.kpis import demo

    assert demo.load() == {"kpi_results": 0}  # no demo initiatives in the cast
