"""REST API: exports, share links and background jobs of an initiative.
Initiative endpoints resolve the initiative via ``api_initiative`` (404
outsiders, 403 missing capability)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.serializers import StrictSerializer
from evidencehub.api.tenancy import api_initiative
from evidencehub.apps.disclosure.selectors import Audience
from evidencehub.apps.sharing import exports, selectors, services
from evidencehub.apps.sharing.models import BackgroundJob, ShareLink
from evidencehub.core.kpis.results import Period, PeriodError, parse_period
from evidencehub.core.permissions import Capability, role_can

AUDIENCES = [a.value for a in Audience]


def _period(raw: Any) -> Period:
    try:
        return parse_period(str(raw or timezone.now().year))
    except PeriodError as exc:
        raise DrfValidationError({"period": [str(exc)]}) from None


class ExportQuery(StrictSerializer):
    period = serializers.CharField(max_length=32, required=False)
    format = serializers.ChoiceField(choices=list(exports.FORMATS), default="json")
    audience = serializers.ChoiceField(choices=AUDIENCES, default="outside")


class FileNegotiation(DefaultContentNegotiation):
    """``format`` names the export's file format here, not DRF's renderer;
    errors are always JSON."""

    def select_renderer(
        self, request: Any, renderers: Any, format_suffix: Any = None
    ) -> Any:
        renderer = next(r for r in renderers if r.format == "json")
        return renderer, renderer.media_type


class ExportApi(APIView):
    """KPI results of a period as a file (csv = zip, xlsx, json) with data
    dictionary and provenance; ``audience=outside`` (default) passes the
    release pipeline. Audit-logged."""

    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, description="2026, 2026-Q1, 2026-03"),
            OpenApiParameter("format", str, enum=list(exports.FORMATS)),
            OpenApiParameter("audience", str, enum=AUDIENCES),
        ],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        initiative, _role = api_initiative(request, slug, Capability.EXPORT)
        query = ExportQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        v = query.validated_data
        out = services.export_create(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            period=_period(v.get("period")),
            fmt=v["format"],
            audience=Audience(v["audience"]),
            via="api",
        )
        response = HttpResponse(out.content, content_type=out.content_type)
        response["Content-Disposition"] = f'attachment; filename="{out.filename}"'
        return response


class LinkInput(StrictSerializer):
    period = serializers.CharField(max_length=32)
    language = serializers.ChoiceField(choices=list(services.LANGUAGES), default="en")
    expires = serializers.DateField(
        help_text="last day the link works; at most 90 days ahead"
    )
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)  # type: ignore[assignment]


class LinkOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    period = serializers.CharField()
    language = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    views = serializers.IntegerField()
    last_viewed_at = serializers.DateTimeField(allow_null=True)


def _link(link: ShareLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "period": link.period,
        "language": link.language,
        "label": link.label,
        "state": link.state(),
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "revoked_at": link.revoked_at,
        "views": link.views,
        "last_viewed_at": link.last_viewed_at,
    }


class LinkListApi(APIView):
    """Share links of an initiative (members); create one (admin, analyst).
    The response to a create holds ``url`` and ``token`` once; only a hash is
    stored."""

    @extend_schema(responses=LinkOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        return Response(
            LinkOutput(
                [_link(x) for x in selectors.links(initiative=initiative)], many=True
            ).data
        )

    @extend_schema(request=LinkInput, responses={201: dict})
    def post(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.EXPORT)
        data = LinkInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            new = services.share_link_create(
                actor=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                data=dict(data.validated_data),
            )
        except ValidationError as exc:
            raise DrfValidationError(exc.message_dict) from None
        from django.urls import reverse

        body = dict(LinkOutput(_link(new.link)).data)
        body["token"] = new.token
        body["url"] = request.build_absolute_uri(
            reverse("sharing:shared", args=[new.token])
        )
        return Response(body, status=201)


class LinkRevokeApi(APIView):
    """Withdraw a link at once (admin, analyst). Idempotent."""

    @extend_schema(request=None, responses=LinkOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.EXPORT)
        link = selectors.link_get(initiative=initiative, pk=pk)
        if link is None:
            raise NotFound()
        services.share_link_revoke(actor=request.user, link=link)  # type: ignore[arg-type]
        return Response(LinkOutput(_link(link)).data)


class ReportJobInput(StrictSerializer):
    period = serializers.CharField(max_length=32)
    language = serializers.ChoiceField(choices=list(services.LANGUAGES), default="en")
    audience = serializers.ChoiceField(choices=AUDIENCES, default="outside")
    format = serializers.ChoiceField(choices=["pdf", "html"], default="pdf")


class JobOutput(serializers.Serializer[Any]):
    id = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    step = serializers.CharField()
    error = serializers.CharField()
    filename = serializers.CharField()


class ReportJobApi(APIView):
    """Start rendering the evaluation report in the background; poll the job."""

    @extend_schema(request=ReportJobInput, responses={202: JobOutput})
    def post(self, request: Request, slug: str) -> Response:
        initiative, role = api_initiative(request, slug)
        data = ReportJobInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if v["audience"] == "internal" and not role_can(role, Capability.EXPORT):
            raise PermissionDenied(
                "Your role does not allow this (export): the internal report "
                "shows small numbers."
            )
        v["period"] = _period(v["period"]).label
        job = services.job_start(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            kind="report",
            params=v,
        )
        job.refresh_from_db()
        return Response(selectors.job_status(job), status=202)


def _job(request: Request, slug: str, job_id: str) -> BackgroundJob:
    initiative, _role = api_initiative(request, slug)
    job = selectors.job_get(initiative=initiative, job_id=job_id)
    if job is None:
        raise NotFound()
    return job


class JobApi(APIView):
    """Progress of a background job (done, total, step, state)."""

    @extend_schema(responses=JobOutput)
    def get(self, request: Request, slug: str, job_id: str) -> Response:
        return Response(selectors.job_status(_job(request, slug, job_id)))


class JobDownloadApi(APIView):
    """The finished file; 409 while the job is not done."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, slug: str, job_id: str) -> HttpResponse:
        job = _job(request, slug, job_id)
        if job.state != BackgroundJob.DONE:
            return Response(
                {
                    "detail": f"The job is {job.state}, not ready yet.",
                    "state": job.state,
                },
                status=409,
            )
        row = BackgroundJob.objects.only("result").get(pk=job.pk)
        response = HttpResponse(bytes(row.result or b""), content_type=job.content_type)
        response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
        return response
