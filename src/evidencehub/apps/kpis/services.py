"""Writes: compute and store KPI results (idempotent, resumable) and propose
core KPIs into an evaluation plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.initiatives.models import EvaluationQuestion, Initiative
from evidencehub.apps.initiatives.services import question_save
from evidencehub.apps.kpis import engine
from evidencehub.apps.kpis.models import KpiRun, StoredResult
from evidencehub.core.kpis.definitions import load_catalogue
from evidencehub.core.kpis.results import BREAKDOWNS, KpiResult, Period

MAX_KPIS_PER_RUN = 100


def _store(
    *,
    initiative: Initiative,
    run: KpiRun,
    results: list[KpiResult],
    kpi_id: str,
    period: Period,
) -> None:
    """Replace the stored total of ``kpi_id`` x ``period`` and the cells of the
    breakdowns this run computed, in one transaction, so a crash leaves either
    the old or the new results, never a mix. Cells of other breakdowns stay
    until they are computed again (computing by locale keeps the channel
    cells)."""
    now = timezone.now()
    replaced = {"", run.breakdown, *(r.breakdown for r in results)}
    with transaction.atomic():
        StoredResult.objects.filter(
            organisation_id=initiative.organisation_id,
            initiative=initiative,
            kpi_id=kpi_id,
            period_start=period.start,
            period_end=period.end,
            breakdown__in=replaced,
        ).delete()
        StoredResult.objects.bulk_create(
            [
                StoredResult(
                    organisation_id=initiative.organisation_id,
                    initiative=initiative,
                    run=run,
                    kpi_id=r.kpi_id,
                    kpi_version=r.kpi_version,
                    period_label=period.label,
                    period_kind=period.kind,
                    period_start=period.start,
                    period_end=period.end,
                    breakdown=r.breakdown,
                    group=r.group[:64],
                    status=r.status,
                    value=r.value,
                    numerator=r.numerator,
                    denominator=r.denominator,
                    lower=r.lower,
                    upper=r.upper,
                    n=r.n,
                    unit=r.unit[:40],
                    methods=[{"id": m.id, "version": m.version} for m in r.methods],
                    source=r.source,
                    notes=r.notes[:500],
                    details=r.details,
                    computed_at=now,
                )
                for r in results
            ]
        )
        done = [*run.done, kpi_id]
        KpiRun.objects.filter(pk=run.pk).update(done=done)
        run.done = done


def compute_and_store(
    *,
    initiative: Initiative,
    period: Period,
    kpi_ids: list[str] | None = None,
    breakdown: str = "",
    actor: User | None = None,
) -> tuple[KpiRun, list[KpiResult]]:
    """Compute ``kpi_ids`` (default: the whole catalogue) for ``initiative``
    and ``period`` and store them.

    Idempotent: recomputing replaces each KPI's cells. Resumable: if a run for
    the same initiative, period, breakdown and KPI set was left ``started``
    (a crash), it is continued and KPIs already done are not recomputed.

    Raises:
        ValidationError: ``{"kpi": ...}`` unknown KPI id; ``{"breakdown": ...}``.
    """
    cat = load_catalogue()
    ids = list(dict.fromkeys(kpi_ids)) if kpi_ids else [k.id for k in cat.kpis]
    unknown = [i for i in ids if cat.get(i) is None]
    if unknown:
        raise ValidationError({"kpi": f"Unknown KPI: {', '.join(unknown)}."})
    if len(ids) > MAX_KPIS_PER_RUN:
        raise ValidationError({"kpi": f"At most {MAX_KPIS_PER_RUN} KPIs per run."})
    if breakdown and breakdown not in BREAKDOWNS:
        raise ValidationError(
            {"breakdown": f"Must be one of: {', '.join(BREAKDOWNS)}."}
        )
    run = (
        KpiRun.objects.filter(
            organisation_id=initiative.organisation_id,
            initiative=initiative,
            period_label=period.label,
            breakdown=breakdown,
            kpi_ids=ids,
            state=KpiRun.State.STARTED,
        )
        .order_by("-started_at")
        .first()
    )
    resumed = run is not None
    if run is None:
        run = KpiRun.objects.create(
            organisation_id=initiative.organisation_id,
            initiative=initiative,
            period_label=period.label,
            breakdown=breakdown,
            kpi_ids=ids,
            state=KpiRun.State.STARTED,
            started_at=timezone.now(),
            actor=actor,
        )
    cache: dict[Any, Any] = {}
    for kid in ids:
        if kid in run.done:
            continue
        ctx = engine.Context(
            organisation_id=initiative.organisation_id,
            initiative_id=initiative.pk,
            intervention_type=initiative.intervention_type,
            period=period,
            kpi=cat[kid],
            breakdown=breakdown,
            cache=cache,
        )
        _store(
            initiative=initiative,
            run=run,
            results=engine.compute(ctx),
            kpi_id=kid,
            period=period,
        )
    KpiRun.objects.filter(pk=run.pk).update(
        state=KpiRun.State.DONE, finished_at=timezone.now()
    )
    run.state = KpiRun.State.DONE
    audit_record(
        action="evidencehub.kpi_run.completed",
        actor=actor,
        organisation=initiative.organisation,
        obj=run,
        data={
            "initiative": initiative.slug,
            "period": period.label,
            "kpis": len(ids),
            "resumed": resumed,
        },
        actor_label="" if actor else "kpi engine",
    )
    from evidencehub.apps.kpis.selectors import stored

    return run, stored(
        initiative=initiative, period=period, kpi_ids=ids, with_groups=True
    )


CORE_QUESTION = "Is this working? Core criteria for success"


def propose_core_kpis(
    *,
    actor: User,
    initiative: Initiative,
    kpi_ids: list[str],
    targets: dict[str, Decimal | None] | None = None,
    design: str = "routine_monitoring",
) -> EvaluationQuestion:
    """Add the chosen KPIs as targets of the plan's core-criteria question
    (created if missing) through ``initiatives.services.question_save``; KPIs
    the question already has are kept with their targets.

    Raises:
        ValidationError: ``{"kpis": ...}`` none chosen or unknown ids, or the
            errors of ``question_save``.
    """
    cat = load_catalogue()
    chosen = list(dict.fromkeys(kpi_ids))
    if not chosen:
        raise ValidationError({"kpis": "Choose at least one KPI."})
    unknown = [k for k in chosen if cat.get(k) is None]
    if unknown:
        raise ValidationError({"kpis": f"Unknown KPI: {', '.join(unknown)}."})
    question = (
        EvaluationQuestion.objects.filter(
            plan__initiative=initiative,
            plan__initiative__organisation_id=initiative.organisation_id,
            text=CORE_QUESTION,
        )
        .prefetch_related("kpi_targets")
        .first()
    )
    existing: list[dict[str, Any]] = []
    if question is not None:
        for t in question.kpi_targets.all():
            existing.append(
                {
                    "kpi_id": t.kpi_id,
                    "target_value": t.target_value,
                    "direction": t.direction,
                    "unit": t.unit,
                    "target_date": t.target_date,
                    "notes": t.notes,
                }
            )
    have = {e["kpi_id"] for e in existing}
    for kid in chosen:
        if kid in have:
            continue
        kpi = cat[kid]
        existing.append(
            {
                "kpi_id": kid,
                "target_value": (targets or {}).get(kid),
                "direction": "at_most" if kpi.better == "lower" else "at_least",
                "unit": kpi.unit[:40],
                "notes": f"{kpi.name} (v{kpi.version}), core set",
            }
        )
    return question_save(
        actor=actor,
        initiative=initiative,
        text=CORE_QUESTION,
        design=question.design if question else design,
        design_notes=question.design_notes if question else "",
        kpi_targets=existing,
        question=question,
    )
