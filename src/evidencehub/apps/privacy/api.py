"""REST API: benchmarks, noisy releases and the privacy-loss ledger.

Refusals that are not input errors answer 409 with a ``code``:
``budget_exceeded`` (the year's ε would be overspent) or ``too_few_peers``."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.serializers import StrictSerializer
from evidencehub.api.tenancy import api_initiative, api_organisation
from evidencehub.apps.privacy import selectors, services
from evidencehub.core.kpis.results import Period, PeriodError, parse_period
from evidencehub.core.permissions import Capability
from evidencehub.core.privacy.budget import BudgetExceeded
from evidencehub.core.privacy.mechanisms import (
    MAX_CONTRIBUTIONS,
    MECHANISMS,
    PUBLIC_KEYS,
    PrivacyInputError,
    check_delta,
    check_epsilon,
)
from evidencehub.core.privacy.quantiles import DEFAULT_BENCHMARK_EPSILON, TooFewPeers


class Refused(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"

    def __init__(self, message: str, code: str) -> None:
        super().__init__({"detail": message, "code": code})


def _period(raw: str | None, field: str = "period") -> Period:
    try:
        return parse_period((raw or str(timezone.now().year))[:32])
    except PeriodError as exc:
        raise DrfValidationError({field: str(exc)}) from None


def _checked(func: Any, value: Any, field: str) -> float:
    try:
        return float(func(value, field))
    except PrivacyInputError as exc:
        raise serializers.ValidationError(exc.message) from None


class NumberField(serializers.FloatField):
    """A float that refuses JSON ``true``/``false`` (DRF would read them as
    1.0 and 0.0, and ``true`` would then be charged as ε = 1)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        return float(super().to_internal_value(data))


class BenchmarkInput(StrictSerializer):
    kpi = serializers.CharField(max_length=8)
    period = serializers.CharField(max_length=32)
    epsilon = NumberField(required=False, default=DEFAULT_BENCHMARK_EPSILON)

    def validate_epsilon(self, value: float) -> float:
        return _checked(check_epsilon, value, "epsilon")


class NoisyReleaseInput(StrictSerializer):
    kpi_id = serializers.CharField(max_length=8)
    period = serializers.CharField(max_length=32)
    mechanism = serializers.ChoiceField(choices=list(MECHANISMS), default="laplace")
    epsilon = NumberField()
    delta = NumberField(required=False, default=0.0)
    contributions = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=MAX_CONTRIBUTIONS
    )
    breakdown = serializers.ChoiceField(
        choices=["", *sorted(PUBLIC_KEYS)], required=False, default=""
    )

    def validate_epsilon(self, value: float) -> float:
        return _checked(check_epsilon, value, "epsilon")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("mechanism") == "gaussian":
            try:
                check_delta(attrs.get("delta", 0.0))
            except PrivacyInputError as exc:
                raise serializers.ValidationError({"delta": exc.message}) from None
        elif attrs.get("delta"):
            raise serializers.ValidationError(
                {"delta": "Only Gaussian noise uses delta; leave it out for Laplace."}
            )
        return attrs


KPI_PARAM = OpenApiParameter("kpi", str, description="KPI id, e.g. R03")
PERIOD_PARAM = OpenApiParameter("period", str, description="2026, 2026-Q1, 2026-03")


def _access(request: Request, slug: str) -> Any:
    try:
        return selectors.benchmark_access(user=request.user, slug=slug)
    except Http404:
        raise NotFound() from None


class BenchmarkApi(APIView):
    """GET: the benchmark of an initiative against peers of the same
    intervention type for one KPI and period (404 until built). POST: build
    it (once; the ε is charged to each contributing organisation)."""

    @extend_schema(parameters=[KPI_PARAM, PERIOD_PARAM], responses={200: dict})
    def get(self, request: Request, slug: str) -> Response:
        initiative, audience = _access(request, slug)
        kpi_id = request.query_params.get("kpi", "")[:8]
        if not kpi_id:
            raise DrfValidationError({"kpi": "Give a KPI id, e.g. R03."})
        period = _period(request.query_params.get("period"))
        from evidencehub.core.kpis.definitions import load_catalogue

        kpi = load_catalogue().get(kpi_id)
        if kpi is None:
            raise DrfValidationError({"kpi": f"Unknown KPI: {kpi_id!r}."})
        bench = selectors.stored_benchmark(
            intervention_type=initiative.intervention_type,
            kpi_id=kpi.id,
            kpi_version=kpi.version,
            period=period,
        )
        if bench is None:
            raise NotFound(
                "No benchmark for this KPI and period yet; POST to build it."
            )
        return Response(
            selectors.benchmark_view(
                bench=bench, initiative=initiative, audience=audience, period=period
            )
        )

    @extend_schema(request=BenchmarkInput, responses={200: dict, 201: dict})
    def post(self, request: Request, slug: str) -> Response:
        initiative, audience = _access(request, slug)
        if not selectors.can_build_benchmark(user=request.user, initiative=initiative):
            raise PermissionDenied(
                "Your role does not allow this (export): building a benchmark "
                "spends the privacy budget of every contributing organisation."
            )
        data = BenchmarkInput(data=request.data)
        data.is_valid(raise_exception=True)
        period = _period(data.validated_data["period"])
        try:
            bench, created = services.build_benchmark(
                intervention_type=initiative.intervention_type,
                kpi_id=data.validated_data["kpi"],
                period=period,
                epsilon=data.validated_data["epsilon"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except TooFewPeers as exc:
            raise Refused(str(exc), "too_few_peers") from None
        body = selectors.benchmark_view(
            bench=bench, initiative=initiative, audience=audience, period=period
        )
        return Response(
            body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class NoisyReleaseApi(APIView):
    """A noisy version of one of the initiative's KPI figures for use outside
    the organisation; charged to the organisation's ε ledger."""

    @extend_schema(request=NoisyReleaseInput, responses={201: dict})
    def post(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.EXPORT)
        data = NoisyReleaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        common: dict[str, Any] = {
            "initiative": initiative,
            "kpi_id": v["kpi_id"],
            "period": _period(v["period"]),
            "epsilon": v["epsilon"],
            "mechanism": v["mechanism"],
            "delta": v["delta"],
            "contributions": v["contributions"],
            "actor": request.user,
        }
        try:
            if v["breakdown"]:
                entry, payload = services.release_noisy_breakdown(
                    breakdown=v["breakdown"], **common
                )
            else:
                entry, _noisy = services.release_noisy_kpi(**common)
                payload = entry.released
        except BudgetExceeded as exc:
            raise Refused(str(exc), "budget_exceeded") from None
        return Response(
            {"ledger_entry": entry.pk, **payload}, status=status.HTTP_201_CREATED
        )


class LedgerApi(APIView):
    """The organisation's privacy-loss ledger for one year (admins)."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="e.g. 2026")],
        responses={200: dict},
    )
    def get(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug, Capability.VIEW_AUDIT)
        raw = request.query_params.get("year", "")
        year = timezone.now().year
        if raw:
            if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
                raise DrfValidationError({"year": "Give a year such as 2026."})
            year = int(raw)
        summary = selectors.ledger(organisation=organisation, year=year)
        return Response(summary.as_dict())
