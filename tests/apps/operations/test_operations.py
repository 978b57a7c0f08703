"""Organisation inputs: tenancy, services, imports, API, KPIs, staff pulse
suppression and demo data."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.operations import kpis, services
from evidencehub.apps.operations.models import CostEntry, FundingSource, Material

D = datetime.date
PAGES = [
    "overview",
    "costs",
    "funding",
    "posts",
    "training",
    "staff_periods",
    "staff_pulse",
    "materials",
    "policy",
]


def _cost(cast: Any, **kw: Any) -> Any:
    data = {
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "category": "overheads",
        "currency": "EUR",
        "amount": "120000",
        **kw,
    }
    return services.record_create(
        kind="cost", actor=cast.admin_a, initiative=cast.initiative_a, data=data
    )


def test_pages_render_for_members_and_404_for_outsiders(
    cast: Any, client_for: Any
) -> None:
    _cost(cast)
    mat = services.record_create(
        kind="material",
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        data={
            "title": "Home",
            "kind": "web_page",
            "language": "en",
            "text": "We help. Call us.",
        },
    )
    slug = cast.initiative_a.slug
    urls = [
        f"/initiatives/{slug}/inputs/" + p
        for p in (
            "",
            "costs/",
            "funding/",
            "staff/",
            "staff/training/",
            "staff/periods/",
            "staff/pulse/",
            "materials/",
            f"materials/{mat.pk}/",
            "policy/",
            "cost/import/",
        )
    ]
    client = client_for(cast.viewer_a)
    for url in urls[:-1]:
        assert client.get(url).status_code == 200, url
    assert client.get(urls[-1]).status_code == 403  # import needs ENTER_DATA
    outsider = client_for(cast.admin_b)
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    for url in (
        f"/initiatives/{slug}/inputs/cost/1/delete/",
        f"/initiatives/{slug}/inputs/policy/goals/",
        f"/initiatives/{slug}/inputs/staff/pulse/",
        f"/initiatives/{slug}/inputs/costs/",
        f"/initiatives/{slug}/inputs/funding/import/",
    ):
        assert outsider.post(url, {}).status_code == 404, url


def test_viewer_cannot_write_staff_can(cast: Any, client_for: Any) -> None:
    url = f"/initiatives/{cast.initiative_a.slug}/inputs/costs/"
    form = {
        "period_start": "2025-01-01",
        "period_end": "2025-01-31",
        "category": "staff",
        "currency": "eur",
        "fte": "2",
        "annual_salary": "60000",
    }
    assert client_for(cast.viewer_a).post(url, form).status_code == 403
    resp = client_for(cast.staff_a).post(url, form)
    assert resp.status_code == 302
    entry = CostEntry.objects.get(initiative=cast.initiative_a)
    # 2 FTE x 60,000 x 1 month / 12
    assert entry.amount == Decimal("10000.00") and entry.currency == "EUR"
    assert AuditEvent.objects.filter(action="evidencehub.cost.created").count() == 1


def test_form_errors_name_the_field(cast: Any, client_for: Any) -> None:
    url = f"/initiatives/{cast.initiative_a.slug}/inputs/costs/"
    resp = client_for(cast.staff_a).post(
        url,
        {
            "period_start": "2025-02-01",
            "period_end": "2025-01-01",
            "category": "x",
            "currency": "E",
        },
    )
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Must be one of" in body and "three-letter" in body
    assert not CostEntry.objects.exists()


def test_service_validation(cast: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _cost(cast, period_end="2024-01-01")
    assert "period_end" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _cost(cast, category="staff", amount="")
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _cost(cast, name="Jane")  # unknown fields are refused, e.g. a name
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            kind="funding",
            actor=cast.admin_a,
            initiative=cast.initiative_a,
            data={
                "amount": "1",
                "currency": "EUR",
                "start": "2025-01-01",
                "end": "2025-12-31",
            },
        )
    assert "funder_name" in exc.value.message_dict


def test_import_reports_every_bad_row_and_imports_nothing(
    cast: Any, client_for: Any
) -> None:
    csv = (
        b"period_start;period_end;category;currency;amount\n"
        b"2025-01-01;2025-01-31;technology;EUR;450\n"
        b"2025-01-01;2025-01-31;telepathy;EUR;10\n"
        b"2025-13-01;2025-01-31;training;EUR;abc\n"
    )
    url = f"/initiatives/{cast.initiative_a.slug}/inputs/cost/import/"
    client = client_for(cast.staff_a)
    resp = client.post(url, {"file": SimpleUploadedFile("c.csv", csv)})
    body = resp.content.decode()
    assert "Line 3, column category" in body
    assert "Line 4, column period_start" in body and "Line 4, column amount" in body
    assert "Nothing was imported" in body
    assert not CostEntry.objects.exists()
    good = (
        b"period_start,period_end,category,currency,amount\n"
        b'2025-01-01,2025-01-31,technology,EUR,"1,5"\n'
    )
    resp = client.post(url, {"file": SimpleUploadedFile("c.csv", good)})
    assert CostEntry.objects.get().amount == Decimal("1.50")
    assert AuditEvent.objects.filter(action="evidencehub.cost.imported").exists()
    bad_header = b"period_start,name\n2025-01-01,x\n"
    body = client.post(
        url, {"file": SimpleUploadedFile("c.csv", bad_header)}
    ).content.decode()
    assert "column name: Unknown column" in body


def test_api_crud_and_tenancy(cast: Any, api_for: Any) -> None:
    base = f"/api/v1/initiatives/{cast.initiative_a.slug}/inputs/"
    api = api_for(cast.staff_a)
    resp = api.post(
        base + "funding-sources/",
        {
            "funder_name": "Foundation X",
            "amount": "50000",
            "currency": "EUR",
            "start": "2025-01-01",
            "end": "2026-12-31",
            "recurrent": False,
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    assert api.post(base + "costs/", {"typo": 1}, format="json").status_code == 400
    assert api.get(base + "funding-sources/").json()[0]["funder"] == "Foundation X"
    assert api.get(base + "nonsense/").status_code == 404
    outsider = api_for(cast.admin_b)
    assert outsider.get(base + "funding-sources/").status_code == 404
    assert outsider.post(base + "costs/", {}, format="json").status_code == 404
    assert outsider.get(base + f"funding-sources/{pk}/").status_code == 404
    assert outsider.delete(base + f"funding-sources/{pk}/").status_code == 404
    kpi_url = (
        f"/api/v1/initiatives/{cast.initiative_a.slug}/operations-kpis/"
        "?from=2025-01-01&to=2025-12-31"
    )
    assert outsider.get(kpi_url).status_code == 404
    assert (
        outsider.get(
            f"/api/v1/initiatives/{cast.initiative_a.slug}/policy-matrix/"
        ).status_code
        == 404
    )
    assert (
        api_for(cast.viewer_a).delete(base + f"funding-sources/{pk}/").status_code
        == 403
    )
    data = api.get(kpi_url).json()
    assert data["S01"]["value"] == "1.0000"
    assert data["S01"]["method"] == "evidencehub.operations.s01@1"
    assert api.delete(base + f"funding-sources/{pk}/").status_code == 204
    assert not FundingSource.objects.exists()
    assert len(api.get("/api/v1/policy-goals/").json()) >= 11


def test_material_readability_scored_and_detail(cast: Any, api_for: Any) -> None:
    m = services.record_create(
        kind="material",
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        data={
            "title": "Leaflet",
            "kind": "leaflet",
            "language": "en",
            "text": "The cat sat on the mat. The dog ran.",
        },
    )
    assert isinstance(m, Material)
    assert m.score == Decimal("117.7") and m.meets_target is True
    assert m.method.startswith("evidencehub.readability@1")
    url = f"/api/v1/initiatives/{cast.initiative_a.slug}/inputs/materials/{m.pk}/"
    body = api_for(cast.viewer_a).get(url).json()
    assert body["readability"]["formula"] == "flesch_reading_ease"


def test_kpis_hand_computed(cast: Any) -> None:
    ini = cast.initiative_a
    y0, y1 = D(2025, 1, 1), D(2025, 12, 31)
    _cost(cast)  # 120,000 EUR for 2025
    assert kpis.compute(kpi_id="R01", initiative=ini, start=y0, end=y1) is None
    c04 = kpis.compute(
        kpi_id="C04",
        initiative=ini,
        start=y0,
        end=y1,
        counts={"completers": 600, "improved": 45, "linked": 150},
    )
    assert c04 is not None
    assert c04["value"] == Decimal("666.67")
    assert c04["method"] == "evidencehub.operations.c04@1"
    assert (
        abs(c04["lower"] - Decimal("529.7")) < 1
        and abs(c04["upper"] - Decimal("860.6")) < 1
    )
    assert "selection bias" in c04["notes"]
    c02 = kpis.compute(
        kpi_id="C02", initiative=ini, start=y0, end=y1, counts={"activated": 4000}
    )
    assert c02 is not None and c02["value"] == Decimal("30.00") and c02["n"] == 4000
    missing = kpis.compute(kpi_id="C04", initiative=ini, start=y0, end=y1)
    assert (
        missing is not None
        and missing["value"] is None
        and "Missing" in missing["notes"]
    )
    c05 = kpis.compute(kpi_id="C05", initiative=ini, start=y0, end=y1)
    assert c05 is not None and c05["value"] is None and "exchange rate" in c05["notes"]
    _cost(
        cast,
        currency="GBP",
        amount="300000",
        period_start="2027-01-01",
        period_end="2027-12-31",
    )
    c05 = kpis.compute(
        kpi_id="C05", initiative=ini, start=D(2027, 1, 1), end=D(2027, 12, 31)
    )
    assert c05 is not None and c05["value"] == Decimal("3.4")
    assert "pays for itself if it prevents 3.4 cases" in c05["notes"]
    # funding: 60/30/10 -> largest 60 %, HHI 0.46
    for name, amount in (("A", 60000), ("B", 30000), ("C", 10000)):
        services.record_create(
            kind="funding",
            actor=None,
            initiative=ini,
            data={
                "funder_name": name,
                "amount": amount,
                "currency": "EUR",
                "start": y0,
                "end": y1,
                "recurrent": name == "B",
                "founding": name == "C",
            },
        )
    s01 = kpis.compute(kpi_id="S01", initiative=ini, start=y0, end=y1)
    assert (
        s01 is not None
        and s01["value"] == Decimal("0.4600")
        and s01["largest_share"] == Decimal("60.0")
    )
    s03 = kpis.compute(
        kpi_id="S03", initiative=ini, start=D(2026, 1, 1), end=D(2026, 7, 31)
    )
    assert s03 is not None and s03["value"] is None  # no costs in 2026
    assert s03["months_after_founding_grant"] == 7 and s03["recurrent_share"] is None
    # S02 as of 2025-06-30: 100,000 x 184/365 = 50,410.96 left; the period's
    # cost 120,000 x 181/365 = 59,506.85 over 6 months = 9,917.81 a month
    # -> 50,410.96 / 9,917.81 = 5.08 -> 5.1 months
    s03 = kpis.compute(kpi_id="S03", initiative=ini, start=y0, end=y1)
    # recurrent B 30,000 of costs 120,000 -> 25 %
    assert s03 is not None and s03["recurrent_share"] == Decimal("0.3000")
    assert (s03["numerator"], s03["denominator"], s03["value"]) == (
        Decimal("30000.00"),
        Decimal("120000.00"),
        Decimal("25.0"),
    )
    s02 = kpis.compute(kpi_id="S02", initiative=ini, start=y0, end=D(2025, 6, 30))
    assert s02 is not None and s02["value"] == Decimal("5.1")


def test_staff_kpis(cast: Any) -> None:
    ini = cast.initiative_a
    posts = [
        services.record_create(
            kind="post",
            actor=None,
            initiative=ini,
            data={"label": f"Counsellor {i}", "fte": "1", "start": "2024-01-01"},
        )
        for i in range(4)
    ]
    for i, post in enumerate(posts[:3]):
        for module in ("TIP", "STS") if i < 2 else ("TIP",):
            services.record_create(
                kind="training",
                actor=None,
                initiative=ini,
                data={
                    "post": post.pk,
                    "module": module,
                    "mandatory": True,
                    "hours": 6,
                    "date": "2025-03-01",
                    "l1_rating": 4,
                    "knowledge_pre": 50,
                    "knowledge_post": 70,
                },
            )
    r = kpis.compute(
        kpi_id="ST01", initiative=ini, start=D(2025, 1, 1), end=D(2025, 12, 31)
    )
    assert r is not None and (r["numerator"], r["denominator"], r["value"]) == (
        2,
        4,
        Decimal("50.0"),
    )
    services.record_create(
        kind="staffperiod",
        actor=None,
        initiative=ini,
        data={
            "period_start": "2025-01-01",
            "period_end": "2025-03-31",
            "supervision_hours": 48,
            "leavers": 1,
            "sickness_days": 20,
            "headcount_start": 4,
            "headcount_end": 4,
        },
    )
    st08 = kpis.compute(
        kpi_id="ST08", initiative=ini, start=D(2025, 1, 1), end=D(2025, 3, 31)
    )
    assert st08 is not None and st08["value"] == Decimal("4.00")  # 48 / (4 FTE x 3)
    st09 = kpis.compute(
        kpi_id="ST09", initiative=ini, start=D(2025, 1, 1), end=D(2025, 3, 31)
    )
    assert st09 is not None and st09["value"] == Decimal("25.00")
    assert st09["sickness_days_per_fte"] == Decimal("5.00")
    st02 = kpis.compute(
        kpi_id="ST02", initiative=ini, start=D(2025, 1, 1), end=D(2025, 12, 31)
    )
    assert st02 is not None and st02["value"] == Decimal("20.00")
    assert st02["l1_mean"] == Decimal("4.00") and st02["n"] == 5


def test_policy_alignment_and_p01(cast: Any, client_for: Any) -> None:
    from evidencehub.apps.initiatives.services import logic_model_update

    ini = cast.initiative_a
    logic_model_update(
        actor=cast.admin_a,
        initiative=ini,
        parts={"outcomes_short": ["Less distress", "More help-seeking"]},
    )
    services.record_create(
        kind="alignment",
        actor=None,
        initiative=ini,
        data={"goal_key": "sdg_16_2", "outcome": "Less distress", "kpi_id": "R02"},
    )
    with pytest.raises(ValidationError):
        services.record_create(
            kind="alignment",
            actor=None,
            initiative=ini,
            data={"goal_key": "nope", "outcome": "x"},
        )
    p01 = kpis.compute(
        kpi_id="P01", initiative=ini, start=D(2025, 1, 1), end=D(2025, 12, 31)
    )
    assert p01 is not None and (p01["numerator"], p01["denominator"]) == (1, 2)
    slug = ini.slug
    client = client_for(cast.admin_a)
    body = client.get(f"/initiatives/{slug}/inputs/policy/").content.decode()
    assert "KPI has a target" in body  # R02 has a target in the cast's plan
    client.post(
        f"/initiatives/{slug}/inputs/policy/goals/",
        {
            "framework": "Nationaler Aktionsplan (synthetic)",
            "title": "Prevention",
            "source": "NAP 2024",
        },
    )
    assert (
        "Nationaler Aktionsplan"
        in client.get(f"/initiatives/{slug}/inputs/policy/").content.decode()
    )
    assert (
        client_for(cast.staff_a)
        .post(f"/initiatives/{slug}/inputs/policy/goals/", {})
        .status_code
        == 403
    )


def test_staff_pulse_hidden_below_threshold(cast: Any, settings: Any) -> None:
    from evidencehub.apps.instruments.models import InstrumentVersion
    from evidencehub.apps.instruments.services import (
        ensure_catalogue,
        questionnaire_create,
        response_submit,
    )
    from evidencehub.apps.operations import selectors

    settings.SUPPRESSION_THRESHOLD = 10
    ensure_catalogue()
    version = InstrumentVersion.objects.get(
        organisation__isnull=True, instrument_id="phq9"
    )
    q = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=version,
        occasion="single",
    )
    services.staff_pulse_set(
        actor=cast.admin_a, initiative=cast.initiative_a, questionnaire_id=q.pk
    )
    answers = {f"phq9_{i}": "1" for i in range(1, 10)}
    for _ in range(9):
        response_submit(questionnaire=q, answers=answers)
    pulse = selectors.staff_pulse(initiative=cast.initiative_a)
    assert pulse is not None and pulse.result is None
    response_submit(questionnaire=q, answers=answers)
    pulse = selectors.staff_pulse(initiative=cast.initiative_a)
    assert pulse is not None and pulse.result is not None
    assert (pulse.result.n, pulse.result.mean) == (10, Decimal("9.00"))
    with pytest.raises(ValidationError):
        services.staff_pulse_set(
            actor=None, initiative=cast.initiative_b, questionnaire_id=q.pk
        )


def test_demo_load_is_idempotent(cast: Any) -> None:
    from evidencehub.apps.initiatives.services import initiative_create
    from evidencehub.apps.operations import demo

    initiative_create(
        actor=cast.admin_a,
        organisation=cast.org_a,
        name="Demo helpline",
        slug="demo-helpline",
        intervention_type="helpline",
        prevention_level="secondary",
        delivery_mode="hybrid",
        target_groups=["own_thoughts_or_behaviour"],
        countries=["DE"],
        languages=["de"],
    )
    first = demo.load()
    assert first["costs"] > 20 and first["materials"] == 2
    assert demo.load() == {}
    assert demo.load(reset=True)["costs"] == first["costs"]
    from django.utils import timezone

    year = timezone.localdate().year - 1
    ini = cast.org_a.initiatives.get(slug="demo-helpline")
    results = kpis.compute_all(initiative=ini, start=D(year, 1, 1), end=D(year, 12, 31))
    assert results["S01"]["value"] is not None
    assert results["ST01"]["value"] == Decimal("80.0")  # 4 of 5 posts did both modules


def test_comprehension_answers_shown_with_materials(cast: Any, client_for: Any) -> None:
    from evidencehub.apps.instruments.models import InstrumentVersion
    from evidencehub.apps.instruments.services import (
        ensure_catalogue,
        questionnaire_create,
        response_submit,
    )
    from evidencehub.apps.operations import selectors

    ensure_catalogue()
    version = InstrumentVersion.objects.get(
        organisation__isnull=True, instrument_id="comprehension_check"
    )
    q = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=version,
        occasion="single",
    )
    assert selectors.comprehension(initiative=cast.initiative_a) is None
    for clear in ("2", "2", "2", "0"):
        response_submit(questionnaire=q, answers={"clear": clear, "for_me": "2"})
    c = selectors.comprehension(initiative=cast.initiative_a)
    assert c is not None and (c.clear, c.answered) == (3, 4)
    body = client_for(cast.viewer_a).get(
        f"/initiatives/{cast.initiative_a.slug}/inputs/materials/"
    )
    assert "3 of 4 people" in body.content.decode()
    assert selectors.comprehension(initiative=cast.initiative_b) is None


def test_training_form_offers_posts_by_label(cast: Any, client_for: Any) -> None:
    post = services.record_create(
        kind="post",
        actor=None,
        initiative=cast.initiative_a,
        data={"label": "Counsellor 7", "fte": "0.5", "start": "2025-01-01"},
    )
    url = f"/initiatives/{cast.initiative_a.slug}/inputs/staff/training/"
    client = client_for(cast.staff_a)
    assert f'<option value="{post.pk}">Counsellor 7</option>' in (
        client.get(url).content.decode()
    )
    resp = client.post(
        url,
        {"post": str(post.pk), "module": "STS", "hours": "3", "date": "2025-05-01"},
    )
    assert resp.status_code == 302
    assert post.training.get().module == "STS"
