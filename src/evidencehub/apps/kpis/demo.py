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
    initiative for this year and the last 12 months; idempotent."""
    cat = load_catalogue()
    today = timezone.now().date()
    periods = [
        parse_period(str(today.year)),
        parse_period(
            f"{today.replace(year=today.year - 1).isoformat()}..{today.isoformat()}"
        ),
    ]
    stored = 0
    for initiative in Initiative.objects.filter(slug__startswith="demo-"):
        if reset:
            StoredResult.objects.filter(initiative=initiative).delete()
        planned = KpiTarget.objects.filter(
            question__plan__initiative=initiative
        ).values_list("kpi_id", flat=True)
        ids = [k.id for k in cat.core_set(initiative.intervention_type)]
        ids += [k for k in planned if cat.get(k) is not None and k not in ids]
        for period in periods:
            _run, results = compute_and_store(
                initiative=initiative, period=period, kpi_ids=ids
            )
            stored += len(results)
    return {"kpi_results": stored}
