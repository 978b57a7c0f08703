"""Staff pages (questionnaires, results, crisis text, imports, licensed text)
and the public, login-free survey pages.

Staff pages resolve the initiative through ``initiative_required`` (404 for
outsiders, 403 for roles without the capability). The survey page needs no
login and sets no cookie beyond Django's CSRF cookie; it stores no identity.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidencehub.apps.forms import apply_validation_error
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.views import initiative_required
from evidencehub.apps.instruments import selectors, services
from evidencehub.apps.instruments.api import submission_retry_after
from evidencehub.apps.instruments.forms import (
    DefinitionImportForm,
    QuestionnaireForm,
    ResponseImportForm,
    SurveySettingsForm,
)
from evidencehub.apps.instruments.models import (
    LicensedText,
    Occasion,
    Origin,
    Questionnaire,
)
from evidencehub.core.codes import format_code, generate_code
from evidencehub.core.instruments import InstrumentError, parse_text
from evidencehub.core.instruments.redcap import RedcapError, parse_dictionary, parse_zip
from evidencehub.core.permissions import Capability, Role, role_can
from evidencehub.core.tabular import TabularError, open_table

MAX_UPLOAD = 5_000_000


def _ctx(initiative: Initiative, role: Role, **extra: Any) -> dict[str, Any]:
    return {
        "initiative": initiative,
        "organisation": initiative.organisation,
        "role": role,
        **{f"can_{c.value}": role_can(role, c) for c in Capability},
        **extra,
    }


def _questionnaire(initiative: Initiative, pk: int) -> Questionnaire:
    q = (
        Questionnaire.objects.select_related(
            "instrument_version", "initiative__organisation"
        )
        .filter(pk=pk, initiative=initiative)
        .first()
    )
    if q is None:
        raise Http404("No such questionnaire")
    return q


@initiative_required()
def questionnaire_list(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    versions = services.available_versions(organisation=initiative.organisation)
    rows = []
    for v in versions:
        inst = v.instrument
        rows.append(
            {
                "version": v,
                "instrument": inst,
                "has_text": services.has_item_text(
                    version=v, organisation=initiative.organisation
                ),
            }
        )
    return render(
        request,
        "instruments/questionnaire_list.html",
        _ctx(
            initiative,
            role,
            questionnaires=selectors.questionnaires_for(initiative=initiative),
            instruments=rows,
        ),
    )


@initiative_required(Capability.EDIT_PLAN)
def questionnaire_new(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    versions = services.available_versions(organisation=initiative.organisation)
    form = QuestionnaireForm(request.POST or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        version = selectors.version_for(
            organisation=initiative.organisation,
            pk=form.cleaned_data["instrument_version"],
        )
        try:
            if version is None:
                raise ValidationError({"instrument_version": _("Unknown instrument.")})
            q = services.questionnaire_create(
                actor=request.user,
                initiative=initiative,
                instrument_version=version,
                occasion=form.cleaned_data["occasion"],
                follow_up_months=form.cleaned_data["follow_up_months"],
                title=form.cleaned_data["title"],
                ask_code=form.cleaned_data["ask_code"],
                allow_free_text=form.cleaned_data["allow_free_text"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Questionnaire created. Its public link is below.")
            )
            return redirect("instruments:results", slug=initiative.slug, pk=q.pk)
    return render(
        request,
        "instruments/questionnaire_form.html",
        _ctx(initiative, role, form=form),
    )


@initiative_required()
def results(
    request: HttpRequest, initiative: Initiative, role: Role, pk: int
) -> HttpResponse:
    q = _questionnaire(initiative, pk)
    return render(
        request,
        "instruments/results.html",
        _ctx(
            initiative,
            role,
            q=q,
            results=selectors.results(questionnaire=q),
            public_url=request.build_absolute_uri(f"/s/{q.public_id}/"),
            embed=selectors.embed_markup(
                questionnaire=q,
                public_url=request.build_absolute_uri(f"/s/{q.public_id}/"),
            ),
        ),
    )


@initiative_required(Capability.ENTER_DATA)
def responses_import(
    request: HttpRequest, initiative: Initiative, role: Role, pk: int
) -> HttpResponse:
    q = _questionnaire(initiative, pk)
    form = ResponseImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                with open_table(upload.file) as table:
                    report = services.responses_import(
                        actor=request.user,
                        questionnaire=q,
                        headers=list(table.headers),
                        rows=table,
                    )
            except TabularError as exc:
                form.add_error("file", str(exc))
            if report is not None and report.imported:
                messages.success(
                    request,
                    _("%(n)s responses imported and scored.") % {"n": report.imported},
                )
                if report.already:
                    messages.info(
                        request,
                        _("%(n)s rows were imported before and were skipped.")
                        % {"n": report.already},
                    )
                return redirect("instruments:results", slug=initiative.slug, pk=q.pk)
    return render(
        request,
        "instruments/responses_import.html",
        _ctx(initiative, role, q=q, form=form, report=report),
    )


@require_POST
@initiative_required(Capability.EDIT_PLAN)
def questionnaire_toggle(
    request: HttpRequest, initiative: Initiative, role: Role, pk: int
) -> HttpResponse:
    q = _questionnaire(initiative, pk)
    services.questionnaire_set_open(
        actor=request.user, questionnaire=q, is_open=not q.is_open
    )
    messages.success(
        request, _("Questionnaire opened.") if q.is_open else _("Questionnaire closed.")
    )
    return redirect("instruments:results", slug=initiative.slug, pk=q.pk)


@initiative_required(Capability.EDIT_PLAN)
def survey_settings(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    current = services.survey_settings(initiative=initiative)
    form = SurveySettingsForm(
        request.POST or None, initial={"crisis_text": current.crisis_text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_settings_update(
                actor=request.user,
                initiative=initiative,
                crisis_text=form.cleaned_data["crisis_text"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("instruments:list", slug=initiative.slug)
    return render(
        request,
        "instruments/settings.html",
        _ctx(
            initiative,
            role,
            form=form,
            default_text=services.crisis_text_for(initiative),
        ),
    )


@initiative_required(Capability.EDIT_PLAN)
def definition_import(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    form = DefinitionImportForm(request.POST or None, request.FILES or None)
    reports: list[Any] = []
    imported: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            data = upload.read()
            name = upload.name.lower()
            try:
                if name.endswith(".zip"):
                    reports = parse_zip(data)
                elif name.endswith(".csv"):
                    reports = parse_dictionary(data)
                else:
                    inst = parse_text(data.decode("utf-8"))
                    imported.append(
                        services.instrument_import(
                            actor=request.user,
                            organisation=initiative.organisation,
                            instrument=inst,
                        )
                    )
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            except (RedcapError, InstrumentError) as exc:
                form.add_error("file", str(exc))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            for rep in reports:
                if rep.instrument is None:
                    continue
                try:
                    imported.append(
                        services.instrument_import(
                            actor=request.user,
                            organisation=initiative.organisation,
                            instrument=rep.instrument,
                            origin=Origin.REDCAP,
                        )
                    )
                except ValidationError as exc:
                    rep.errors.extend(
                        (k, "; ".join(v)) for k, v in exc.message_dict.items()
                    )
    return render(
        request,
        "instruments/import.html",
        _ctx(initiative, role, form=form, reports=reports, imported=imported),
    )


@initiative_required(Capability.EXPORT)
def definition_export(
    request: HttpRequest, initiative: Initiative, role: Role, version_pk: int
) -> HttpResponse:
    version = selectors.version_for(organisation=initiative.organisation, pk=version_pk)
    if version is None:
        raise Http404("No such instrument")
    data = services.instrument_export(
        actor=request.user, organisation=initiative.organisation, version=version
    )
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{version.instrument_id}-v{version.version}.json"'
    )
    return response


@initiative_required(Capability.EDIT_PLAN)
def licensed_text(
    request: HttpRequest, initiative: Initiative, role: Role, version_pk: int
) -> HttpResponse:
    version = selectors.version_for(organisation=initiative.organisation, pk=version_pk)
    if version is None:
        raise Http404("No such instrument")
    inst = version.instrument
    current = LicensedText.objects.filter(
        organisation=initiative.organisation, instrument_version=version
    ).first()
    values = dict(current.items) if current else {}
    instructions = current.instructions if current else ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {it.id: request.POST.get(f"item_{it.id}", "") for it in inst.items}
        instructions = request.POST.get("instructions", "")
        try:
            services.licensed_text_save(
                actor=request.user,
                organisation=initiative.organisation,
                version=version,
                items=values,
                instructions=instructions,
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(
                request, _("Saved. This text is used only by your organisation.")
            )
            return redirect("instruments:list", slug=initiative.slug)
    rows = [
        {"id": it.id, "value": values.get(it.id, ""), "errors": errors.get(it.id, [])}
        for it in inst.items
    ]
    return render(
        request,
        "instruments/licensed_text.html",
        _ctx(
            initiative,
            role,
            version=version,
            inst=inst,
            rows=rows,
            instructions=instructions,
        ),
    )


# --------------------------------------------------------------------------
# Public survey pages (no login)
# --------------------------------------------------------------------------


def _risk_from_post(items: list[selectors.FormItem], data: Any) -> bool:
    for it in items:
        if not it.risk:
            continue
        raw = data.get(f"item_{it.id}", "")
        if raw.strip().lstrip("-").isdigit() and int(raw) > it.risk_above:
            return True
    return False


def survey(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the form. POST: validate, score and store; then the thank-you
    page (rendered directly: no redirect, no session, no cookie). When a
    risk item is above its threshold, crisis resources come first, on the
    error page too."""
    q = selectors.questionnaire_by_public_id(public_id)
    if q is None:
        raise Http404("No such questionnaire")
    language = getattr(request, "LANGUAGE_CODE", "") or ""
    instructions, items = selectors.form_items(questionnaire=q, language=language)
    ctx: dict[str, Any] = {
        "q": q,
        "instructions": instructions,
        "items": items,
        "crisis_text": services.crisis_text_for(q.initiative),
        "values": {},
        "errors": {},
        "show_crisis": False,
        "is_baseline": q.occasion in (Occasion.BASELINE, Occasion.SINGLE),
    }
    if not q.is_open:
        return render(request, "instruments/survey_closed.html", ctx, status=410)
    if request.method == "POST":
        retry = submission_retry_after(request)
        if retry is not None:
            response = HttpResponse(
                _("Too many answers were sent from here. Please wait a minute."),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(retry)
            return response
    if request.method != "POST":
        ctx["code"] = (
            format_code(generate_code()) if ctx["is_baseline"] and q.ask_code else ""
        )
        return render(request, "instruments/survey.html", ctx)
    answers = {
        it.id: request.POST.get(f"item_{it.id}", "")
        for it in items
        if it.kind == "choice"
    }
    texts = {
        it.id: request.POST.get(f"item_{it.id}", "")
        for it in items
        if it.kind == "text" and request.POST.get(f"item_{it.id}", "").strip()
    }
    code = request.POST.get("code", "")[:40] if q.ask_code else ""
    ctx["show_crisis"] = _risk_from_post(items, request.POST)
    try:
        _response, result = services.response_submit(
            questionnaire=q,
            answers=answers,
            code=code,
            language=language,
            text_answers=texts,
        )
    except ValidationError as exc:
        ctx["errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
        numbers = {it.id: n for n, it in enumerate(items, 1)}
        ctx["error_list"] = [
            (
                "id_code" if k == "code" else f"q-{k}" if k in numbers else "",
                _("Your code")
                if k == "code"
                else _("Question %(n)s") % {"n": numbers[k]}
                if k in numbers
                else "",
                msg,
            )
            for k, msg in ctx["errors"].items()
        ]
        ctx["values"] = {**answers, **texts}
        ctx["code"] = code
        return render(request, "instruments/survey.html", ctx, status=400)
    ctx["show_crisis"] = ctx["show_crisis"] or result.risk
    ctx["code"] = format_code(code) if code.strip() else ""
    return render(request, "instruments/survey_thanks.html", ctx)
