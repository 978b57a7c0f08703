"""Scorecards: a KPI result against its target, said honestly.

Classification (method ``evidencehub.kpis.scorecard`` v1):

* ``insufficient_data`` - no value, or ``n`` below the KPI's minimum n;
* ``met`` / ``not_met`` - the whole 95% interval lies on one side of the
  target (or, without an interval, the value does);
* ``inconclusive`` - the interval straddles the target;
* ``no_target`` - the plan names the KPI but sets no target value;
* ``unit_mismatch`` - the target is a percentage and the KPI is not, or the
  other way round (see :func:`units_compatible`): no verdict is given.

Directions follow ``initiatives.models.Direction``: ``at_least`` and
``increase`` (to) want the value at or above the target; ``at_most`` and
``decrease`` (to) want it at or below; ``maintain`` wants it at or above.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evidencehub.core.kpis.definitions import KpiDefinition
from evidencehub.core.kpis.results import KpiResult

SCORECARD_METHOD = ("evidencehub.kpis.scorecard", "1")
MET, NOT_MET, INCONCLUSIVE = "met", "not_met", "inconclusive"
INSUFFICIENT, NO_TARGET = "insufficient_data", "no_target"
UNIT_MISMATCH = "unit_mismatch"
LABELS = {
    MET: "Met",
    NOT_MET: "Not met",
    INCONCLUSIVE: "Inconclusive",
    INSUFFICIENT: "Insufficient data",
    NO_TARGET: "No target set",
    UNIT_MISMATCH: "Target unit differs from the KPI's unit",
}
UPWARD = frozenset({"at_least", "increase", "maintain"})


def units_compatible(target_unit: str, kpi_unit: str) -> bool:
    """False when exactly one of the two units is a percentage; an empty
    target unit is compatible with anything."""
    if not target_unit.strip():
        return True
    return ("%" in target_unit) == ("%" in kpi_unit)


def classify(
    result: KpiResult | None,
    *,
    target: float | None,
    direction: str,
    min_n: int,
    unit_ok: bool = True,
) -> str:
    """Return one of ``met``, ``not_met``, ``inconclusive``,
    ``insufficient_data``, ``no_target``, ``unit_mismatch``.

    Raises:
        ValueError: unknown ``direction``.
    """
    if direction not in UPWARD | {"at_most", "decrease"}:
        raise ValueError(f"unknown direction {direction!r}")
    if result is None or not result.has_value or result.value is None:
        return INSUFFICIENT
    if min_n and result.n < min_n:
        return INSUFFICIENT
    if target is None:
        return NO_TARGET
    if not unit_ok:
        return UNIT_MISMATCH
    lo = result.lower if result.lower is not None else result.value
    hi = result.upper if result.upper is not None else result.value
    if direction in UPWARD:
        if lo >= target:
            return MET
        if hi < target:
            return NOT_MET
        return INCONCLUSIVE
    if hi <= target:
        return MET
    if lo > target:
        return NOT_MET
    return INCONCLUSIVE


def trend(values: Sequence[float | None], better: str) -> str:
    """Compare the last value with the one before: ``improving``,
    ``worsening``, ``stable`` (within 1% of the earlier value), ``up``/
    ``down`` when the KPI has no better direction, or ``""`` when fewer than
    two values exist."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    prev, last = known[-2], known[-1]
    if abs(last - prev) <= 0.01 * max(abs(prev), 1e-9):
        return "stable"
    up = last > prev
    if better == "higher":
        return "improving" if up else "worsening"
    if better == "lower":
        return "worsening" if up else "improving"
    return "up" if up else "down"


@dataclass(frozen=True)
class BenefitWarning:
    code: str
    message: str


def counting_is_not_benefit(
    kpis: Sequence[KpiDefinition], results: dict[str, KpiResult | None]
) -> BenefitWarning | None:
    """The warning a plan or scorecard shows at the top, or ``None``.

    * no outcome or impact KPI at all -> ``no_outcome_kpi``;
    * outcome KPIs exist but none has a value with ``n >= min_n`` ->
      ``no_outcome_data``.
    """
    outcomes = [k for k in kpis if k.is_outcome]
    if not outcomes:
        return BenefitWarning(
            "no_outcome_kpi",
            "This plan measures activity and reach only. Counting contacts or "
            "visits shows that the service is used, not that it helps anyone: "
            "add at least one outcome KPI (for example W02, W08 or B04).",
        )
    for k in outcomes:
        r = results.get(k.id)
        if r is not None and r.has_value and r.n >= max(k.min_n, 1):
            return None
    return BenefitWarning(
        "no_outcome_data",
        "None of this plan's outcome KPIs has enough data yet, so nothing here "
        "shows benefit to anyone. The counts below show use of the service only.",
    )
