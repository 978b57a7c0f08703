"""Stored KPI results and peer initiatives of the same kind for privacy tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from evidencehub.core.kpis.results import parse_period

PERIOD = parse_period("2026")


def store(
    initiative: Any,
    kpi_id: str,
    *,
    value: float,
    n: int,
    unit: str = "%",
    breakdown: str = "",
    group: str = "",
) -> Any:
    from evidencehub.apps.kpis.models import StoredResult

    return StoredResult.objects.create(
        organisation_id=initiative.organisation_id,
        initiative=initiative,
        kpi_id=kpi_id,
        kpi_version="1",
        period_label=PERIOD.label,
        period_kind=PERIOD.kind,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        status="ok",
        value=value,
        numerator=value * n / 100 if unit == "%" else value,
        denominator=n if unit == "%" else None,
        n=n,
        unit=unit,
        methods=[{"id": "evidencehub.kpis.engine", "version": "1"}],
        source="contact_records",
        computed_at=datetime(2027, 1, 2, tzinfo=UTC),
        breakdown=breakdown,
        group=group,
    )


def make_peer(slug: str, *, intervention_type: str = "helpline") -> Any:
    from evidencehub.apps.accounts.models import User
    from evidencehub.apps.accounts.services import organisation_create
    from evidencehub.apps.initiatives.services import initiative_create

    admin = User.objects.create_user(f"admin-{slug}@example.org", "pw-long-enough-1")
    org = organisation_create(
        actor=admin, name=f"Org {slug}", slug=f"org-{slug}", country="AT"
    )
    return initiative_create(
        actor=admin,
        organisation=org,
        name=f"Peer {slug}",
        slug=f"peer-{slug}",
        intervention_type=intervention_type,
        prevention_level="secondary",
        delivery_mode="online",
        target_groups=["own_thoughts_or_behaviour"],
        countries=["AT"],
        languages=["de"],
    )


@pytest.fixture
def peers(cast: Any, settings: Any) -> Any:
    """Helpline A (42 % of 120), helpline B (55 % of 80), three more peer
    helplines with R03 for 2026, and one whose figure rests on 3 people (under
    the threshold of 10, so it must never be used)."""
    settings.SUPPRESSION_THRESHOLD = 10
    settings.EVIDENCEHUB_DP_EPSILON_PER_YEAR = 2.0
    store(cast.initiative_a, "R03", value=42.0, n=120)
    store(cast.initiative_b, "R03", value=55.0, n=80)
    extra = [make_peer(s) for s in ("c", "d", "e")]
    for i, ini in enumerate(extra):
        store(ini, "R03", value=30.0 + 10 * i, n=60 + i)
    small = make_peer("small")
    store(small, "R03", value=100.0, n=3)
    cast.extra_peers = extra
    cast.small_peer = small
    return cast
