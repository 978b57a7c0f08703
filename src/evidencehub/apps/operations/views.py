"""Staff pages for organisation inputs: costs, funding sources, staff
support, materials and readability, policy alignment, and the KPIs they give.
Tenancy through ``initiative_required`` (404 for outsiders, 403 for roles
without the capability). Entering data needs ENTER_DATA; adding an
organisation-wide policy goal needs MANAGE_SETTINGS."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.views import initiative_required
from evidencehub.apps.operations import fields, importers, kpis, selectors, services
from evidencehub.core.permissions import Capability, Role, role_can
from evidencehub.core.readability import assess
from evidencehub.core.tabular import TabularError, open_table

TITLES = {
    "cost": gettext_lazy("Costs"),
    "funding": gettext_lazy("Funding sources"),
    "post": gettext_lazy("Staff in post"),
    "training": gettext_lazy("Training records"),
    "staffperiod": gettext_lazy("Supervision, turnover and sickness absence"),
    "material": gettext_lazy("Materials and readability"),
    "alignment": gettext_lazy("Policy alignment"),
}
COLUMNS: dict[str, list[tuple[str, Any]]] = {
    "cost": [
        ("period_start", gettext_lazy("From")),
        ("period_end", gettext_lazy("To")),
        ("get_category_display", gettext_lazy("Category")),
        ("description", gettext_lazy("Description")),
        ("amount", gettext_lazy("Amount")),
        ("currency", gettext_lazy("Currency")),
    ],
    "funding": [
        ("display_name", gettext_lazy("Funder")),
        ("amount", gettext_lazy("Amount")),
        ("currency", gettext_lazy("Currency")),
        ("start", gettext_lazy("Start")),
        ("end", gettext_lazy("End")),
        ("recurrent", gettext_lazy("Recurrent")),
        ("restricted", gettext_lazy("Restricted")),
        ("founding", gettext_lazy("Founding grant")),
    ],
    "post": [
        ("pk", gettext_lazy("Id")),
        ("label", gettext_lazy("Post")),
        ("fte", gettext_lazy("FTE")),
        ("start", gettext_lazy("From")),
        ("end", gettext_lazy("Until")),
    ],
    "training": [
        ("date", gettext_lazy("Date")),
        ("post", gettext_lazy("Post")),
        ("module", gettext_lazy("Module")),
        ("mandatory", gettext_lazy("Mandatory")),
        ("hours", gettext_lazy("Hours")),
        ("l1_rating", gettext_lazy("L1 rating")),
        ("knowledge_pre", gettext_lazy("Knowledge before")),
        ("knowledge_post", gettext_lazy("Knowledge after")),
    ],
    "staffperiod": [
        ("period_start", gettext_lazy("From")),
        ("period_end", gettext_lazy("To")),
        ("supervision_hours", gettext_lazy("Supervision hours")),
        ("leavers", gettext_lazy("Leavers")),
        ("sickness_days", gettext_lazy("Sickness days")),
        ("headcount_start", gettext_lazy("Headcount at start")),
        ("headcount_end", gettext_lazy("Headcount at end")),
    ],
    "material": [
        ("title", gettext_lazy("Title")),
        ("get_language_display", gettext_lazy("Language and formula")),
        ("score", gettext_lazy("Score")),
        ("target", gettext_lazy("Own target")),
        ("meets_target", gettext_lazy("Meets target")),
    ],
    "alignment": [
        ("goal_key", gettext_lazy("Goal")),
        ("outcome", gettext_lazy("Outcome")),
        ("kpi_id", gettext_lazy("KPI")),
        ("note", gettext_lazy("Note")),
    ],
}
PAGE_KINDS = tuple(COLUMNS)
PAGE_URL = {
    "cost": "operations:costs",
    "funding": "operations:funding",
    "post": "operations:posts",
    "training": "operations:training",
    "staffperiod": "operations:staff_periods",
    "material": "operations:materials",
    "alignment": "operations:policy",
}


def _ctx(initiative: Initiative, role: Role, **extra: Any) -> dict[str, Any]:
    return {
        "initiative": initiative,
        "organisation": initiative.organisation,
        "role": role,
        **{f"can_{c.value}": role_can(role, c) for c in Capability},
        **extra,
    }


def _cell(obj: Any, attr: str) -> Any:
    value = getattr(obj, attr)
    value = value() if callable(value) else value
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return "—" if value in (None, "") else value


def _form_fields(
    kind: str,
    values: dict[str, Any],
    errors: dict[str, Any],
    initiative: Initiative | None = None,
) -> list[dict[str, Any]]:
    out = []
    for f in fields.KIND_FIELDS[kind]:
        err = errors.get(f.name, "")
        type_, choices = f.type, f.choices
        if kind == "training" and f.name == "post" and initiative is not None:
            # pick a post by its label rather than typing its id
            type_ = "choice"
            choices = tuple(
                (str(p.pk), p.label)
                for p in selectors.records(kind="post", initiative=initiative)
            )
        if kind == "alignment" and f.name == "goal_key" and initiative is not None:
            type_ = "choice"
            choices = tuple(
                (g.id, f"{g.framework}: {g.title}"[:120])
                for g in selectors.policy_goals(initiative=initiative)
            )
        out.append(
            {
                "name": f.name,
                "label": f.label,
                "type": type_,
                "required": f.required,
                "choices": choices,
                "help": f.help,
                "value": values.get(f.name, ""),
                "error": err if isinstance(err, str) else " ".join(err),
            }
        )
    return out


def _post_values(request: HttpRequest, kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in fields.KIND_FIELDS[kind]:
        if f.type == "bool":
            data[f.name] = f.name in request.POST
        else:
            data[f.name] = request.POST.get(f.name, "")
    return data


def period_of(request: HttpRequest) -> tuple[datetime.date, datetime.date, str]:
    """``from``/``to`` query parameters, else the last full calendar year."""
    today = timezone.localdate()
    start = datetime.date(today.year - 1, 1, 1)
    end = datetime.date(today.year - 1, 12, 31)
    error = ""
    try:
        if request.GET.get("from"):
            start = datetime.date.fromisoformat(request.GET["from"])
        if request.GET.get("to"):
            end = datetime.date.fromisoformat(request.GET["to"])
    except ValueError:
        error = _("Dates must look like 2026-03-31.")
    if end < start:
        error = _("The period ends before it starts.")
        start, end = end, start
    return start, end, error


def _records_page(
    request: HttpRequest, initiative: Initiative, role: Role, kind: str, **extra: Any
) -> HttpResponse:
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        if not role_can(role, Capability.ENTER_DATA):
            raise PermissionDenied(Capability.ENTER_DATA.value)
        values = _post_values(request, kind)
        try:
            services.record_create(
                kind=kind,
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                data=values,
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    rows = [
        (obj, [_cell(obj, attr) for attr, _label in COLUMNS[kind]])
        for obj in selectors.records(kind=kind, initiative=initiative)[:500]
    ]
    return render(
        request,
        "operations/records.html",
        _ctx(
            initiative,
            role,
            kind=kind,
            title=TITLES[kind],
            headers=[label for _attr, label in COLUMNS[kind]],
            rows=rows,
            form_fields=_form_fields(kind, values, errors, initiative),
            form_error=" ".join(errors.get("__all__", [])),
            importable=kind in importers.IMPORT_KINDS,
            **extra,
        ),
    )


@initiative_required()
def overview(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    start, end, error = period_of(request)
    results = kpis.compute_all(initiative=initiative, start=start, end=end)
    return render(
        request,
        "operations/overview.html",
        _ctx(
            initiative,
            role,
            start=start,
            end=end,
            period_error=error,
            results=sorted(results.items()),
            pulse=selectors.staff_pulse(initiative=initiative, start=start, end=end),
        ),
    )


@initiative_required()
def costs(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    return _records_page(request, initiative, role, "cost")


@initiative_required()
def funding(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    return _records_page(request, initiative, role, "funding")


@initiative_required()
def posts(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    return _records_page(request, initiative, role, "post")


@initiative_required()
def training(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    return _records_page(request, initiative, role, "training")


@initiative_required()
def staff_periods(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    return _records_page(request, initiative, role, "staffperiod")


@initiative_required()
def materials(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    return _records_page(
        request,
        initiative,
        role,
        "material",
        comprehension=selectors.comprehension(initiative=initiative),
    )


@initiative_required()
def material_detail(
    request: HttpRequest, initiative: Initiative, role: Role, pk: int
) -> HttpResponse:
    material = selectors.record(kind="material", initiative=initiative, pk=pk)
    if material is None:
        raise Http404("No such material")
    result = assess(
        material.text,
        material.language,
        target=float(material.target) if material.target is not None else None,
        hardest=5,
    )
    return render(
        request,
        "operations/material.html",
        _ctx(initiative, role, material=material, result=result),
    )


@initiative_required()
def policy(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    goals = selectors.policy_goals(initiative=initiative)
    return _records_page(
        request,
        initiative,
        role,
        "alignment",
        goals=goals,
        outcomes=selectors.outcomes(initiative=initiative),
        matrix=selectors.alignment_matrix(initiative=initiative),
    )


@require_POST
@initiative_required(Capability.MANAGE_SETTINGS)
def goal_new(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    data = {f.name: request.POST.get(f.name, "") for f in fields.KIND_FIELDS["goal"]}
    try:
        services.goal_create(
            actor=request.user,  # type: ignore[arg-type]
            organisation=initiative.organisation,
            data=data,
        )
    except ValidationError as exc:
        for name, errs in exc.message_dict.items():
            messages.error(request, f"{name}: {' '.join(errs)}")
    else:
        messages.success(request, _("Policy goal added for the organisation."))
    return redirect("operations:policy", slug=initiative.slug)


@require_POST
@initiative_required(Capability.ENTER_DATA)
def record_delete(
    request: HttpRequest, initiative: Initiative, role: Role, kind: str, pk: int
) -> HttpResponse:
    if kind not in PAGE_KINDS:
        raise Http404("Unknown kind")
    obj = selectors.record(kind=kind, initiative=initiative, pk=pk)
    if obj is None:
        raise Http404("No such record")
    services.record_delete(kind=kind, actor=request.user, obj=obj)  # type: ignore[arg-type]
    messages.success(request, _("Deleted."))
    return redirect(PAGE_URL[kind], slug=initiative.slug)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV, XLSX or JSON lines)"))


@initiative_required(Capability.ENTER_DATA)
def record_import(
    request: HttpRequest, initiative: Initiative, role: Role, kind: str
) -> HttpResponse:
    if kind not in importers.IMPORT_KINDS:
        raise Http404("Unknown kind")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name.lower()
        fmt = (
            "xlsx"
            if name.endswith(".xlsx")
            else "jsonl"
            if name.endswith(".jsonl")
            else None
        )
        try:
            with open_table(upload.file, format=fmt) as table:
                report = importers.import_table(
                    kind=kind,
                    table=table,
                    initiative=initiative,
                    actor=request.user,  # type: ignore[arg-type]
                )
        except TabularError as exc:
            form.add_error("file", str(exc))
        else:
            if report.committed:
                messages.success(
                    request, _("%(n)d rows imported.") % {"n": report.imported}
                )
    return render(
        request,
        "operations/import.html",
        _ctx(
            initiative,
            role,
            kind=kind,
            title=TITLES[kind],
            form=form,
            report=report,
            columns=[f.name for f in fields.KIND_FIELDS[kind]],
        ),
    )


@initiative_required()
def staff_pulse(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    from evidencehub.apps.instruments.selectors import questionnaires_for

    if request.method == "POST":
        if not role_can(role, Capability.MANAGE_SETTINGS):
            raise PermissionDenied(Capability.MANAGE_SETTINGS.value)
        raw = request.POST.get("questionnaire", "")
        try:
            services.staff_pulse_set(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                questionnaire_id=int(raw) if raw.isdigit() else None,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Staff pulse survey saved."))
        return redirect("operations:staff_pulse", slug=initiative.slug)
    return render(
        request,
        "operations/pulse.html",
        _ctx(
            initiative,
            role,
            questionnaires=questionnaires_for(initiative=initiative),
            pulse=selectors.staff_pulse(initiative=initiative),
            current=getattr(
                getattr(initiative, "staff_pulse", None), "questionnaire_id", None
            ),
        ),
    )
