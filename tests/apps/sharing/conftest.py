"""KPI results for the sharing tests, computed by the real engine from
aggregate figures entered for organisation A's helpline."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

PERIOD = "2025-03"
# Text a spreadsheet would run as a formula (OWASP CSV injection examples),
# as notes of two stored totals large enough to be released.
FORMULAS = {"R01": '=HYPERLINK("http://example.invalid","x")', "R09": "@SUM(1+1)"}


def enter(initiative: Any, actor: Any, period: str, **values: int) -> None:
    from evidencehub.apps.collect.services import figure_save
    from evidencehub.core.collect.figures import validate_figure
    from evidencehub.core.kpis.results import parse_period

    p = parse_period(period)
    for element, value in values.items():
        clean, errors = validate_figure(
            {
                "element": element,
                "period_start": p.start,
                "period_end": p.end,
                "value": value,
                "source_system": "test telephony",
                "note": "Entered for a test.",
            },
            today=date(2026, 1, 1),
        )
        assert clean is not None, errors
        figure_save(actor=actor, initiative=initiative, clean=clean)


def store_breakdown(
    initiative: Any, period: str, cells: dict[str, int], kpi_id: str = "R02"
) -> None:
    """Count cells as the engine stores them (e.g. contacts by channel); a
    ``""`` group is a total with formula-like notes from ``FORMULAS``."""
    from django.utils import timezone

    from evidencehub.apps.kpis.models import StoredResult
    from evidencehub.core.kpis.results import parse_period

    p = parse_period(period)
    for group, n in cells.items():
        StoredResult.objects.create(
            organisation=initiative.organisation,
            initiative=initiative,
            kpi_id=kpi_id,
            kpi_version="1",
            period_label=p.label,
            period_kind=p.kind,
            period_start=p.start,
            period_end=p.end,
            breakdown="channel" if group else "",
            group=group,
            status="ok",
            value=n,
            numerator=n,
            n=n,
            unit="contacts",
            methods=[{"id": "evidencehub.kpis.engine", "version": "1"}],
            source="contact_records",
            notes="" if group else FORMULAS.get(kpi_id, ""),
            computed_at=timezone.now(),
        )


@pytest.fixture
def results(cast: Any) -> Any:
    """R02 (500 answered) and R03 (500 of 2,700) for 2025-03, R02 by channel
    with one cell (chat, 4) under the threshold, and two totals (R01, R09)
    whose notes look like formulas."""
    from evidencehub.apps.kpis.services import compute_and_store
    from evidencehub.core.kpis.results import parse_period

    enter(
        cast.initiative_a, cast.admin_a, PERIOD, calls_answered=500, calls_missed=2200
    )
    compute_and_store(
        initiative=cast.initiative_a,
        period=parse_period(PERIOD),
        kpi_ids=["R02", "R03"],
    )
    store_breakdown(cast.initiative_a, PERIOD, {"phone": 496, "chat": 4})
    for kpi_id in FORMULAS:
        store_breakdown(cast.initiative_a, PERIOD, {"": 1000}, kpi_id=kpi_id)
    return cast
