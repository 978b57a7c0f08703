"""Synthetic demo data of this app, loaded by `evidencehub demo`: five
invented peer helplines with KPI figures for this year, so the demo helpline
has enough peers for a benchmark. The figures are made up from a fixed seed;
no peer has any raw data."""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.accounts.services import organisation_create
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.services import initiative_create
from evidencehub.apps.kpis.models import StoredResult
from evidencehub.core.kpis.results import parse_period
from evidencehub.core.privacy.quantiles import bounds_for_unit

PEERS = 5
DEMO_HELPLINE = "demo-helpline"
COUNTRIES = ("BE", "CZ", "IE", "PT", "SE")


def _peer(i: int) -> Initiative:
    slug = f"demo-peer-{i}"
    org = Organisation.objects.filter(slug=slug).first() or organisation_create(
        actor=None,
        name=f"Synthetic peer helpline {i} (demo)",
        slug=slug,
        country=COUNTRIES[i - 1],
        description="A fictional organisation used for the demo. It does not exist.",
    )
    existing = Initiative.objects.filter(slug=f"demo-peer-helpline-{i}").first()
    if existing is not None:
        return existing
    return initiative_create(
        actor=None,  # type: ignore[arg-type]
        organisation=org,
        name=f"Synthetic peer helpline {i}",
        slug=f"demo-peer-helpline-{i}",
        description="Synthetic example peer for benchmarks. It does not exist.",
        intervention_type="helpline",
        prevention_level="secondary",
        delivery_mode="hybrid",
        target_groups=["own_thoughts_or_behaviour"],
        countries=[COUNTRIES[i - 1]],
        languages=["en"],
    )


@transaction.atomic
def load(*, reset: bool = False) -> dict[str, int]:
    """Create the peers and copy the demo helpline's bounded KPI totals for
    this year to each peer with a seeded random shift; idempotent."""
    period = parse_period(str(timezone.now().year))
    source = StoredResult.objects.filter(
        initiative__slug=DEMO_HELPLINE,
        period_start=period.start,
        period_end=period.end,
        breakdown="",
        status="ok",
    )
    rng = random.Random(7)  # noqa: S311 - synthetic figures, not security
    stored = 0
    for i in range(1, PEERS + 1):
        peer = _peer(i)
        if reset:
            StoredResult.objects.filter(initiative=peer).delete()
        for row in source:
            bounds = bounds_for_unit(row.unit)
            if bounds is None or row.value is None:
                continue
            lo, hi = bounds
            shift = rng.uniform(-0.2, 0.2) * (hi - lo)
            n = rng.randint(40, 240)
            _obj, created = StoredResult.objects.get_or_create(
                initiative=peer,
                kpi_id=row.kpi_id,
                period_start=period.start,
                period_end=period.end,
                breakdown="",
                group="",
                defaults={
                    "organisation_id": peer.organisation_id,
                    "kpi_version": row.kpi_version,
                    "period_label": period.label,
                    "period_kind": period.kind,
                    "status": "ok",
                    "value": min(hi, max(lo, row.value + shift)),
                    "n": n,
                    "unit": row.unit,
                    "methods": row.methods,
                    "source": row.source,
                    "notes": "Synthetic demo peer figure.",
                    "computed_at": timezone.now(),
                },
            )
            stored += created
    return {"benchmark_peer_results": stored}
