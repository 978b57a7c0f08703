"""Writes of organisation inputs. Every write validates through
``fields.clean`` plus the cross-field rules here, raises
``ValidationError({field: message})``, and is audit-logged as
``evidencehub.<object>.<created|deleted>``.

Shapes: ``record_create(kind=..., actor=..., initiative=..., data={...})``
returns the saved model instance; ``data`` uses the field names of
``fields.KIND_FIELDS[kind]`` (money as Decimal in the record's currency,
dates inclusive).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from evidencehub.apps.accounts.models import Organisation, User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.operations import fields
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
from evidencehub.core.operations import costs
from evidencehub.core.operations.policy import catalogue
from evidencehub.core.readability import assess

MODELS: dict[str, Any] = {
    "cost": CostEntry,
    "funding": FundingSource,
    "post": StaffPost,
    "training": TrainingRecord,
    "staffperiod": StaffPeriod,
    "material": Material,
    "alignment": PolicyAlignment,
}
AUDIT_OBJECT = {
    "cost": "cost",
    "funding": "funding_source",
    "post": "staff_post",
    "training": "training_record",
    "staffperiod": "staff_period",
    "material": "material",
    "alignment": "policy_alignment",
    "goal": "policy_goal",
}


def validate(
    kind: str, *, initiative: Initiative | None, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Clean ``data`` for ``kind`` and apply the cross-field rules.

    Raises:
        ValidationError: ``{field: message}`` for every problem found.
    """
    clean, errors = fields.clean(kind, data)
    if not errors:
        errors = _rules(kind, initiative, clean)
    if errors:
        raise ValidationError(errors)
    return clean


def _order(clean: dict[str, Any], a: str, b: str, errors: dict[str, str]) -> None:
    if clean.get(a) and clean.get(b) and clean[b] < clean[a]:
        errors[b] = "Ends before it starts."


def _rules(
    kind: str, initiative: Initiative | None, clean: dict[str, Any]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind in ("cost", "staffperiod"):
        _order(clean, "period_start", "period_end", errors)
    if kind in ("funding", "post"):
        _order(clean, "start", "end", errors)
    if kind == "cost" and not errors:
        _cost_amount(clean, errors)
    if kind == "funding":
        if clean.get("funder_id") is not None:
            from evidencehub.apps.funding.models import Funder

            funder = Funder.objects.filter(pk=clean["funder_id"]).first()
            if funder is None:
                errors["funder_id"] = "No such funder in the funders database."
            clean["funder"] = funder
        elif not clean.get("funder_name"):
            errors["funder_name"] = "Give the funder's name or choose a funder."
        clean.pop("funder_id", None)
    if kind == "training" and initiative is not None:
        if clean.get("post") is not None:
            post = StaffPost.objects.filter(
                initiative=initiative, pk=clean["post"]
            ).first()
            if post is None:
                errors["post"] = "No such post in this initiative."
            clean["post"] = post
        for a, b in (
            ("knowledge_pre", "knowledge_post"),
            ("confidence_pre", "confidence_post"),
        ):
            if (clean.get(a) is None) != (clean.get(b) is None):
                errors[b if clean.get(b) is None else a] = (
                    "Give both the before and the after value."
                )
    if kind == "alignment" and initiative is not None:
        known = {g.id for g in catalogue()} | {
            g.key
            for g in OrganisationPolicyGoal.objects.filter(
                organisation=initiative.organisation
            )
        }
        if clean["goal_key"] not in known:
            errors["goal_key"] = "Unknown policy goal."
    if (
        kind == "goal"
        and clean.get("url")
        and not str(clean["url"]).startswith(("https://", "http://"))
    ):
        errors["url"] = "Must start with https:// or http://."
    return errors


def _cost_amount(clean: dict[str, Any], errors: dict[str, str]) -> None:
    cat = clean["category"]
    if (
        cat == "staff"
        and clean.get("fte") is not None
        and clean.get("annual_salary") is not None
    ):
        days = (clean["period_end"] - clean["period_start"]).days + 1
        months = Decimal(days) * 12 / Decimal(365)
        if days in (28, 29, 30, 31):
            months = Decimal(1)
        elif days in (365, 366):
            months = Decimal(12)
        computed = costs.staff_cost(
            fte=clean["fte"], annual_loaded_salary=clean["annual_salary"], months=months
        )
        if clean.get("amount") is None:
            clean["amount"] = computed
    elif (
        cat == "volunteer"
        and clean.get("hours") is not None
        and clean.get("hourly_rate") is not None
    ):
        computed = costs.volunteer_cost(
            hours=clean["hours"], shadow_wage=clean["hourly_rate"]
        )
        if clean.get("amount") is None:
            clean["amount"] = computed
    if clean.get("amount") is None:
        if cat == "staff":
            errors["amount"] = "Give the amount, or FTE and loaded annual salary."
        elif cat == "volunteer":
            errors["amount"] = "Give the amount, or volunteer hours and shadow wage."
        else:
            errors["amount"] = "This field is required."


def record_create(
    *, kind: str, actor: User | None, initiative: Initiative, data: Mapping[str, Any]
) -> models.Model:
    """Validate and save one record of ``kind`` for ``initiative``.

    Raises:
        ValidationError: ``{field: message}``.
    """
    clean = validate(kind, initiative=initiative, data=data)
    model = MODELS[kind]
    if kind == "material":
        score_material(clean)
    try:
        with transaction.atomic():
            obj: models.Model = model.objects.create(initiative=initiative, **clean)
    except IntegrityError:
        raise ValidationError({"__all__": "This record already exists."}) from None
    audit_record(
        action=f"evidencehub.{AUDIT_OBJECT[kind]}.created",
        actor=actor,
        organisation=initiative.organisation,
        obj=obj,
        data={"initiative": initiative.slug, "id": obj.pk},
    )
    return obj


def record_update(
    *, kind: str, actor: User | None, obj: Any, data: Mapping[str, Any]
) -> Any:
    """Replace every field of ``obj`` with ``data`` (validated as for a new
    record) and audit ``evidencehub.<object>.updated`` with the changed field
    names.

    Raises:
        ValidationError: ``{field: message}``.
    """
    initiative = obj.initiative
    clean = validate(kind, initiative=initiative, data=data)
    if kind == "material":
        score_material(clean)
    changed = sorted(k for k, v in clean.items() if getattr(obj, k) != v)
    for key, value in clean.items():
        setattr(obj, key, value)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({"__all__": "This record already exists."}) from None
    audit_record(
        action=f"evidencehub.{AUDIT_OBJECT[kind]}.updated",
        actor=actor,
        organisation=initiative.organisation,
        obj=obj,
        data={"initiative": initiative.slug, "id": obj.pk, "fields": changed},
    )
    return obj


def score_material(clean: dict[str, Any]) -> None:
    """Add ``score``, ``meets_target`` and ``method`` to a clean material
    (``text``, ``language``, optional ``target``) in place."""
    result = assess(
        clean["text"],
        clean["language"],
        target=float(clean["target"]) if clean.get("target") is not None else None,
    )
    clean["score"] = Decimal(str(result.score)) if result.score is not None else None
    clean["meets_target"] = result.meets_target
    clean["method"] = f"{result.method}:{result.formula.id}"


def record_delete(*, kind: str, actor: User | None, obj: Any) -> None:
    """Delete one record and audit it."""
    initiative = obj.initiative
    pk = obj.pk
    obj.delete()
    audit_record(
        action=f"evidencehub.{AUDIT_OBJECT[kind]}.deleted",
        actor=actor,
        organisation=initiative.organisation,
        data={"initiative": initiative.slug, "id": pk},
    )


def goal_create(
    *, actor: User | None, organisation: Organisation, data: Mapping[str, Any]
) -> OrganisationPolicyGoal:
    """Add an organisation's own policy goal (e.g. a national action plan).

    Raises:
        ValidationError: ``{field: message}``.
    """
    clean = validate("goal", initiative=None, data=data)
    goal = OrganisationPolicyGoal.objects.create(organisation=organisation, **clean)
    audit_record(
        action="evidencehub.policy_goal.created",
        actor=actor,
        organisation=organisation,
        obj=goal,
        data={"id": goal.pk},
    )
    return goal


def staff_pulse_set(
    *, actor: User | None, initiative: Initiative, questionnaire_id: int | None
) -> StaffPulse | None:
    """Choose (or clear, with None) the initiative's staff pulse questionnaire.

    Raises:
        ValidationError: ``{"questionnaire": ...}`` when it is not one of the
            initiative's questionnaires.
    """
    from evidencehub.apps.instruments.models import Questionnaire

    if questionnaire_id is None:
        StaffPulse.objects.filter(initiative=initiative).delete()
        pulse = None
    else:
        q = Questionnaire.objects.filter(
            initiative=initiative, pk=questionnaire_id
        ).first()
        if q is None:
            raise ValidationError(
                {"questionnaire": "Not a questionnaire of this initiative."}
            )
        pulse, _ = StaffPulse.objects.update_or_create(
            initiative=initiative, defaults={"questionnaire": q}
        )
    audit_record(
        action="evidencehub.staff_pulse.updated",
        actor=actor,
        organisation=initiative.organisation,
        data={"initiative": initiative.slug, "questionnaire": questionnaire_id},
    )
    return pulse
