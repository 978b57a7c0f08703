"""REST API of the dashboard: its sections with Vega-Lite specs, tables and
released figures, for the same audiences as the page."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.apps.reports import selectors
from evidencehub.apps.reports.views import FilterError, filters, resolve
from evidencehub.core.charts import Chart, ChartTable
from evidencehub.core.kpis.definitions import load_catalogue


def _table(t: ChartTable) -> dict[str, Any]:
    return {"caption": t.caption, "columns": list(t.columns), "rows": t.rows}


def _chart(c: Chart) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "spec": c.spec,
        "table": _table(c.table),
    }


def dashboard_dict(board: selectors.Dashboard) -> dict[str, Any]:
    """The dashboard as JSON-ready data (also used by exports of it)."""
    cat = load_catalogue()
    return {
        "initiative": board.initiative.slug,
        "period": board.period.label,
        "breakdown": board.breakdown,
        "audience": board.audience.value,
        "internal": board.internal,
        "method": board.method,
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "notes": s.notes,
                "charts": [_chart(c) for c in s.charts],
                "tables": [_table(t) for t in s.tables],
                "figures": selectors.figure_rows(s, cat),
            }
            for s in board.sections
        ],
    }


class DashboardApi(APIView):
    """Dashboard of an initiative for a period (``period``: 2026, 2026-Q1,
    2026-03 or a range; ``breakdown``: channel or locale; ``view``: outside
    to preview what people outside the organisation see)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, description="2026, 2026-Q1, 2026-03"),
            OpenApiParameter("breakdown", str, description="channel or locale"),
            OpenApiParameter("view", str, description="internal or outside"),
        ],
        responses={200: dict},
    )
    def get(self, request: Request, slug: str) -> Response:
        params = request.query_params
        try:
            period, breakdown = filters(params)
            initiative, audience = resolve(
                user=request.user, slug=slug, view=str(params.get("view") or "")
            )
        except Http404:
            raise NotFound() from None
        except FilterError as exc:
            raise DrfValidationError({exc.field: [str(exc)]}) from None
        board = selectors.dashboard(
            initiative=initiative,
            period=period,
            audience=audience,
            breakdown=breakdown,
        )
        return Response(dashboard_dict(board))
