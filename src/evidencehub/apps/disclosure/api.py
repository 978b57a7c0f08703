"""REST API of the release pipeline: protected KPI results of a consortium's
member organisations for its evaluators (404 for everyone else)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.apps.disclosure import selectors
from evidencehub.apps.disclosure.presenters import policy_dict, released_dict
from evidencehub.core.kpis.results import Period, PeriodError, parse_period


def _period(raw: str | None) -> Period:
    text = (raw or "").strip() or str(timezone.now().year)
    if len(text) > 32:
        raise DrfValidationError({"period": "At most 32 characters."})
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise DrfValidationError({"period": str(exc)}) from None


class ConsortiumResultsApi(APIView):
    """Released (protected) KPI results of every initiative of the
    consortium's member organisations for ``period``; withheld figures are
    null with the reasons beside them."""

    @extend_schema(
        parameters=[OpenApiParameter("period", str, description="2026, 2026-Q1")],
        responses={200: dict},
    )
    def get(self, request: Request, slug: str) -> Response:
        try:
            consortium = selectors.consortium_for_evaluator(
                user=request.user, slug=slug
            )
        except Http404:
            raise NotFound() from None
        period = _period(request.query_params.get("period"))
        releases = selectors.consortium_release(consortium=consortium, period=period)
        policy = selectors.release_policy()
        body: dict[str, Any] = {
            "consortium": consortium.slug,
            "period": period.label,
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "policy": policy_dict(policy),
            "initiatives": [
                {
                    "organisation": rel.initiative.organisation.slug,
                    "organisation_name": rel.initiative.organisation.name,
                    "initiative": rel.initiative.slug,
                    "initiative_name": rel.initiative.name,
                    "results": [released_dict(f) for f in rel.figures],
                }
                for rel in releases
            ],
        }
        return Response(body)
