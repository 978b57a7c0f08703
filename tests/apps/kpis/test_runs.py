"""Idempotent, resumable runs; every engine query filters by organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidencehub.apps.kpis import engine
from evidencehub.apps.kpis.models import KpiRun, StoredResult
from evidencehub.apps.kpis.services import compute_and_store
from evidencehub.core.kpis import load_catalogue, parse_period
from tests.apps.kpis.conftest import contact, rollup

Y = parse_period("2026")


def test_every_engine_query_filters_by_organisation(cast: Any, when: Any) -> None:
    i = cast.initiative_a
    contact(i, date(2026, 2, 1), distress_start=5, distress_end=3)
    rollup(i, date(2026, 2, 1), "page_view", 5, visitor_days=3)
    cat = load_catalogue()
    seen = 0
    for kpi in cat.kpis:
        if kpi.computed_by != "engine":
            continue
        ctx = engine.Context(
            organisation_id=i.organisation_id,
            initiative_id=i.pk,
            intervention_type=i.intervention_type,
            period=Y,
            kpi=kpi,
            breakdown="channel",
        )
        with CaptureQueriesContext(connection) as captured:
            engine.compute(ctx)
        for q in captured.captured_queries:
            sql = q["sql"].lower()
            if "select" not in sql:
                continue
            seen += 1
            assert "organisation_id" in sql, f"{kpi.id}: {q['sql']}"
    assert seen > 30


def test_guard_refuses_unfiltered_sql(db: Any) -> None:
    with pytest.raises(AssertionError):
        engine._rows("SELECT COUNT(*) FROM collect_contactrecord", [])


def test_recompute_is_idempotent(cast: Any) -> None:
    i = cast.initiative_a
    contact(i, date(2026, 2, 1))
    compute_and_store(initiative=i, period=Y, kpi_ids=["R02", "R03"])
    first = list(StoredResult.objects.values_list("kpi_id", "value"))
    contact(i, date(2026, 2, 2))
    compute_and_store(initiative=i, period=Y, kpi_ids=["R02", "R03"])
    compute_and_store(initiative=i, period=Y, kpi_ids=["R02", "R03"])
    assert StoredResult.objects.count() == 2
    assert dict(first)["R02"] == 1
    assert StoredResult.objects.get(kpi_id="R02").value == 2
    assert KpiRun.objects.filter(state="done").count() == 3


def test_crashed_run_resumes(cast: Any, monkeypatch: Any) -> None:
    i = cast.initiative_a
    contact(i, date(2026, 2, 1))
    real = engine.compute
    calls: list[str] = []

    def crashing(ctx: Any) -> Any:
        calls.append(ctx.kpi.id)
        if ctx.kpi.id == "R03" and calls.count("R03") == 1:
            raise RuntimeError("power cut")
        return real(ctx)

    monkeypatch.setattr(engine, "compute", crashing)
    with pytest.raises(RuntimeError):
        compute_and_store(initiative=i, period=Y, kpi_ids=["R02", "R03", "R05"])
    run = KpiRun.objects.get()
    assert (run.state, run.done) == ("started", ["R02"])
    compute_and_store(initiative=i, period=Y, kpi_ids=["R02", "R03", "R05"])
    run.refresh_from_db()
    assert run.state == "done"
    assert calls == ["R02", "R03", "R03", "R05"]  # R02 not recomputed
    assert StoredResult.objects.count() == 3


def test_unknown_kpi_and_breakdown_refused(cast: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        compute_and_store(initiative=cast.initiative_a, period=Y, kpi_ids=["ZZ99"])
    assert "kpi" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        compute_and_store(
            initiative=cast.initiative_a, period=Y, kpi_ids=["R02"], breakdown="age"
        )
    assert "breakdown" in exc.value.message_dict


def test_run_is_audited(cast: Any) -> None:
    from evidencehub.apps.audit.models import AuditEvent

    compute_and_store(initiative=cast.initiative_a, period=Y, kpi_ids=["R02"])
    assert AuditEvent.objects.filter(action="evidencehub.kpi_run.completed").exists()


def test_computing_one_breakdown_keeps_the_cells_of_another(cast: Any) -> None:
    from evidencehub.apps.kpis.models import StoredResult
    from evidencehub.apps.kpis.services import compute_and_store
    from evidencehub.core.kpis.results import parse_period
    from tests.apps.kpis.conftest import contact

    for channel in ("phone", "chat"):
        contact(cast.initiative_a, date(2026, 3, 2), channel=channel)
    period = parse_period("2026")

    def cells(breakdown: str) -> int:
        return StoredResult.objects.filter(
            initiative=cast.initiative_a, kpi_id="R02", breakdown=breakdown
        ).count()

    compute_and_store(
        initiative=cast.initiative_a,
        period=period,
        kpi_ids=["R02"],
        breakdown="channel",
        actor=cast.admin_a,
    )
    by_channel = cells("channel")
    assert by_channel >= 2
    compute_and_store(
        initiative=cast.initiative_a,
        period=period,
        kpi_ids=["R02"],
        breakdown="locale",
        actor=cast.admin_a,
    )
    compute_and_store(
        initiative=cast.initiative_a, period=period, kpi_ids=["R02"], actor=cast.admin_a
    )
    assert cells("channel") == by_channel
    assert cells("") == 1
