"""Stored KPI results for two organisations and a signing key per test."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from evidencehub.core.kpis.results import parse_period

PERIOD = parse_period("2026")


def store(initiative: Any, kpi_id: str, *, n: int, numerator: float, **kw: Any) -> Any:
    from evidencehub.apps.kpis.models import StoredResult

    denominator = kw.pop("denominator", None)
    value = kw.pop("value", numerator / denominator * 100 if denominator else numerator)
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
        numerator=numerator,
        denominator=denominator,
        n=n,
        unit=kw.pop("unit", "%" if denominator else "contacts"),
        methods=[{"id": "evidencehub.kpis.engine", "version": "1"}],
        source="contact_records",
        computed_at=datetime(2027, 1, 2, tzinfo=UTC),
        **kw,
    )


@pytest.fixture
def key_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "bundle_signing_key.pem"
    settings.EVIDENCEHUB_BUNDLE_KEY_FILE = str(path)
    settings.SUPPRESSION_THRESHOLD = 10
    return path


@pytest.fixture
def figures(cast: Any, key_file: Path) -> Any:
    """Org A: 240 contacts (R01), 3 of 7 (R02, under the threshold), 30 of 120
    (E01). Org B: 180 contacts, 12 of 40."""
    store(cast.initiative_a, "R01", n=240, numerator=240)
    store(cast.initiative_a, "R02", n=7, numerator=3, denominator=7)
    store(cast.initiative_a, "E01", n=120, numerator=30, denominator=120)
    store(cast.initiative_b, "R01", n=180, numerator=180)
    store(cast.initiative_b, "R02", n=40, numerator=12, denominator=40)
    return cast
