"""Reads for initiatives. Everything is filtered by the organisations the caller
belongs to; nothing here returns another organisation's rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from evidencehub.apps.accounts.selectors import (
    CapabilityDenied,
    organisations_for_user,
    role_in,
)
from evidencehub.apps.initiatives.models import (
    EvaluationPlan,
    EvaluationQuestion,
    Initiative,
    LogicModel,
)
from evidencehub.core.data_protection import DataProtectionAnswers
from evidencehub.core.evidence import EvidenceCeiling, evidence_ceiling, plan_ceiling
from evidencehub.core.logic_model import DiagramLabels, render_svg
from evidencehub.core.permissions import Capability, Role, role_can


def initiatives_for_user(*, user: Any) -> QuerySet[Initiative]:
    return Initiative.objects.filter(
        organisation__in=organisations_for_user(user=user)
    ).select_related("organisation")


def initiative_for_user(
    *, user: Any, slug: str, capability: Capability = Capability.VIEW
) -> tuple[Initiative, Role]:
    """Return the initiative and the caller's role in its organisation.

    Raises:
        Http404: unknown slug or not a member of its organisation.
        CapabilityDenied: a member whose role lacks ``capability``.
    """
    initiative = initiatives_for_user(user=user).filter(slug=slug).first()
    if initiative is None:
        raise Http404("No such initiative")
    role = role_in(user=user, organisation=initiative.organisation)
    if role is None or not role_can(role, capability):
        raise CapabilityDenied(capability.value)
    return initiative, role


def plan_with_questions(*, initiative: Initiative) -> EvaluationPlan:
    plan, _created = EvaluationPlan.objects.prefetch_related(
        Prefetch(
            "questions",
            queryset=EvaluationQuestion.objects.prefetch_related("kpi_targets"),
        )
    ).get_or_create(initiative=initiative)
    return plan


def question_ceilings(
    *, plan: EvaluationPlan
) -> tuple[list[tuple[EvaluationQuestion, EvidenceCeiling]], EvidenceCeiling | None]:
    questions = list(plan.questions.all())
    pairs = [(q, evidence_ceiling(q.design)) for q in questions]
    return pairs, plan_ceiling([q.design for q in questions])


def data_protection_answers(
    *, plan: EvaluationPlan, suppression_threshold: int
) -> DataProtectionAnswers:
    return DataProtectionAnswers(
        purpose=plan.purpose,
        information_text=plan.information_text,
        data_collected=plan.data_collected,
        retention_days=plan.retention_days,
        safeguarding_route=plan.safeguarding_route,
        ethics_reference=plan.ethics_reference,
        suppression_threshold=suppression_threshold,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


__all__ = ["CapabilityDenied"]


def jrc_profile(*, initiative: Initiative) -> dict[str, object]:
    """The initiative described with the JRC 2023 (JRC131323) taxonomy."""
    from evidencehub.core.taxonomy.jrc import (
        EvaluationPlan as JrcPlan,
    )
    from evidencehub.core.taxonomy.jrc import (
        InitiativeProfile,
        export_jrc_profile,
        load_jrc_taxonomy,
    )

    plan = plan_with_questions(initiative=initiative)
    _pairs, ceiling = question_ceilings(plan=plan)
    evaluation = None
    if ceiling is not None:
        evaluation = JrcPlan(
            design=ceiling.design.value,
            evidence_level=f"SMS {ceiling.sms or '-'}; EIF {ceiling.eif or '-'}",
        )
    profile = InitiativeProfile(
        name=initiative.name,
        slug=initiative.slug,
        description=initiative.description,
        organisation_name=initiative.organisation.name,
        organisation_country=initiative.organisation.country,
        intervention_type=initiative.intervention_type,
        prevention_level=initiative.prevention_level,
        delivery_mode=initiative.delivery_mode,
        onion_service=initiative.onion_service,
        target_groups=tuple(initiative.target_groups),
        countries=tuple(initiative.countries),
        languages=tuple(initiative.languages),
        start_date=initiative.start_date,
        end_date=initiative.end_date,
        status=initiative.status,
        website=initiative.website or None,
        evaluation=evaluation,
        stage_in_justice=initiative.stage_in_justice,
    )
    exported = export_jrc_profile(profile, load_jrc_taxonomy())
    # The structured profile travels with the taxonomy so a description stays
    # comparable even where the JRC criteria themselves could not be confirmed.
    exported["profile"] = {
        "name": initiative.name,
        "organisation": initiative.organisation.name,
        "organisation_country": initiative.organisation.country,
        "intervention_type": initiative.intervention_type,
        "prevention_level": initiative.prevention_level,
        "delivery_mode": initiative.delivery_mode,
        "onion_service": initiative.onion_service,
        "target_groups": list(initiative.target_groups),
        "stage_in_justice": initiative.stage_in_justice,
        "countries": list(initiative.countries),
        "languages": list(initiative.languages),
        "start_date": _iso(initiative.start_date),
        "end_date": _iso(initiative.end_date),
        "status": initiative.status,
        "website": initiative.website or None,
        "evaluation_ceiling": (
            {"design": ceiling.design.value, "sms": ceiling.sms, "eif": ceiling.eif}
            if ceiling
            else None
        ),
    }
    return exported


def logic_model_diagram(model: LogicModel) -> str:
    """The logic model as an SVG diagram, labelled in the active language."""
    labels = DiagramLabels(
        title=_("Logic model"),
        inputs=_("Inputs"),
        activities=_("Activities"),
        outputs=_("Outputs"),
        outcomes=_("Outcomes"),
        short=_("Short term"),
        medium=_("Medium term"),
        long=_("Long term"),
        assumptions=_("Assumptions"),
        empty=_("(none yet)"),
    )
    return render_svg(model.as_core(), labels)
