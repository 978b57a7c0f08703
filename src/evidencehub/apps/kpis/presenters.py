"""Plain dicts of results and definitions, shared by API, pages, CLI."""

from __future__ import annotations

from typing import Any

from evidencehub.core.kpis.definitions import KpiDefinition
from evidencehub.core.kpis.results import KpiResult

STATUS_TEXT = {
    "ok": "computed",
    "no_data": "no data for this period",
    "inputs_not_available": "inputs not available yet",
    "not_computed_yet": "not computed by the engine yet",
}


def result_dict(r: KpiResult) -> dict[str, Any]:
    return {
        "kpi_id": r.kpi_id,
        "kpi_version": r.kpi_version,
        "period": r.period.label,
        "period_start": r.period.start.isoformat(),
        "period_end": r.period.end.isoformat(),
        "status": r.status,
        "value": r.value,
        "numerator": r.numerator,
        "denominator": r.denominator,
        "lower": r.lower,
        "upper": r.upper,
        "n": r.n,
        "unit": r.unit,
        "methods": [f"{m.id} v{m.version}" for m in r.methods],
        "source": r.source,
        "breakdown": r.breakdown,
        "group": r.group,
        "notes": r.notes,
        "details": r.details,
        "computed_at": r.computed_at.isoformat() if r.computed_at else None,
    }


def value_text(r: KpiResult | None) -> str:
    if r is None:
        return "not computed"
    if not r.has_value or r.value is None:
        return STATUS_TEXT.get(r.status, r.status)
    text = f"{r.value:,.1f}" if abs(r.value) < 1e6 else f"{r.value:,.0f}"
    if r.lower is not None and r.upper is not None:
        text += f" (95% CI {r.lower:,.1f} to {r.upper:,.1f})"
    return f"{text} {r.unit}".strip()


def kpi_dict(k: KpiDefinition) -> dict[str, Any]:
    d = k.as_dict()
    d["formula_text"] = k.formula.text()
    d["key"] = k.key
    return d
