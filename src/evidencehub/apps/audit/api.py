from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.pagination import BoundedLimitOffsetPagination
from evidencehub.api.tenancy import api_organisation
from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.audit.selectors import audit_events_for_organisation
from evidencehub.core.permissions import Capability


class AuditEventOutput(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "action",
            "actor_label",
            "object_type",
            "object_id",
            "object_label",
            "data",
        ]


class AuditEventListApi(APIView):
    """The organisation's audit log, newest first (organisation admins only)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("action", str, description="action prefix filter")
        ],
        responses=AuditEventOutput(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug, Capability.VIEW_AUDIT)
        events = audit_events_for_organisation(
            organisation=organisation,
            action_prefix=request.query_params.get("action", ""),
        )
        paginator = BoundedLimitOffsetPagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(AuditEventOutput(page, many=True).data)
