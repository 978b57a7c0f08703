"""The demo peers give the demo helpline enough peers for a benchmark."""

from __future__ import annotations

from typing import Any

import pytest

from evidencehub.apps.kpis.models import StoredResult
from evidencehub.apps.privacy import demo, services
from evidencehub.core.kpis.results import parse_period
from tests.apps.privacy.conftest import store

pytestmark = pytest.mark.django_db


def test_demo_peers_make_a_benchmark(cast: Any, settings: Any) -> None:
    from django.utils import timezone

    settings.SUPPRESSION_THRESHOLD = 10
    helpline = cast.initiative_a
    helpline.slug = "demo-helpline"
    helpline.save()
    year = timezone.now().year
    period = parse_period(str(year))
    for kpi, value, unit in (("R03", 40.0, "%"), ("R02", 300.0, "contacts")):
        row = store(helpline, kpi, value=value, n=150, unit=unit)
        row.period_label, row.period_start, row.period_end = (
            period.label,
            period.start,
            period.end,
        )
        row.save()
    assert demo.load() == {"benchmark_peer_results": 5}
    assert demo.load() == {"benchmark_peer_results": 0}  # idempotent
    peers = StoredResult.objects.filter(initiative__slug__startswith="demo-peer-")
    assert set(peers.values_list("kpi_id", flat=True)) == {"R03"}
    assert all(0 <= p.value <= 100 and "Synthetic" in p.notes for p in peers)
    bench, created = services.build_benchmark(
        intervention_type="helpline",
        kpi_id="R03",
        period=period,
        epsilon=0.5,
        actor=None,
    )
    assert created
    assert bench.result["peers"] == 6


def test_recomputing_the_demo_kpis_leaves_the_peers_figures_alone(
    cast: Any, settings: Any
) -> None:
    # `make run` a second time runs the KPI demo again: it must not replace
    # the peers' synthetic figures with "no data" (they have no collected data).
    from django.utils import timezone

    from evidencehub.apps.kpis import demo as kpis_demo

    settings.SUPPRESSION_THRESHOLD = 10
    cast.initiative_a.slug = "demo-helpline"
    cast.initiative_a.save()
    period = parse_period(str(timezone.now().year))
    row = store(cast.initiative_a, "R03", value=40.0, n=150, unit="%")
    row.period_label, row.period_start, row.period_end = (
        period.label,
        period.start,
        period.end,
    )
    row.save()
    assert demo.load() == {"benchmark_peer_results": 5}
    before = sorted(
        StoredResult.objects.filter(
            initiative__slug__startswith="demo-peer-"
        ).values_list("initiative__slug", "kpi_id", "status", "value")
    )
    assert before
    kpis_demo.load()
    after = sorted(
        StoredResult.objects.filter(
            initiative__slug__startswith="demo-peer-"
        ).values_list("initiative__slug", "kpi_id", "status", "value")
    )
    assert after == before
