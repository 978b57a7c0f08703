from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from evidencehub.apps.accounts.decorators import organisation_required
from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.forms import apply_validation_error
from evidencehub.apps.initiatives.forms import (
    InitiativeForm,
    KpiTargetFormSet,
    LogicModelForm,
    PlanForm,
    QuestionForm,
)
from evidencehub.apps.initiatives.models import (
    DesignChoices,
    EvaluationQuestion,
    Initiative,
    LogicModel,
    TargetGroup,
)
from evidencehub.apps.initiatives.selectors import (
    CapabilityDenied,
    data_protection_answers,
    initiative_for_user,
    logic_model_diagram,
    plan_with_questions,
    question_ceilings,
)
from evidencehub.apps.initiatives.services import (
    initiative_create,
    initiative_delete,
    initiative_update,
    logic_model_update,
    plan_update,
    question_delete,
    question_save,
)
from evidencehub.core.data_protection import findings
from evidencehub.core.evidence import evidence_ceiling
from evidencehub.core.logic_model import LOGIC_MODEL_PARTS
from evidencehub.core.permissions import Capability, Role, role_can

ViewFunc = Callable[..., HttpResponse]


def initiative_required(
    capability: Capability = Capability.VIEW,
) -> Callable[[ViewFunc], ViewFunc]:
    """Resolve ``slug`` to ``initiative`` and ``role``: 404 for outsiders, 403
    for members without ``capability``."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
            try:
                initiative, role = initiative_for_user(
                    user=request.user, slug=slug, capability=capability
                )
            except CapabilityDenied as exc:
                raise PermissionDenied(str(exc)) from None
            return view(request, initiative=initiative, role=role, **kwargs)

        return wrapper

    return decorator


def _caps(role: Role) -> dict[str, bool]:
    return {f"can_{c.value}": role_can(role, c) for c in Capability}


@organisation_required()
def organisation_home(
    request: HttpRequest, organisation: Organisation, role: Role
) -> HttpResponse:
    initiatives = organisation.initiatives.all()
    return render(
        request,
        "initiatives/organisation.html",
        {
            "organisation": organisation,
            "role": role,
            "initiatives": initiatives,
            **_caps(role),
        },
    )


@organisation_required(Capability.EDIT_INITIATIVE)
def initiative_new(
    request: HttpRequest, organisation: Organisation, role: Role
) -> HttpResponse:
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = initiative_create(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Initiative created."))
            return redirect("initiatives:detail", slug=initiative.slug)
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form, "organisation": organisation},
    )


@initiative_required()
def initiative_detail(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    plan = plan_with_questions(initiative=initiative)
    pairs, ceiling = question_ceilings(plan=plan)
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "initiative": initiative,
            "organisation": initiative.organisation,
            "plan": plan,
            "question_ceilings": pairs,
            "plan_ceiling": ceiling,
            "target_group_labels": [
                dict(TargetGroup.choices).get(g, g) for g in initiative.target_groups
            ],
            **_caps(role),
        },
    )


@initiative_required(Capability.EDIT_INITIATIVE)
def initiative_edit(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    form = InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        initiative.refresh_from_db()
        try:
            initiative = initiative_update(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("initiatives:detail", slug=initiative.slug)
    return render(
        request,
        "initiatives/initiative_form.html",
        {
            "form": form,
            "organisation": initiative.organisation,
            "initiative": initiative,
        },
    )


@initiative_required(Capability.EDIT_INITIATIVE)
def initiative_remove(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    if request.method == "POST":
        org_slug = initiative.organisation.slug
        initiative_delete(actor=request.user, initiative=initiative)  # type: ignore[arg-type]
        messages.success(request, _("Initiative deleted."))
        return redirect("initiatives:organisation", org_slug=org_slug)
    return render(
        request, "initiatives/initiative_delete.html", {"initiative": initiative}
    )


@initiative_required()
def logic_model(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    model, _created = LogicModel.objects.get_or_create(initiative=initiative)
    form = None
    if role_can(role, Capability.EDIT_PLAN):
        initial = {part: "\n".join(getattr(model, part)) for part in LOGIC_MODEL_PARTS}
        form = LogicModelForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                logic_model_update(
                    actor=request.user,  # type: ignore[arg-type]
                    initiative=initiative,
                    parts=form.parts(),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Logic model saved."))
                return redirect("initiatives:logic_model", slug=initiative.slug)
    elif request.method == "POST":
        raise PermissionDenied(Capability.EDIT_PLAN.value)
    return render(
        request,
        "initiatives/logic_model.html",
        {
            "initiative": initiative,
            "model": model,
            "diagram": logic_model_diagram(model),
            "form": form,
            "parts": [(part, getattr(model, part)) for part in LOGIC_MODEL_PARTS],
        },
    )


@initiative_required()
def plan_detail(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    plan = plan_with_questions(initiative=initiative)
    pairs, ceiling = question_ceilings(plan=plan)
    return render(
        request,
        "initiatives/plan.html",
        {
            "initiative": initiative,
            "plan": plan,
            "question_ceilings": pairs,
            "plan_ceiling": ceiling,
            **_caps(role),
        },
    )


@initiative_required(Capability.EDIT_PLAN)
def plan_edit(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    plan = plan_with_questions(initiative=initiative)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        plan.refresh_from_db()
        try:
            plan_update(actor=request.user, initiative=initiative, **data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Evaluation plan saved."))
            return redirect("initiatives:plan", slug=initiative.slug)
    return render(
        request, "initiatives/plan_form.html", {"initiative": initiative, "form": form}
    )


@initiative_required(Capability.EDIT_PLAN)
def question_edit(
    request: HttpRequest,
    initiative: Initiative,
    role: Role,
    question_id: int | None = None,
) -> HttpResponse:
    question = (
        get_object_or_404(
            EvaluationQuestion, pk=question_id, plan__initiative=initiative
        )
        if question_id
        else None
    )
    initial_targets = (
        [
            {
                "kpi_id": t.kpi_id,
                "direction": t.direction,
                "target_value": t.target_value,
                "unit": t.unit,
                "target_date": t.target_date,
                "notes": t.notes,
            }
            for t in question.kpi_targets.all()
        ]
        if question
        else []
    )
    form = QuestionForm(
        request.POST or None,
        initial=(
            {
                "text": question.text,
                "design": question.design,
                "design_notes": question.design_notes,
            }
            if question
            else None
        ),
    )
    formset = KpiTargetFormSet(
        request.POST or None, initial=initial_targets, prefix="kpi"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        targets = [
            {k: v for k, v in f.cleaned_data.items() if v not in (None, "")}
            for f in formset.forms
            if f.cleaned_data.get("kpi_id")
        ]
        try:
            question_save(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                question=question,
                kpi_targets=targets,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("initiatives:plan", slug=initiative.slug)
    return render(
        request,
        "initiatives/question_form.html",
        {
            "initiative": initiative,
            "form": form,
            "formset": formset,
            "question": question,
            "design_ceilings": [
                (label, evidence_ceiling(value))
                for value, label in DesignChoices.choices
            ],
        },
    )


@initiative_required(Capability.EDIT_PLAN)
def question_remove(
    request: HttpRequest, initiative: Initiative, role: Role, question_id: int
) -> HttpResponse:
    question = get_object_or_404(
        EvaluationQuestion, pk=question_id, plan__initiative=initiative
    )
    if request.method == "POST":
        question_delete(actor=request.user, question=question)  # type: ignore[arg-type]
        messages.success(request, _("Question deleted."))
        return redirect("initiatives:plan", slug=initiative.slug)
    return render(
        request,
        "initiatives/question_delete.html",
        {"initiative": initiative, "question": question},
    )


@initiative_required()
def data_protection_summary(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    plan = plan_with_questions(initiative=initiative)
    answers = data_protection_answers(
        plan=plan, suppression_threshold=settings.SUPPRESSION_THRESHOLD
    )
    return render(
        request,
        "initiatives/data_protection.html",
        {
            "initiative": initiative,
            "organisation": initiative.organisation,
            "plan": plan,
            "findings": [f.value for f in findings(answers)],
            "suppression_threshold": settings.SUPPRESSION_THRESHOLD,
        },
    )


@initiative_required()
def jrc_profile_export(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    from django.http import JsonResponse

    from evidencehub.apps.audit.services import audit_record
    from evidencehub.apps.initiatives.selectors import jrc_profile

    payload = jrc_profile(initiative=initiative)
    audit_record(
        action="evidencehub.initiative.exported",
        actor=request.user,  # type: ignore[arg-type]
        organisation=initiative.organisation,
        obj=initiative,
        data={"format": "jrc131323"},
    )
    response = JsonResponse(payload, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="{initiative.slug}-jrc-profile.json"'
    )
    return response
