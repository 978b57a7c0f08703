"""Reads of organisation inputs, and the counts other apps hold that the
cost KPIs divide by (answered contacts, activated users, completers, reliable
improvements)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Sum

from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.operations.models import (
    CostEntry,
    FundingSource,
    Material,
    OrganisationPolicyGoal,
    PolicyAlignment,
    StaffPeriod,
    StaffPost,
    StaffPulse,
    TrainingRecord,
)
from evidencehub.core.operations import staff as core_staff
from evidencehub.core.operations.costs import CostLine
from evidencehub.core.operations.funding import FundingLine
from evidencehub.core.operations.policy import PolicyGoal, catalogue

_MODELS: dict[str, Any] = {
    "cost": CostEntry,
    "funding": FundingSource,
    "post": StaffPost,
    "training": TrainingRecord,
    "staffperiod": StaffPeriod,
    "material": Material,
    "alignment": PolicyAlignment,
}


def records(*, kind: str, initiative: Initiative) -> QuerySet[Any]:
    qs = _MODELS[kind].objects.filter(initiative=initiative)
    if kind == "funding":
        qs = qs.select_related("funder")
    if kind == "training":
        qs = qs.select_related("post")
    return qs  # type: ignore[no-any-return]


def record(*, kind: str, initiative: Initiative, pk: int) -> Any:
    return records(kind=kind, initiative=initiative).filter(pk=pk).first()


def cost_lines(*, initiative: Initiative) -> list[CostLine]:
    return [
        CostLine(e.category, e.period_start, e.period_end, e.amount, e.currency)
        for e in CostEntry.objects.filter(initiative=initiative)
    ]


def funding_lines(*, initiative: Initiative) -> list[FundingLine]:
    return [
        FundingLine(
            funder=f.funder_key,
            amount=f.amount,
            currency=f.currency,
            start=f.start,
            end=f.end,
            recurrent=f.recurrent,
            restricted=f.restricted,
        )
        for f in records(kind="funding", initiative=initiative)
    ]


def funder_names(*, initiative: Initiative) -> dict[str, str]:
    return {
        f.funder_key: f.display_name
        for f in records(kind="funding", initiative=initiative)
    }


def posts_in_post(*, initiative: Initiative, on: date) -> list[StaffPost]:
    return [
        p
        for p in StaffPost.objects.filter(initiative=initiative, start__lte=on)
        if p.end is None or p.end >= on
    ]


def mean_fte(*, initiative: Initiative, start: date, end: date) -> Decimal:
    """Mean of the FTE in post at the start and at the end of the period."""
    a = sum((p.fte for p in posts_in_post(initiative=initiative, on=start)), Decimal(0))
    b = sum((p.fte for p in posts_in_post(initiative=initiative, on=end)), Decimal(0))
    return (a + b) / 2


def policy_goals(*, initiative: Initiative) -> list[PolicyGoal]:
    """Shipped goals then the organisation's own goals (keys ``org:<pk>``)."""
    own = [
        PolicyGoal(g.key, g.framework, g.title, "", g.source, g.url, g.year)
        for g in OrganisationPolicyGoal.objects.filter(
            organisation=initiative.organisation
        )
    ]
    return [*catalogue(), *own]


def outcomes(*, initiative: Initiative) -> list[str]:
    from evidencehub.apps.initiatives.models import LogicModel

    lm = LogicModel.objects.filter(initiative=initiative).first()
    if lm is None:
        return []
    return [
        str(o)
        for o in (*lm.outcomes_short, *lm.outcomes_medium, *lm.outcomes_long)
        if str(o).strip()
    ]


@dataclass(frozen=True)
class MatrixRow:
    goal: PolicyGoal
    outcome: str
    kpi_id: str
    note: str
    status: str  # "KPI has a target", "KPI without target", "no KPI"


def alignment_matrix(*, initiative: Initiative) -> list[MatrixRow]:
    """Goals x outcomes x KPIs with status: whether the KPI mapped has a
    target in the evaluation plan."""
    from evidencehub.apps.initiatives.models import KpiTarget

    goals = {g.id: g for g in policy_goals(initiative=initiative)}
    targeted = set(
        KpiTarget.objects.filter(question__plan__initiative=initiative)
        .exclude(target_value=None)
        .values_list("kpi_id", flat=True)
    )
    rows = []
    for a in records(kind="alignment", initiative=initiative):
        goal = goals.get(a.goal_key)
        if goal is None:
            continue
        if not a.kpi_id:
            status = "no KPI"
        elif a.kpi_id in targeted:
            status = "KPI has a target"
        else:
            status = "KPI without target"
        rows.append(MatrixRow(goal, a.outcome, a.kpi_id, a.note, status))
    return rows


# -- counts from other apps ------------------------------------------------------


def answered_contacts(
    *, initiative: Initiative, start: date, end: date
) -> tuple[int | None, str]:
    """R02-style count: calls answered + chats answered + e-mails received,
    from event-level data or entered aggregate figures (collect app)."""
    from evidencehub.apps.collect.selectors import figure_for_period

    total, parts = 0, []
    for element in ("calls_answered", "chats_answered", "emails_received"):
        fig = figure_for_period(
            initiative=initiative, element=element, start=start, end=end
        )
        if fig.value is not None:
            total += fig.value
            parts.append(f"{element} from {fig.source}")
    return (total if parts else None), "; ".join(parts)


def _module_events(
    initiative: Initiative, start: date, end: date, type_: str, first: bool
) -> tuple[int | None, str]:
    from evidencehub.apps.collect.models import CollectionSettings, DailyRollup

    cs = CollectionSettings.objects.filter(initiative=initiative).first()
    modules = list(cs.modules) if cs is not None else []
    if not modules:
        return None, "no programme modules declared in the collection settings"
    module = modules[0] if first else modules[-1]
    n = DailyRollup.objects.filter(
        initiative=initiative, day__gte=start, day__lte=end, type=type_, module=module
    ).aggregate(n=Sum("events"))["n"]
    if n is None:
        return None, f"no {type_} events for module {module!r} in the period"
    return int(n), f"{type_} events of module {module!r} (daily rollups)"


def activated_users(
    *, initiative: Initiative, start: date, end: date
) -> tuple[int | None, str]:
    """E01 count: sessions starting the first declared module."""
    return _module_events(initiative, start, end, "module_started", True)


def completers(
    *, initiative: Initiative, start: date, end: date
) -> tuple[int | None, str]:
    """E03 count: completions of the last declared module (the final module)."""
    return _module_events(initiative, start, end, "module_completed", False)


def reliable_improvement(*, initiative: Initiative) -> tuple[int, int, str] | None:
    """(improved, linked completers, where from): reliable improvement
    (recovered + improved, Jacobson-Truax) among linked baseline→end pairs of
    the initiative's questionnaires, from ``instruments.selectors.results``.
    All linked pairs to date (the instruments app does not filter pairs by
    period). None without any classified pair."""
    from evidencehub.apps.instruments import selectors as inst
    from evidencehub.apps.instruments.models import Occasion

    improved = linked = 0
    names = []
    pulse = (
        StaffPulse.objects.filter(initiative=initiative)
        .values_list("questionnaire_id", flat=True)
        .first()
    )
    for q in inst.questionnaires_for(initiative=initiative):
        if q.occasion != Occasion.END or q.pk == pulse:
            continue
        for comp in inst.results(questionnaire=q).comparisons:
            for m in comp.measures:
                if m.key == "total" and m.classification:
                    improved += m.classification.get(
                        "recovered", 0
                    ) + m.classification.get("improved", 0)
                    linked += sum(m.classification.values())
                    names.append(q.title)
    if not linked:
        return None
    return improved, linked, "linked pairs of " + ", ".join(names)


# -- staff pulse -------------------------------------------------------------------


@dataclass(frozen=True)
class PulseFigure:
    title: str
    threshold: int
    result: core_staff.Aggregate | None  # None: too few answers, suppressed


def staff_pulse(
    *, initiative: Initiative, start: date | None = None, end: date | None = None
) -> PulseFigure | None:
    """The pulse survey's mean valid total score, only when at least
    ``settings.SUPPRESSION_THRESHOLD`` staff answered; None when no pulse
    survey is set."""
    from evidencehub.apps.instruments.models import Response

    pulse = (
        StaffPulse.objects.filter(initiative=initiative)
        .select_related("questionnaire")
        .first()
    )
    if pulse is None:
        return None
    qs = Response.objects.filter(questionnaire=pulse.questionnaire).select_related(
        "score"
    )
    if start is not None:
        qs = qs.filter(submitted_hour__date__gte=start)
    if end is not None:
        qs = qs.filter(submitted_hour__date__lte=end)
    scores: list[Decimal] = []
    flagged = 0
    for r in qs:
        sc = getattr(r, "score", None)
        if sc is not None and sc.valid and sc.total is not None:
            scores.append(Decimal(sc.total))
            flagged += 1 if sc.above_cutoff else 0
    threshold = int(settings.SUPPRESSION_THRESHOLD)
    return PulseFigure(
        pulse.questionnaire.title,
        threshold,
        core_staff.aggregate_or_suppress(scores, threshold=threshold, flagged=flagged),
    )


@dataclass(frozen=True)
class Comprehension:
    """Answers to the shipped ``comprehension_check`` questionnaire(s): how
    many said the information was clear (value 2) of those who answered."""

    clear: int
    answered: int
    lower: float
    upper: float


def comprehension(
    *, initiative: Initiative, start: date | None = None, end: date | None = None
) -> Comprehension | None:
    """Self-reported clarity from the initiative's comprehension-check
    questionnaires (Wilson 95% interval); None without answers."""
    from evidencehub.apps.instruments.models import Response
    from evidencehub.core.stats.proportions import wilson_interval

    qs = Response.objects.filter(
        questionnaire__initiative=initiative,
        questionnaire__instrument_version__instrument_id="comprehension_check",
    )
    if start is not None:
        qs = qs.filter(submitted_hour__date__gte=start)
    if end is not None:
        qs = qs.filter(submitted_hour__date__lte=end)
    values = [r.answers.get("clear") for r in qs.only("answers")]
    answered = [int(v) for v in values if v is not None]
    if not answered:
        return None
    clear = sum(1 for v in answered if v == 2)
    p = wilson_interval(clear, len(answered))
    return Comprehension(clear, len(answered), p.lower, p.upper)
