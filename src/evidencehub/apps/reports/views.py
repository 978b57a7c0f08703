"""Pages: the initiative dashboard. Members see their own figures, marked
internal (and may preview the outside view); evaluators of a consortium the
organisation belongs to see only released figures; anyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from evidencehub.apps.accounts.selectors import (
    CapabilityDenied,
    consortia_for_user,
    role_in,
)
from evidencehub.apps.disclosure.selectors import Audience
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.selectors import initiative_for_user
from evidencehub.apps.kpis.selectors import stored_periods
from evidencehub.apps.reports import selectors
from evidencehub.core.kpis.definitions import load_catalogue
from evidencehub.core.kpis.results import BREAKDOWNS, Period, PeriodError, parse_period

VIEWS = ("", "internal", "outside")


class FilterError(ValueError):
    """A bad query parameter; ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(message)


def resolve(*, user: Any, slug: str, view: str = "") -> tuple[Initiative, Audience]:
    """The initiative and the audience the caller belongs to.

    Raises:
        Http404: not a member and not an evaluator of a consortium that
            includes the organisation.
    """
    try:
        initiative, _role = initiative_for_user(user=user, slug=slug)
    except CapabilityDenied as exc:
        raise PermissionDenied(str(exc)) from None
    except Http404:
        if not getattr(user, "is_authenticated", False):
            raise
        outside = (
            Initiative.objects.filter(
                slug=slug, organisation__consortia__in=consortia_for_user(user=user)
            )
            .select_related("organisation")
            .first()
        )
        if outside is None:
            raise
        return outside, Audience.OUTSIDE
    return initiative, Audience.OUTSIDE if view == "outside" else Audience.INTERNAL


def filters(params: Any) -> tuple[Period, str]:
    """``period`` (default: this year) and ``breakdown`` from query params;
    checks ``view`` too.

    Raises:
        FilterError: naming ``period``, ``breakdown`` or ``view``.
    """
    if str(params.get("view") or "") not in VIEWS:
        raise FilterError("view", "Choose internal or outside.")
    raw = str(params.get("period") or "").strip()[:64]
    try:
        period = parse_period(raw or str(timezone.now().year))
    except PeriodError as exc:
        raise FilterError("period", str(exc)) from None
    breakdown = str(params.get("breakdown") or "").strip()
    if breakdown not in ("", *BREAKDOWNS):
        raise FilterError(
            "breakdown", f"Choose a breakdown from: {', '.join(BREAKDOWNS)} (or none)."
        )
    return period, breakdown


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    view = str(request.GET.get("view") or "")[:20]
    view = view if view in VIEWS else ""
    initiative, audience = resolve(user=request.user, slug=slug, view=view)
    context: dict[str, Any] = {
        "initiative": initiative,
        "audience": audience,
        "is_member": role_in(user=request.user, organisation=initiative.organisation)
        is not None,
        "view": view,
        "periods": stored_periods(initiative=initiative),
        "breakdowns": BREAKDOWNS,
        "period_raw": str(request.GET.get("period") or "")[:64],
        "breakdown": str(request.GET.get("breakdown") or "")[:20],
    }
    try:
        period, breakdown = filters(request.GET)
    except FilterError as exc:
        context |= {"error": str(exc), "error_field": exc.field}
        return render(request, "reports/dashboard.html", context, status=400)
    board = selectors.dashboard(
        initiative=initiative, period=period, audience=audience, breakdown=breakdown
    )
    cat = load_catalogue()
    context |= {
        "board": board,
        "period": period,
        "period_raw": period.label,
        "sections": [
            {"section": s, "rows": selectors.figure_rows(s, cat)}
            for s in board.sections
        ],
    }
    return render(request, "reports/dashboard.html", context)
