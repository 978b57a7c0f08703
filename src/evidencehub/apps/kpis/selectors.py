"""Reads: stored results, scorecards, evidence level. Tenancy is resolved by
the caller (``initiative_required`` / ``api_initiative``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from evidencehub.apps.initiatives.models import (
    EvaluationQuestion,
    Initiative,
    KpiTarget,
)
from evidencehub.apps.kpis.models import StoredResult
from evidencehub.core.evidence import EvidenceCeiling, plan_ceiling
from evidencehub.core.kpis.definitions import KpiDefinition, load_catalogue
from evidencehub.core.kpis.evidence import EvidenceReached, evidence_reached
from evidencehub.core.kpis.results import KpiResult, Method, Period
from evidencehub.core.kpis.scorecard import (
    LABELS,
    SCORECARD_METHOD,
    BenefitWarning,
    classify,
    counting_is_not_benefit,
    trend,
    units_compatible,
)


def plan_ceiling_for(
    initiative_id: int, organisation_id: int
) -> EvidenceCeiling | None:
    designs = list(
        EvaluationQuestion.objects.filter(
            plan__initiative_id=initiative_id,
            plan__initiative__organisation_id=organisation_id,
        ).values_list("design", flat=True)
    )
    return plan_ceiling(designs)


def to_result(row: StoredResult) -> KpiResult:
    return KpiResult(
        kpi_id=row.kpi_id,
        kpi_version=row.kpi_version,
        period=Period(
            row.period_start, row.period_end, row.period_kind, row.period_label
        ),
        status=row.status,
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
        lower=row.lower,
        upper=row.upper,
        n=row.n,
        unit=row.unit,
        methods=tuple(Method(m["id"], m["version"]) for m in row.methods),
        source=row.source,
        breakdown=row.breakdown,
        group=row.group,
        notes=row.notes,
        details=row.details,
        computed_at=row.computed_at,
    )


def stored(
    *,
    initiative: Initiative,
    period: Period,
    kpi_ids: list[str] | None = None,
    with_groups: bool = False,
) -> list[KpiResult]:
    qs = StoredResult.objects.filter(
        organisation_id=initiative.organisation_id,
        initiative=initiative,
        period_start=period.start,
        period_end=period.end,
    )
    if not with_groups:
        qs = qs.filter(breakdown="")
    if kpi_ids:
        qs = qs.filter(kpi_id__in=kpi_ids)
    return [to_result(r) for r in qs]


def stored_periods(*, initiative: Initiative) -> list[str]:
    return sorted(
        set(
            StoredResult.objects.filter(
                organisation_id=initiative.organisation_id, initiative=initiative
            ).values_list("period_label", flat=True)
        ),
        reverse=True,
    )


def series(
    *, initiative: Initiative, kpi_id: str, kind: str, until: date
) -> list[KpiResult]:
    """Stored totals of one KPI for earlier periods of the same kind."""
    rows = StoredResult.objects.filter(
        organisation_id=initiative.organisation_id,
        initiative=initiative,
        kpi_id=kpi_id,
        period_kind=kind,
        breakdown="",
        period_end__lte=until,
    ).order_by("period_start")
    return [to_result(r) for r in rows]


@dataclass
class ScoreLine:
    target: KpiTarget
    kpi: KpiDefinition | None
    result: KpiResult | None
    status: str
    status_label: str
    trend: str
    history: list[KpiResult] = field(default_factory=list)


@dataclass
class Scorecard:
    initiative: Initiative
    period: Period
    lines: list[ScoreLine]
    warning: BenefitWarning | None
    method: str = f"{SCORECARD_METHOD[0]} v{SCORECARD_METHOD[1]}"
    unknown: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "initiative": self.initiative.slug,
            "period": self.period.label,
            "method": self.method,
            "warning": self.warning.message if self.warning else None,
            "warning_code": self.warning.code if self.warning else None,
            "lines": [
                {
                    "kpi_id": ln.target.kpi_id,
                    "kpi_version": ln.kpi.version if ln.kpi else None,
                    "level": ln.kpi.level if ln.kpi else None,
                    "direction": ln.target.direction,
                    "target": None
                    if ln.target.target_value is None
                    else float(ln.target.target_value),
                    "status": ln.status,
                    "value": ln.result.value if ln.result else None,
                    "lower": ln.result.lower if ln.result else None,
                    "upper": ln.result.upper if ln.result else None,
                    "n": ln.result.n if ln.result else 0,
                    "trend": ln.trend,
                    "provenance": ln.result.provenance() if ln.result else None,
                }
                for ln in self.lines
            ],
        }


def scorecard(*, initiative: Initiative, period: Period) -> Scorecard:
    """Each KPI target of the plan against the stored result for ``period``."""
    cat = load_catalogue()
    targets = list(
        KpiTarget.objects.filter(
            question__plan__initiative=initiative,
            question__plan__initiative__organisation_id=initiative.organisation_id,
        ).order_by("question__position", "id")
    )
    results = {r.kpi_id: r for r in stored(initiative=initiative, period=period)}
    lines: list[ScoreLine] = []
    kpis: list[KpiDefinition] = []
    unknown: list[str] = []
    for t in targets:
        kpi = cat.get(t.kpi_id)
        if kpi is None:
            unknown.append(t.kpi_id)
        else:
            kpis.append(kpi)
        res = results.get(t.kpi_id)
        status = classify(
            res,
            target=None if t.target_value is None else float(t.target_value),
            direction=t.direction,
            min_n=kpi.min_n if kpi else 0,
            unit_ok=units_compatible(t.unit, kpi.unit) if kpi else True,
        )
        hist = series(
            initiative=initiative, kpi_id=t.kpi_id, kind=period.kind, until=period.end
        )
        lines.append(
            ScoreLine(
                target=t,
                kpi=kpi,
                result=res,
                status=status,
                status_label=LABELS[status],
                trend=trend([h.value for h in hist], kpi.better if kpi else "neutral"),
                history=hist[-6:],
            )
        )
    warning = counting_is_not_benefit(kpis, dict(results)) if targets else None
    if not targets:
        warning = BenefitWarning(
            "no_targets",
            "This plan has no KPI targets yet, so nothing says what success looks "
            "like. Propose the core set for this kind of initiative.",
        )
    return Scorecard(initiative, period, lines, warning, unknown=unknown)


def evidence(*, initiative: Initiative, period: Period) -> EvidenceReached:
    """Evidence level reached now for ``period`` (SQL via the engine)."""
    from evidencehub.apps.kpis import engine

    ctx = engine.Context(
        organisation_id=initiative.organisation_id,
        initiative_id=initiative.pk,
        intervention_type=initiative.intervention_type,
        period=period,
        kpi=load_catalogue()["S04"],
    )
    return evidence_reached(
        ceiling=plan_ceiling_for(initiative.pk, initiative.organisation_id),
        linked_pairs=engine.linked_pairs(ctx),
        within_contact_pairs=engine.within_contact_pairs(ctx),
    )
