"""Pages of anonymous collection: overview, keys, settings, contact records,
aggregate figures, imports and the snippet test page. Tenancy is decided by
``initiative_required`` (404 for outsiders, 403 for roles without the
capability)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidencehub.apps.collect import selectors, services
from evidencehub.apps.collect.forms import (
    ContactForm,
    FigureForm,
    ImportForm,
    KeyForm,
    SettingsForm,
)
from evidencehub.apps.collect.importers import import_file
from evidencehub.apps.collect.models import Source
from evidencehub.apps.forms import apply_validation_error
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.views import initiative_required
from evidencehub.core.collect.contacts import FIELDS as CONTACT_FIELDS
from evidencehub.core.collect.events import CHANNELS, EVENT_TYPES, REFERRERS
from evidencehub.core.collect.figures import DATA_ELEMENTS, validate_figure
from evidencehub.core.permissions import Capability, Role, role_can
from evidencehub.core.tabular import TabularError, open_table


def _caps(role: Role) -> dict[str, bool]:
    return {f"can_{c.value}": role_can(role, c) for c in Capability}


def _ctx(initiative: Initiative, role: Role, **extra: Any) -> dict[str, Any]:
    return {
        "initiative": initiative,
        "organisation": initiative.organisation,
        "role": role,
        **_caps(role),
        **extra,
    }


@initiative_required()
def overview(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    site_key = selectors.active_site_key(initiative=initiative)
    labels = {**EVENT_TYPES}
    summary = selectors.summary(initiative=initiative)
    rows = [
        {**row, "label": labels.get(row["type"], row["type"])}
        for row in summary.by_type
    ]
    return render(
        request,
        "collect/overview.html",
        _ctx(
            initiative,
            role,
            summary=summary,
            by_type=rows,
            series=selectors.daily_series(initiative=initiative),
            site_key=site_key,
            settings_obj=services.collection_settings(initiative=initiative),
            event_types=EVENT_TYPES,
            channels=CHANNELS,
            referrers=REFERRERS,
            collect_url=request.build_absolute_uri("/api/v1/collect"),
            script_url=request.build_absolute_uri(
                settings.STATIC_URL + "evidencehub/collect.js"
            ),
        ),
    )


@initiative_required(Capability.MANAGE_SETTINGS)
def keys(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    form = KeyForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            new = services.key_create(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            new_token = new.token
            messages.success(request, _("Key created."))
            form = KeyForm()
    return render(
        request,
        "collect/keys.html",
        _ctx(
            initiative,
            role,
            form=form,
            keys=selectors.keys_for(initiative=initiative),
            new_token=new_token,
        ),
    )


def _key_or_404(initiative: Initiative, pk: int) -> Any:
    key = selectors.key_for(initiative=initiative, pk=pk)
    if key is None:
        raise Http404("No such key")
    return key


@require_POST
@initiative_required(Capability.MANAGE_SETTINGS)
def key_rotate(
    request: HttpRequest, initiative: Initiative, role: Role, pk: int
) -> HttpResponse:
    key = _key_or_404(initiative, pk)
    try:
        new = services.key_rotate(actor=request.user, key=key)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("collect:keys", slug=initiative.slug)
    messages.success(request, _("New key made. The old one keeps working for 7 days."))
    return render(
        request,
        "collect/keys.html",
        _ctx(
            initiative,
            role,
            form=KeyForm(),
            keys=selectors.keys_for(initiative=initiative),
            new_token=new.token,
        ),
    )


@require_POST
@initiative_required(Capability.MANAGE_SETTINGS)
def key_revoke(
    request: HttpRequest, initiative: Initiative, role: Role, pk: int
) -> HttpResponse:
    services.key_revoke(actor=request.user, key=_key_or_404(initiative, pk))  # type: ignore[arg-type]
    messages.success(request, _("Key revoked. It no longer works."))
    return redirect("collect:keys", slug=initiative.slug)


@initiative_required(Capability.MANAGE_SETTINGS)
def collection_settings(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    obj = services.collection_settings(initiative=initiative)
    initial = {
        "modules": "\n".join(obj.modules),
        "custom_event_types": "\n".join(obj.custom_event_types),
        "campaigns": "\n".join(obj.campaigns),
        "time_resolution": obj.time_resolution,
        "raw_event_days": services.retention_days(organisation=initiative.organisation),
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        days = data.pop("raw_event_days")
        try:
            services.collection_settings_update(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                **data,
            )
            if days != initial["raw_event_days"]:
                services.retention_update(
                    actor=request.user,  # type: ignore[arg-type]
                    organisation=initiative.organisation,
                    raw_event_days=days,
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Collection settings saved."))
            return redirect("collect:overview", slug=initiative.slug)
    return render(request, "collect/settings.html", _ctx(initiative, role, form=form))


@initiative_required()
def contacts(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    records = selectors.contact_records(initiative=initiative)[:100]
    return render(
        request,
        "collect/contacts.html",
        _ctx(initiative, role, records=records),
    )


@initiative_required(Capability.ENTER_DATA)
def contact_new(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None, [])}
        try:
            services.contact_record_create(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                data=data,
                source=Source.FORM,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Contact recorded."))
            if "another" in request.POST:
                return redirect("collect:contact_new", slug=initiative.slug)
            return redirect("collect:contacts", slug=initiative.slug)
    return render(
        request, "collect/contact_form.html", _ctx(initiative, role, form=form)
    )


def _import_page(
    request: HttpRequest, initiative: Initiative, role: Role, kind: str
) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]

        def opener() -> Any:
            upload.seek(0)
            return open_table(upload.file, format=_format_of(upload.name))

        try:
            report = import_file(
                kind=kind,
                initiative=initiative,
                open_table=opener,
                actor=request.user,  # type: ignore[arg-type]
                skip_invalid=form.cleaned_data["skip_invalid"],
                source_name=upload.name,
            )
        except TabularError as exc:
            form.add_error("file", str(exc))
        else:
            if report.committed:
                messages.success(
                    request,
                    _("%(n)d rows imported, %(r)d skipped.")
                    % {"n": report.imported, "r": report.rejected},
                )
    columns = {
        "contacts": list(CONTACT_FIELDS),
        "figures": [
            "element",
            "period_start",
            "period_end",
            "value",
            "source_system",
            "note",
        ],
    }[kind]
    return render(
        request,
        "collect/import.html",
        _ctx(initiative, role, form=form, report=report, kind=kind, columns=columns),
    )


def _format_of(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if lowered.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return None


@initiative_required(Capability.ENTER_DATA)
def contact_import(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    return _import_page(request, initiative, role, "contacts")


@initiative_required()
def figures(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    can_enter = role_can(role, Capability.ENTER_DATA)
    form = FigureForm(request.POST or None)
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied(Capability.ENTER_DATA.value)
        if form.is_valid():
            clean, errors = validate_figure(
                form.cleaned_data, today=timezone.localdate()
            )
            if clean is None:
                apply_validation_error(form, ValidationError(errors))
            else:
                services.figure_save(
                    actor=request.user,  # type: ignore[arg-type]
                    initiative=initiative,
                    clean=clean,
                )
                messages.success(request, _("Figure saved."))
                return redirect("collect:figures", slug=initiative.slug)
    items = [
        (f, DATA_ELEMENTS[f.element][0])
        for f in selectors.figures(initiative=initiative)[:200]
    ]
    return render(
        request, "collect/figures.html", _ctx(initiative, role, form=form, items=items)
    )


@initiative_required(Capability.ENTER_DATA)
def figure_import(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    return _import_page(request, initiative, role, "figures")


@initiative_required()
def test_page(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    """A page that uses the snippet exactly as a service's website would, to
    check that events arrive (used by the real-browser test)."""
    settings_obj = services.collection_settings(initiative=initiative)
    return render(
        request,
        "collect/test_page.html",
        _ctx(
            initiative,
            role,
            site_key=selectors.active_site_key(initiative=initiative),
            module=(settings_obj.modules or [""])[0],
            collect_url="/api/v1/collect",
        ),
    )
