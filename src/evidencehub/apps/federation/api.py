"""REST API of federated sharing: list imported bundles (platform admins and
consortium evaluators), import one (platform admins). The request body of an
import is the bundle itself, read as bytes so its size and exact content are
checked before anything else."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.parsers import SafeJSONParser
from evidencehub.api.tenancy import api_organisation
from evidencehub.apps.accounts.models import User
from evidencehub.apps.federation import selectors, services
from evidencehub.apps.federation.models import ImportedBundle
from evidencehub.core.federation import MAX_BUNDLE_BYTES
from evidencehub.core.kpis.results import PeriodError, parse_period
from evidencehub.core.permissions import Capability


class BundleOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    publisher = serializers.CharField()
    key_fingerprint = serializers.CharField()
    organisation = serializers.CharField()
    organisation_name = serializers.CharField()
    period = serializers.CharField()
    catalogue_version = serializers.CharField()
    threshold = serializers.IntegerField()
    figures = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    imported_at = serializers.DateTimeField()


def bundle_dict(bundle: ImportedBundle, figures: int) -> dict[str, Any]:
    return {
        "id": bundle.pk,
        "publisher": bundle.publisher.name,
        "key_fingerprint": bundle.publisher.fingerprint,
        "organisation": bundle.organisation_slug,
        "organisation_name": bundle.organisation_name,
        "period": bundle.period_label,
        "catalogue_version": bundle.catalogue_version,
        "threshold": bundle.threshold,
        "figures": figures,
        "sha256": bundle.sha256,
        "created_at": bundle.created_at,
        "imported_at": bundle.imported_at,
    }


def _body(request: Request) -> bytes:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > MAX_BUNDLE_BYTES:
        raise DrfValidationError(
            {"bundle": [f"Refused: too large; at most {MAX_BUNDLE_BYTES} bytes."]}
        )
    try:
        return bytes(request.body)
    except RequestDataTooBig:
        raise DrfValidationError(
            {"bundle": [f"Refused: too large; at most {MAX_BUNDLE_BYTES} bytes."]}
        ) from None


class BundleListApi(APIView):
    """``GET``: imported bundles, newest first. ``POST``: import one bundle
    (the body is the bundle JSON); 400 ``{"bundle": [reason]}`` when refused."""

    # The body is read as bytes by ``post``; the parser only documents the type.
    parser_classes = [SafeJSONParser]

    @extend_schema(responses=BundleOutput(many=True))
    def get(self, request: Request) -> Response:
        if not selectors.bundle_access(user=request.user).can_list:
            raise PermissionDenied(
                "Only platform admins and consortium evaluators see bundles."
            )
        rows = selectors.imported_bundles()
        return Response([bundle_dict(r.bundle, r.figures) for r in rows])

    @extend_schema(
        request=OpenApiRequest(request={"type": "object"}),
        responses={201: BundleOutput},
    )
    def post(self, request: Request) -> Response:
        if not selectors.bundle_access(user=request.user).can_import:
            raise PermissionDenied("Only platform admins import bundles.")
        actor = request.user if isinstance(request.user, User) else None
        bundle = services.bundle_import(data=_body(request), actor=actor)
        return Response(
            bundle_dict(bundle, bundle.figures.count()), status=status.HTTP_201_CREATED
        )


class OrganisationBundleApi(APIView):
    """``GET ?period=2026``: a signed bundle of the organisation's protected
    KPI figures for the period, to send to a consortium hub (needs the
    ``export`` capability). 400 ``{"period": [...]}`` for a bad period or
    when no results are stored."""

    @extend_schema(
        parameters=[OpenApiParameter("period", str, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug, Capability.EXPORT)
        try:
            period = parse_period(request.query_params.get("period", "")[:40])
        except PeriodError as exc:
            raise DrfValidationError({"period": [str(exc)]}) from None
        actor = request.user if isinstance(request.user, User) else None
        doc = services.bundle_export(
            organisation=organisation, period=period, actor=actor
        )
        name = f"{organisation.slug}-{period.label}.bundle.json".replace("..", "_")
        return Response(
            doc, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )
