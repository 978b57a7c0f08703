"""REST endpoints for organisation inputs (under /api/v1/). Input goes
through explicit StrictSerializers built from ``fields.KIND_FIELDS`` (unknown
fields are errors), then through the same services as the pages. Tenancy via
``evidencehub.api.tenancy`` (404 outsiders, 403 without the capability)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.serializers import StrictSerializer
from evidencehub.api.tenancy import api_initiative
from evidencehub.apps.operations import fields, kpis, selectors, services
from evidencehub.core.operations.policy import catalogue
from evidencehub.core.permissions import Capability
from evidencehub.core.readability import assess

URL_KINDS = {
    "costs": "cost",
    "funding-sources": "funding",
    "staff-posts": "post",
    "training-records": "training",
    "staff-periods": "staffperiod",
    "materials": "material",
    "policy-alignments": "alignment",
}


def _drf_field(f: fields.Field) -> serializers.Field[Any, Any, Any, Any]:
    common: dict[str, Any] = {"required": f.required, "help_text": str(f.label)}
    if not f.required:
        common["allow_null"] = True
    if f.type == "date":
        return serializers.DateField(**common)
    if f.type == "decimal":
        return serializers.DecimalField(max_digits=16, decimal_places=4, **common)
    if f.type == "int":
        return serializers.IntegerField(**common)
    if f.type == "bool":
        common.pop("allow_null", None)
        return serializers.BooleanField(**common)
    if f.type == "choice":
        return serializers.ChoiceField(choices=list(f.choices), **common)
    return serializers.CharField(
        max_length=f.max_length, allow_blank=not f.required, **common
    )


def _serializer(kind: str) -> type[StrictSerializer]:
    attrs = {f.name: _drf_field(f) for f in fields.KIND_FIELDS[kind]}
    name = "".join(p.title() for p in kind.split("_")) + "InputSerializer"
    return type(name, (StrictSerializer,), attrs)


INPUTS = {kind: _serializer(kind) for kind in fields.KIND_FIELDS}


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def as_dict(kind: str, obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": obj.pk}
    for f in fields.KIND_FIELDS[kind]:
        if f.name == "funder_id":
            out["funder_id"] = obj.funder_id
        elif f.name == "post":
            out["post"] = obj.post_id
        else:
            out[f.name] = _json(getattr(obj, f.name))
    if kind == "material":
        out.update(
            score=_json(obj.score), meets_target=obj.meets_target, method=obj.method
        )
    if kind == "funding":
        out["funder"] = obj.display_name
    return out


def _kind(kind_url: str) -> str:
    if kind_url not in URL_KINDS:
        raise NotFound()
    return URL_KINDS[kind_url]


class RecordListApi(APIView):
    @extend_schema(
        operation_id="operations_records_list",
        responses={200: OpenApiTypes.OBJECT},
        summary="List records of one kind",
    )
    def get(self, request: Request, slug: str, kind: str) -> Response:
        k = _kind(kind)
        initiative, _role = api_initiative(request, slug)
        items = selectors.records(kind=k, initiative=initiative)[:1000]
        return Response([as_dict(k, o) for o in items])

    @extend_schema(
        operation_id="operations_records_create",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
        summary="Create one record (fields as in the import columns)",
    )
    def post(self, request: Request, slug: str, kind: str) -> Response:
        k = _kind(kind)
        initiative, _role = api_initiative(request, slug, Capability.ENTER_DATA)
        ser = INPUTS[k](data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            obj = services.record_create(
                kind=k,
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                data=dict(ser.validated_data),
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(as_dict(k, obj), status=status.HTTP_201_CREATED)


class RecordDetailApi(APIView):
    @extend_schema(
        operation_id="operations_record_retrieve", responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, slug: str, kind: str, pk: int) -> Response:
        k = _kind(kind)
        initiative, _role = api_initiative(request, slug)
        obj = selectors.record(kind=k, initiative=initiative, pk=pk)
        if obj is None:
            raise NotFound()
        data = as_dict(k, obj)
        if k == "material":
            r = assess(
                obj.text,
                obj.language,
                target=float(obj.target) if obj.target is not None else None,
            )
            data["readability"] = {
                "formula": r.formula.id,
                "score": r.score,
                "target": r.target,
                "meets_target": r.meets_target,
                "counts": r.counts.__dict__,
                "hardest": [h.__dict__ for h in r.hardest],
                "method": r.method,
            }
        return Response(data)

    @extend_schema(
        operation_id="operations_record_update",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, slug: str, kind: str, pk: int) -> Response:
        k = _kind(kind)
        initiative, _role = api_initiative(request, slug, Capability.ENTER_DATA)
        obj = selectors.record(kind=k, initiative=initiative, pk=pk)
        if obj is None:
            raise NotFound()
        ser = INPUTS[k](data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            obj = services.record_update(
                kind=k,
                actor=request.user,  # type: ignore[arg-type]
                obj=obj,
                data=dict(ser.validated_data),
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(as_dict(k, obj))

    @extend_schema(operation_id="operations_record_destroy", responses={204: None})
    def delete(self, request: Request, slug: str, kind: str, pk: int) -> Response:
        k = _kind(kind)
        initiative, _role = api_initiative(request, slug, Capability.ENTER_DATA)
        obj = selectors.record(kind=k, initiative=initiative, pk=pk)
        if obj is None:
            raise NotFound()
        services.record_delete(kind=k, actor=request.user, obj=obj)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


def _date(request: Request, name: str) -> datetime.date:
    raw = request.query_params.get(name, "")
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: "Give a date such as 2026-03-31."}) from None


class KpiApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True),
            OpenApiParameter("to", str, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="Cost, funding, staff, accessibility and policy KPIs for a period",
    )
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        start, end = _date(request, "from"), _date(request, "to")
        if end < start:
            raise ValidationError({"to": "Ends before it starts."})
        results = kpis.compute_all(initiative=initiative, start=start, end=end)
        return Response(
            {k: {n: _json(v) for n, v in r.items()} for k, r in results.items()}
        )


class PolicyMatrixApi(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT}, summary="Goals x outcomes x KPIs"
    )
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        return Response(
            [
                {
                    "goal": r.goal.id,
                    "framework": r.goal.framework,
                    "title": r.goal.title,
                    "outcome": r.outcome,
                    "kpi_id": r.kpi_id,
                    "status": r.status,
                    "note": r.note,
                }
                for r in selectors.alignment_matrix(initiative=initiative)
            ]
        )


class PolicyGoalsApi(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT}, summary="The shipped policy goals"
    )
    def get(self, request: Request) -> Response:
        return Response([g.__dict__ for g in catalogue()])
