"""REST API of the KPI catalogue and engine. Initiative endpoints resolve the
initiative via ``api_initiative`` (404 outsiders, 403 missing capability)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.serializers import StrictSerializer
from evidencehub.api.tenancy import api_initiative
from evidencehub.apps.disclosure.selectors import INTERNAL_NOTE
from evidencehub.apps.kpis import selectors, services
from evidencehub.apps.kpis.presenters import kpi_dict, result_dict
from evidencehub.core.kpis.definitions import export_package, load_catalogue
from evidencehub.core.kpis.results import (
    BREAKDOWNS,
    KpiResult,
    Period,
    PeriodError,
    parse_period,
)
from evidencehub.core.permissions import Capability


class KpiOutput(serializers.Serializer[Any]):
    id = serializers.CharField()
    version = serializers.CharField()
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    domain = serializers.CharField()
    reaim = serializers.CharField()
    level = serializers.CharField()
    formula = serializers.DictField()
    formula_text = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField()
    scope = serializers.CharField()
    anonymity = serializers.CharField()
    better = serializers.CharField()
    min_n = serializers.IntegerField()
    evidence = serializers.DictField()
    data_needed = serializers.ListField(child=serializers.CharField())
    sources = serializers.ListField(child=serializers.CharField())
    source_status = serializers.CharField()
    computed_by = serializers.CharField()
    params = serializers.DictField()


class ResultOutput(serializers.Serializer[Any]):
    kpi_id = serializers.CharField()
    kpi_version = serializers.CharField()
    period = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    status = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    lower = serializers.FloatField(allow_null=True)
    upper = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField()
    unit = serializers.CharField()
    methods = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField()  # type: ignore[assignment]
    breakdown = serializers.CharField()
    group = serializers.CharField()
    notes = serializers.CharField()
    details = serializers.DictField()
    computed_at = serializers.DateTimeField(allow_null=True)
    internal = serializers.BooleanField()
    disclosure = serializers.CharField()


def internal_dict(r: KpiResult) -> dict[str, Any]:
    """A result for the organisation's own members: unprotected, and marked
    so (``internal: true`` and the note in ``disclosure``)."""
    return {**result_dict(r), "internal": True, "disclosure": str(INTERNAL_NOTE)}


class ComputeInput(StrictSerializer):
    period = serializers.CharField(max_length=32)
    kpis = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, max_length=100
    )
    breakdown = serializers.ChoiceField(
        choices=["", *BREAKDOWNS], required=False, default=""
    )


def _period(raw: str | None) -> Period:
    from django.utils import timezone

    try:
        return parse_period(raw or str(timezone.now().year))
    except PeriodError as exc:
        raise DrfValidationError({"period": str(exc)}) from None


PERIOD_PARAM = OpenApiParameter("period", str, description="2026, 2026-Q1, 2026-03")


class KpiListApi(APIView):
    """The shared KPI catalogue; filter with ``q``, ``domain``, ``data_needed``,
    ``level``."""

    @extend_schema(responses=KpiOutput(many=True))
    def get(self, request: Request) -> Response:
        p = request.query_params
        found = load_catalogue().search(
            q=p.get("q", "")[:100],
            domain=p.get("domain", "")[:40],
            data_needed=p.get("data_needed", "")[:40],
            level=p.get("level", "")[:20],
        )
        return Response([kpi_dict(k) for k in found])


class KpiDetailApi(APIView):
    @extend_schema(responses=KpiOutput)
    def get(self, request: Request, kpi_id: str) -> Response:
        kpi = load_catalogue().get(kpi_id)
        if kpi is None:
            raise NotFound()
        return Response(kpi_dict(kpi))


class KpiPackageApi(APIView):
    """The catalogue as an importable JSON package."""

    @extend_schema(responses={(200, "application/json"): dict})
    def get(self, request: Request) -> HttpResponse:
        return HttpResponse(
            export_package(load_catalogue()), content_type="application/json"
        )


class InitiativeResultsApi(APIView):
    """Stored results of an initiative for a period (with breakdown cells)."""

    @extend_schema(parameters=[PERIOD_PARAM], responses=ResultOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        period = _period(request.query_params.get("period"))
        rows = selectors.stored(initiative=initiative, period=period, with_groups=True)
        return Response([internal_dict(r) for r in rows])


class InitiativeComputeApi(APIView):
    """Compute and store KPIs now (idempotent; resumes a crashed run)."""

    @extend_schema(request=ComputeInput, responses=ResultOutput(many=True))
    def post(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.ENTER_DATA)
        data = ComputeInput(data=request.data)
        data.is_valid(raise_exception=True)
        period = _period(data.validated_data["period"])
        try:
            _run, results = services.compute_and_store(
                initiative=initiative,
                period=period,
                kpi_ids=data.validated_data.get("kpis") or None,
                breakdown=data.validated_data.get("breakdown", ""),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            raise DrfValidationError(exc.message_dict) from None
        return Response([internal_dict(r) for r in results])


class ScorecardApi(APIView):
    """The plan's KPI targets against stored results: met, not met,
    inconclusive, insufficient data; with the 'counting is not benefit'
    warning."""

    @extend_schema(parameters=[PERIOD_PARAM], responses={200: dict})
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        card = selectors.scorecard(
            initiative=initiative, period=_period(request.query_params.get("period"))
        )
        return Response(
            {**card.as_dict(), "internal": True, "disclosure": str(INTERNAL_NOTE)}
        )


class EvidenceApi(APIView):
    """Evidence level reached now (EIF and Maryland) and what is missing."""

    @extend_schema(parameters=[PERIOD_PARAM], responses={200: dict})
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        e = selectors.evidence(
            initiative=initiative, period=_period(request.query_params.get("period"))
        )
        return Response(
            {
                "eif": e.eif.value,
                "sms": e.sms,
                "reason": e.reason,
                "missing": list(e.missing),
                "ceiling": None
                if e.ceiling is None
                else {"eif": e.ceiling.eif, "sms": e.ceiling.sms},
                "method": "evidencehub.kpis.evidence_reached v1",
            }
        )
