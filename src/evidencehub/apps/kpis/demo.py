"""Synthetic demo data of this app, loaded by `evidencehub demo`: KPI results
computed from the other apps' synthetic data, for each demo initiative."""

from __future__ import annotations

from django.utils import timezone

from evidencehub.apps.initiatives.models import Initiative, KpiTarget
from evidencehub.apps.kpis.models import StoredResult
from evidencehub.apps.kpis.services import compute_and_store
from evidencehub.core.kpis.definitions import load_catalogue
from evidencehub.core.kpis.results import parse_period


def load(*, reset: bool = False) -> dict[str, int]:
    """Compute and store the core set (plus planned KPIs) of every demo
    initiative for this year (with its cells by channel, for the dashboard's
    breakdown filter), each quarter of it so far (for its trends) and the last
    12 months; idempotent."""
    cat = load_catalogue()
    today = timezone.now().date()
    year = parse_period(str(today.year))
    quarters = [
        parse_period(f"{today.year}-Q{q}") for q in range(1, (today.month - 1) // 3 + 2)
    ]
    periods = [
        *quarters,
        parse_period(
            f"{today.replace(year=today.year - 1).isoformat()}..{today.isoformat()}"
        ),
    ]
    stored = 0
    # The synthetic peer helplines of the benchmark demo have stored figures and
    # no collected data: computing them would overwrite their figures.
    demo = Initiative.objects.filter(slug__startswith="demo-").exclude(
        slug__startswith="demo-peer-"
    )
    for initiative in demo:
        if reset:
            StoredResult.objects.filter(initiative=initiative).delete()
        planned = KpiTarget.objects.filter(
            question__plan__initiative=initiative
        ).values_list("kpi_id", flat=True)
        ids = [k.id for k in cat.core_set(initiative.intervention_type)]
        ids += [k for k in planned if cat.get(k) is not None and k not in ids]
        _run, results = compute_and_store(
            initiative=initiative, period=year, kpi_ids=ids, breakdown="channel"
        )
        stored += len(results)
        for period in periods:
            _run, results = compute_and_store(
                initiative=initiative, period=period, kpi_ids=ids
            )
            stored += len(results)
    return {"kpi_results": stored}
