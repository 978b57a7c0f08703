"""Writes for initiatives, logic models and evaluation plans. Every write is
validated (errors name the field), audited and atomic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from evidencehub.apps.accounts.models import Organisation, User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.initiatives.models import (
    EvaluationPlan,
    EvaluationQuestion,
    Initiative,
    KpiTarget,
    LogicModel,
    TargetGroup,
)
from evidencehub.core.logic_model import LOGIC_MODEL_PARTS, clean_items
from evidencehub.core.validation import normalise_country, normalise_language

INITIATIVE_FIELDS = (
    "name",
    "slug",
    "description",
    "intervention_type",
    "prevention_level",
    "delivery_mode",
    "onion_service",
    "target_groups",
    "stage_in_justice",
    "countries",
    "languages",
    "start_date",
    "end_date",
    "status",
    "website",
)
MAX_KPIS_PER_QUESTION = 20
PLAN_FIELDS = (
    "summary",
    "purpose",
    "information_text",
    "data_collected",
    "retention_days",
    "safeguarding_route",
    "ethics_reference",
    "ethics_body",
)


def _code_list(value: Any, *, field: str, normalise: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ValidationError({field: "must be a list of codes"})
    result: list[str] = []
    for item in value:
        try:
            code = normalise(str(item))
        except ValueError as exc:
            raise ValidationError({field: str(exc)}) from None
        if code not in result:
            result.append(code)
    return result


def _clean_profile(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(INITIATIVE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "unknown field"))
    cleaned = dict(data)
    if "target_groups" in cleaned:
        groups = cleaned["target_groups"]
        valid = set(TargetGroup.values)
        if not isinstance(groups, list | tuple) or any(g not in valid for g in groups):
            raise ValidationError(
                {"target_groups": f"each must be one of: {', '.join(sorted(valid))}"}
            )
        cleaned["target_groups"] = list(dict.fromkeys(groups))
    if "countries" in cleaned:
        cleaned["countries"] = _code_list(
            cleaned["countries"], field="countries", normalise=normalise_country
        )
    if "languages" in cleaned:
        cleaned["languages"] = _code_list(
            cleaned["languages"], field="languages", normalise=normalise_language
        )
    return cleaned


def _full_clean(instance: Any, *, exclude: list[str] | None = None) -> None:
    # Checked before the model's own constraint so the error names the field.
    start: date | None = getattr(instance, "start_date", None)
    end: date | None = getattr(instance, "end_date", None)
    if isinstance(start, date) and isinstance(end, date) and end < start:
        raise ValidationError({"end_date": "The end date is before the start date."})
    instance.full_clean(exclude=exclude)


@transaction.atomic
def initiative_create(
    *, actor: User, organisation: Organisation, **data: Any
) -> Initiative:
    """Create an initiative with an empty logic model and evaluation plan."""
    initiative = Initiative(organisation=organisation, **_clean_profile(data))
    _full_clean(initiative, exclude=["organisation"])
    initiative.save()
    LogicModel.objects.create(initiative=initiative)
    EvaluationPlan.objects.create(initiative=initiative)
    audit_record(
        action="evidencehub.initiative.created",
        actor=actor,
        organisation=organisation,
        obj=initiative,
    )
    return initiative


@transaction.atomic
def initiative_update(
    *, actor: User, initiative: Initiative, **data: Any
) -> Initiative:
    """Change the given profile fields; the audit event lists what changed."""
    cleaned = _clean_profile(data)
    changes = {}
    for field, value in cleaned.items():
        old = getattr(initiative, field)
        if old != value:
            changes[field] = {"old": _jsonable(old), "new": _jsonable(value)}
            setattr(initiative, field, value)
    _full_clean(initiative, exclude=["organisation"])
    initiative.save()
    if changes:
        audit_record(
            action="evidencehub.initiative.updated",
            actor=actor,
            organisation=initiative.organisation,
            obj=initiative,
            data={"changes": changes},
        )
    return initiative


@transaction.atomic
def initiative_delete(*, actor: User, initiative: Initiative) -> None:
    audit_record(
        action="evidencehub.initiative.deleted",
        actor=actor,
        organisation=initiative.organisation,
        obj=initiative,
        data={"slug": initiative.slug},
    )
    initiative.delete()


@transaction.atomic
def logic_model_update(
    *, actor: User, initiative: Initiative, parts: dict[str, Any]
) -> LogicModel:
    """Replace the given parts (lists of statements) of the logic model."""
    unknown = set(parts) - set(LOGIC_MODEL_PARTS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "unknown part"))
    model, _created = LogicModel.objects.get_or_create(initiative=initiative)
    errors: dict[str, str] = {}
    for part, raw in parts.items():
        try:
            setattr(model, part, list(clean_items(raw, part=part)))
        except ValueError as exc:
            errors[part] = str(exc).split(": ", 1)[-1]
    if errors:
        raise ValidationError(errors)
    model.save()
    audit_record(
        action="evidencehub.logic_model.updated",
        actor=actor,
        organisation=initiative.organisation,
        obj=initiative,
        data={"parts": sorted(parts)},
    )
    return model


@transaction.atomic
def plan_update(*, actor: User, initiative: Initiative, **data: Any) -> EvaluationPlan:
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "unknown field"))
    plan, _created = EvaluationPlan.objects.get_or_create(initiative=initiative)
    for field, value in data.items():
        setattr(plan, field, value)
    plan.full_clean(exclude=["initiative"])
    plan.save()
    audit_record(
        action="evidencehub.evaluation_plan.updated",
        actor=actor,
        organisation=initiative.organisation,
        obj=initiative,
        data={"fields": sorted(data)},
    )
    return plan


def _clean_target(raw: dict[str, Any], index: int) -> KpiTarget:
    allowed = {"kpi_id", "target_value", "direction", "unit", "target_date", "notes"}
    unknown = set(raw) - allowed
    if unknown:
        raise ValidationError(
            {
                f"kpi_targets[{index}].{name}": "unknown field"
                for name in sorted(unknown)
            }
        )
    target = KpiTarget(**raw)
    if isinstance(target.target_value, int | float | str) and target.target_value != "":
        target.target_value = Decimal(str(target.target_value))
    try:
        target.full_clean(exclude=["question"])
    except ValidationError as exc:
        raise ValidationError(
            {f"kpi_targets[{index}].{k}": v for k, v in exc.message_dict.items()}
        ) from None
    return target


@transaction.atomic
def question_save(
    *,
    actor: User,
    initiative: Initiative,
    text: str,
    design: str,
    design_notes: str = "",
    kpi_targets: list[dict[str, Any]] | None = None,
    question: EvaluationQuestion | None = None,
) -> EvaluationQuestion:
    """Create (``question=None``) or replace an evaluation question and its KPI
    targets. Targets are validated before anything is written."""
    plan, _created = EvaluationPlan.objects.get_or_create(initiative=initiative)
    created = question is None
    if question is None:
        question = EvaluationQuestion(plan=plan, position=plan.questions.count())
    question.text = text
    question.design = design
    question.design_notes = design_notes
    question.full_clean(exclude=["plan"])
    if len(kpi_targets or []) > MAX_KPIS_PER_QUESTION:
        raise ValidationError(
            {"kpi_targets": f"at most {MAX_KPIS_PER_QUESTION} KPIs per question"}
        )
    targets = [_clean_target(raw, i) for i, raw in enumerate(kpi_targets or [])]
    question.save()
    question.kpi_targets.all().delete()
    for target in targets:
        target.question = question
        target.save()
    audit_record(
        action=(
            "evidencehub.evaluation_question.created"
            if created
            else "evidencehub.evaluation_question.updated"
        ),
        actor=actor,
        organisation=initiative.organisation,
        obj=question,
        data={"design": design, "kpis": [t.kpi_id for t in targets]},
    )
    return question


@transaction.atomic
def question_delete(*, actor: User, question: EvaluationQuestion) -> None:
    organisation = question.plan.initiative.organisation
    audit_record(
        action="evidencehub.evaluation_question.deleted",
        actor=actor,
        organisation=organisation,
        obj=question,
    )
    question.delete()


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
