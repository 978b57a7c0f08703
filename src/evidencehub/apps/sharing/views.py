"""Pages: export form, share links (list, create, revoke), the funder's view of
a shared report, and background jobs (start a report, progress, download)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from evidencehub.apps.disclosure.selectors import Audience
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.views import initiative_required
from evidencehub.apps.kpis.models import StoredResult
from evidencehub.apps.kpis.selectors import stored_periods
from evidencehub.apps.sharing import exports, selectors, services
from evidencehub.apps.sharing.models import BackgroundJob
from evidencehub.core.kpis.results import Period, PeriodError, parse_period
from evidencehub.core.permissions import Capability, Role, role_can

# An export with more rows than this runs as a background job with progress.
LARGE_EXPORT_ROWS = 5000
SHARED_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store, private",
}


def _audience(raw: str | None) -> Audience:
    try:
        return Audience(raw or Audience.OUTSIDE.value)
    except ValueError:
        return Audience.OUTSIDE


def _default_period(initiative: Initiative) -> str:
    periods = stored_periods(initiative=initiative)
    return periods[0] if periods else str(timezone.now().year)


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response


# -- exports ------------------------------------------------------------------------


@initiative_required()
def export(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    can_export = role_can(role, Capability.EXPORT)
    values = {
        "period": _default_period(initiative),
        "format": "xlsx",
        "audience": Audience.OUTSIDE.value,
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_export:
            return HttpResponse(_("Your role does not allow exports."), status=403)
        values = {k: str(request.POST.get(k, ""))[:40] for k in values}
        period: Period | None = None
        try:
            period = parse_period(values["period"])
        except PeriodError as exc:
            errors["period"] = str(exc)
        if values["format"] not in exports.FORMATS:
            errors["format"] = _("Choose CSV, XLSX or JSON.")
        if values["audience"] not in {a.value for a in Audience}:
            errors["audience"] = _("Choose who the file is for.")
        if not errors and period is not None:
            audience = Audience(values["audience"])
            if (
                exports.row_count(initiative=initiative, period=period)
                > LARGE_EXPORT_ROWS
            ):
                job = services.job_start(
                    actor=request.user,  # type: ignore[arg-type]
                    initiative=initiative,
                    kind="export",
                    params={**values, "period": period.label},
                )
                return redirect("sharing:job", initiative.slug, job.pk)
            out = services.export_create(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                period=period,
                fmt=values["format"],
                audience=audience,
                via="page",
            )
            return _file(out.content, out.filename, out.content_type)
    return render(
        request,
        "sharing/export.html",
        {
            "initiative": initiative,
            "values": values,
            "errors": errors,
            "can_export": can_export,
            "periods": stored_periods(initiative=initiative),
            "formats": exports.FORMATS,
        },
        status=400 if errors else 200,
    )


# -- share links (members) ------------------------------------------------------------


@initiative_required()
def links(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    can_manage = role_can(role, Capability.EXPORT)
    today = timezone.localdate()
    values: dict[str, Any] = {
        "period": _default_period(initiative),
        "language": "en",
        "expires": (today + timedelta(days=30)).isoformat(),
        "label": "",
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_manage:
            return HttpResponse(
                _("Your role does not allow creating share links."), status=403
            )
        values = {k: str(request.POST.get(k, ""))[:200] for k in values}
        try:
            new = services.share_link_create(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                data=values,
            )
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        else:
            url = request.build_absolute_uri(
                reverse("sharing:shared", args=[new.token])
            )
            return render(
                request,
                "sharing/link_created.html",
                {"initiative": initiative, "link": new.link, "url": url},
            )
    return render(
        request,
        "sharing/links.html",
        {
            "initiative": initiative,
            "links": selectors.links(initiative=initiative),
            "can_manage": can_manage,
            "values": values,
            "errors": errors,
            "max_days": services.MAX_LINK_DAYS,
            "max_date": (today + timedelta(days=services.MAX_LINK_DAYS)).isoformat(),
            "report_languages": services.LANGUAGES,
            "periods": stored_periods(initiative=initiative),
            "now": timezone.now(),
        },
        status=400 if errors else 200,
    )


@require_POST
@initiative_required(Capability.EXPORT)
def revoke(
    request: HttpRequest, initiative: Initiative, role: Role, pk: int
) -> HttpResponse:
    link = selectors.link_get(initiative=initiative, pk=pk)
    if link is None:
        raise Http404("No such link")
    services.share_link_revoke(actor=request.user, link=link)  # type: ignore[arg-type]
    return redirect("sharing:links", initiative.slug)


# -- the funder's view (no login) -----------------------------------------------------


def _shared_error(request: HttpRequest, state: str) -> HttpResponse:
    status = 404 if state == "unknown" else 410
    response = render(
        request, "sharing/shared_error.html", {"state": state}, status=status
    )
    for k, v in SHARED_HEADERS.items():
        response[k] = v
    return response


def _with_pdf_link(html: bytes) -> bytes:
    """Offer the PDF of the same report at the top of the shared page (a
    relative link, so it works through the same token)."""
    marker = b"<body>"
    at = html.find(marker)
    if at < 0:
        return html
    text = escape(_("Download this report as PDF"))
    link = f'<p class="shared-pdf"><a href="report.pdf">{text}</a></p>'.encode()
    end = at + len(marker)
    return html[:end] + link + html[end:]


SHARED_CACHE_SECONDS = 600


def _shared(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    from evidencehub.apps.reports.rendering import render_report

    opened = services.share_link_open(token=token, what=fmt)
    if opened.state != "active" or opened.link is None:
        return _shared_error(request, opened.state)
    link = opened.link
    period = parse_period(link.period)
    # A link holder reloading (or many at once) must not re-render the PDF
    # each time: the rendering is kept until the figures are computed again.
    stamp = StoredResult.objects.filter(
        organisation_id=link.initiative.organisation_id,
        initiative=link.initiative,
        period_start=period.start,
        period_end=period.end,
    ).aggregate(latest=Max("computed_at"))["latest"]
    version = stamp.isoformat() if stamp else "-"
    key = f"evidencehub:shared:{link.token_hash}:{fmt}:{version}"
    content = cache.get(key)
    if content is None:
        content = render_report(
            initiative=link.initiative,
            period=period,
            audience=Audience.OUTSIDE,
            language=link.language,
            fmt=fmt,
        )
        cache.set(key, content, SHARED_CACHE_SECONDS)
    if fmt == "pdf":
        response = _file(
            content,
            f"{link.initiative.slug}-{link.period}-report.pdf",
            "application/pdf",
        )
    else:
        with translation.override(link.language):
            content = _with_pdf_link(content)
        response = HttpResponse(content, content_type="text/html; charset=utf-8")
    for k, v in SHARED_HEADERS.items():
        response[k] = v
    return response


@never_cache
def shared(request: HttpRequest, token: str) -> HttpResponse:
    return _shared(request, token, "html")


@never_cache
def shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    return _shared(request, token, "pdf")


# -- background jobs ------------------------------------------------------------------


@initiative_required()
def report_start(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    values = {
        "period": _default_period(initiative),
        "language": "en",
        "audience": Audience.OUTSIDE.value,
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: str(request.POST.get(k, ""))[:40] for k in values}
        try:
            values["period"] = parse_period(values["period"]).label
        except PeriodError as exc:
            errors["period"] = str(exc)
        if values["language"] not in services.LANGUAGES:
            errors["language"] = _("Choose English or German.")
        if values["audience"] not in {a.value for a in Audience}:
            errors["audience"] = _("Choose who the report is for.")
        elif values["audience"] == Audience.INTERNAL.value and not role_can(
            role, Capability.EXPORT
        ):
            # The internal report shows small numbers: like an export, it
            # needs a role that may export (admin, analyst).
            errors["audience"] = _(
                "Your role may download the report for outside readers only; an "
                "admin or analyst can download the internal report."
            )
        if not errors:
            job = services.job_start(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                kind="report",
                params={**values, "format": "pdf"},
            )
            return redirect("sharing:job", initiative.slug, job.pk)
    return render(
        request,
        "sharing/report_start.html",
        {
            "initiative": initiative,
            "values": values,
            "errors": errors,
            "report_languages": services.LANGUAGES,
            "periods": stored_periods(initiative=initiative),
        },
        status=400 if errors else 200,
    )


def _job(initiative: Initiative, job_id: str) -> BackgroundJob:
    job = selectors.job_get(initiative=initiative, job_id=job_id)
    if job is None:
        raise Http404("No such job")
    return job


@never_cache
@initiative_required()
def job(
    request: HttpRequest, initiative: Initiative, role: Role, job_id: str
) -> HttpResponse:
    found = _job(initiative, job_id)
    return render(
        request,
        "sharing/job.html",
        {"initiative": initiative, "job": found, "status": selectors.job_status(found)},
    )


@never_cache
@initiative_required()
def job_status(
    request: HttpRequest, initiative: Initiative, role: Role, job_id: str
) -> JsonResponse:
    found = _job(initiative, job_id)
    data = selectors.job_status(found)
    if found.state == BackgroundJob.DONE:
        data["download"] = reverse(
            "sharing:job_download", args=[initiative.slug, found.pk]
        )
    return JsonResponse(data)


@initiative_required()
def job_download(
    request: HttpRequest, initiative: Initiative, role: Role, job_id: str
) -> HttpResponse:
    found = _job(initiative, job_id)
    if found.state != BackgroundJob.DONE:
        return HttpResponseRedirect(
            reverse("sharing:job", args=[initiative.slug, found.pk])
        )
    row = BackgroundJob.objects.only("result").get(pk=found.pk)
    return _file(bytes(row.result or b""), found.filename, found.content_type)
