"""Pages of the release pipeline: a consortium evaluator's view of the
protected KPI results of the consortium's member organisations."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from evidencehub.apps.disclosure import selectors
from evidencehub.apps.disclosure.presenters import reason_text, released_text
from evidencehub.core.disclosure import ReleasedResult
from evidencehub.core.kpis.results import Period, PeriodError, parse_period


def period_from(raw: str | None) -> tuple[Period, str]:
    """The period asked for (this year when empty) and an error message when
    the text is not a period."""
    text = (raw or "").strip()[:32]
    try:
        return parse_period(text or str(timezone.now().year)), ""
    except PeriodError as exc:
        return parse_period(str(timezone.now().year)), str(exc)


def _has_figure(item: ReleasedResult) -> bool:
    return item.suppressed or item.result.has_value


def _shown(items: list[ReleasedResult]) -> list[dict[str, Any]]:
    """Figures and withheld figures; KPIs without data are only counted."""
    return [
        {
            "item": f,
            "text": released_text(f),
            "reasons": [reason_text(r) for r in f.reasons],
        }
        for f in items
        if _has_figure(f)
    ]


@login_required
def consortium_results(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = selectors.consortium_for_evaluator(user=request.user, slug=slug)
    period, error = period_from(request.GET.get("period"))
    releases = selectors.consortium_release(consortium=consortium, period=period)
    rows = [
        {
            "initiative": rel.initiative,
            "figures": _shown(rel.totals),
            "cells": _shown(rel.cells),
            "without_data": sum(1 for f in rel.totals if not _has_figure(f)),
        }
        for rel in releases
    ]
    return render(
        request,
        "disclosure/consortium_results.html",
        {
            "consortium": consortium,
            "period": period,
            "period_error": error,
            "periods": selectors.consortium_periods(consortium=consortium),
            "rows": rows,
            "policy": selectors.release_policy(),
        },
        status=400 if error else 200,
    )
