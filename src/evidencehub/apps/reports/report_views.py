"""Synchronous HTML preview of the evaluation report, for the organisation's
own members: ``/initiatives/<slug>/report/preview/?period=&language=&view=``.

``view=outside`` shows what people outside the organisation would get (only
released figures). The PDF is made in the background (report jobs); this page
is the same report as HTML, rendered on request.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone

from evidencehub.apps.disclosure.selectors import Audience
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.views import initiative_required
from evidencehub.apps.reports.rendering import ReportError, render_report
from evidencehub.core.kpis.results import PeriodError, parse_period
from evidencehub.core.permissions import Capability, Role


def _bad(field_name: str, message: str) -> HttpResponse:
    return HttpResponseBadRequest(
        f"{field_name}: {message}", content_type="text/plain; charset=utf-8"
    )


@initiative_required(Capability.VIEW)
def report_preview(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    raw_period = request.GET.get("period", "")[:40] or str(timezone.now().year)
    try:
        period = parse_period(raw_period)
    except PeriodError as exc:
        return _bad("period", str(exc))
    view = request.GET.get("view", "internal")[:20]
    if view not in ("internal", "outside"):
        return _bad("view", "Use internal or outside.")
    audience = Audience.OUTSIDE if view == "outside" else Audience.INTERNAL
    try:
        html = render_report(
            initiative=initiative,
            period=period,
            audience=audience,
            language=request.GET.get("language", "en")[:10],
            fmt="html",
        )
    except ReportError as exc:
        return _bad(exc.field, exc.message)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response
