"""REST endpoints of anonymous collection.

``POST /api/v1/collect`` is public: it authenticates by a site key (browsers)
or a server key (``Authorization: Bearer sk_…``), not by a session, so it is
CSRF-exempt and accepts unauthenticated calls. Everything else resolves the
initiative through ``api_initiative`` (404 for outsiders).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.tenancy import api_initiative
from evidencehub.api.throttle import client_fingerprint, client_ip, retry_after
from evidencehub.apps.collect import selectors, services
from evidencehub.apps.collect.models import (
    AggregateFigure,
    CollectionKey,
    ContactRecord,
    DailyRollup,
    KeyKind,
    Source,
)
from evidencehub.core.collect import events as vocab
from evidencehub.core.collect.figures import DATA_ELEMENTS, validate_figure
from evidencehub.core.permissions import Capability

DEFAULT_MAX_BODY = 1024 * 1024
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
    b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _json(data: dict[str, Any], code: int, origin: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data), status=code, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


def _throttled(name: str, amount: int, limit: int, origin: str) -> HttpResponse | None:
    retry = retry_after(f"collect:{name}", amount, limit)
    if retry is None:
        return None
    response = _json(
        {"detail": "Too many requests; try again later.", "retry_after": retry},
        429,
        origin,
    )
    response["Retry-After"] = str(retry)
    return response


class CollectInput(serializers.Serializer[Any]):
    """Documentation of the body; the view validates with the core rules."""

    key = serializers.CharField(required=False, help_text="the public site key")
    events = serializers.ListField(
        child=serializers.DictField(), max_length=vocab.MAX_BATCH, required=False
    )
    type = serializers.CharField(required=False, help_text=", ".join(vocab.EVENT_TYPES))
    module = serializers.CharField(required=False)
    channel = serializers.CharField(required=False, help_text=", ".join(vocab.CHANNELS))
    locale = serializers.CharField(required=False)
    referrer = serializers.CharField(
        required=False, help_text=", ".join(vocab.REFERRERS)
    )
    campaign = serializers.CharField(required=False)
    id = serializers.CharField(required=False)
    time = serializers.DateTimeField(required=False)
    value = serializers.IntegerField(required=False, min_value=0, max_value=10)


class CollectOutput(serializers.Serializer[Any]):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    dropped = serializers.IntegerField()


def _origin_allowed(key: CollectionKey, origin: str) -> bool:
    try:
        return services.normalise_origin(origin) in key.allowed_origins
    except ValueError:
        return False


class CollectApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes: list[Any] = []
    throttle_classes: list[Any] = []

    @extend_schema(
        request=CollectInput,
        responses={
            200: CollectOutput,
            400: OpenApiResponse(description="names each bad field"),
            403: OpenApiResponse(description="unknown key or origin not allowed"),
            413: OpenApiResponse(description="body too large"),
            415: OpenApiResponse(description="not JSON"),
            429: OpenApiResponse(description="too many requests (Retry-After)"),
            503: OpenApiResponse(description="storage busy (Retry-After)"),
        },
        auth=[],
        summary="Record one service event or a batch of up to 1,000",
    )
    def post(self, request: Request) -> HttpResponse:
        raw = request._request
        origin = str(raw.META.get("HTTP_ORIGIN", ""))
        max_body = int(_setting("EVIDENCEHUB_COLLECT_MAX_BODY_BYTES", DEFAULT_MAX_BODY))
        try:
            length = int(raw.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_body:
            return _json({"detail": f"The body exceeds {max_body} bytes."}, 413)
        body = raw.read(max_body + 1)
        if len(body) > max_body:
            return _json({"detail": f"The body exceeds {max_body} bytes."}, 413)
        content_type = str(raw.META.get("CONTENT_TYPE", "")).split(";")[0].strip()
        if content_type not in ("", "application/json", "text/plain"):
            return _json({"detail": "Send JSON (application/json or text/plain)."}, 415)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return _json({"non_field_errors": ["The body is not valid JSON."]}, 400)
        token = ""
        auth = str(raw.META.get("HTTP_AUTHORIZATION", ""))
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ").strip()
        if isinstance(payload, dict) and "key" in payload:
            key_value = payload.pop("key")
            token = token or (key_value if isinstance(key_value, str) else "")
        token = token or str(request.query_params.get("key", ""))
        return self._collect(request, token, payload, origin, Source.SNIPPET)

    def _collect(
        self, request: Request, token: str, payload: Any, origin: str, source: str
    ) -> HttpResponse:
        raw = request._request
        now = timezone.now()
        context = services.collect_context(token=token, now=now) if token else None
        if context is None:
            return _json({"key": ["Unknown, revoked or expired key."]}, 403)
        key = context.key
        cors = ""
        if key.kind == KeyKind.SITE:
            if origin:
                if not _origin_allowed(key, origin):
                    return _json(
                        {"key": ["This key does not accept events from this origin."]},
                        403,
                    )
                cors = origin
        else:
            source = Source.API
        ip = client_ip(raw)
        user_agent = str(raw.META.get("HTTP_USER_AGENT", ""))
        client = client_fingerprint(raw)
        limited = _throttled(
            f"client:{client}",
            1,
            int(_setting("EVIDENCEHUB_COLLECT_CLIENT_REQUESTS_PER_MINUTE", 600)),
            cors,
        )
        if limited:
            return limited
        events, errors = vocab.split_payload(payload)
        if events is None:
            return _json({k: [v] for k, v in errors.items()}, 400, cors)
        limited = _throttled(
            f"key:{key.pk}",
            len(events),
            int(_setting("EVIDENCEHUB_COLLECT_KEY_EVENTS_PER_MINUTE", 120_000)),
            cors,
        )
        if limited:
            return limited
        single = not (isinstance(payload, dict) and "events" in payload)
        max_age = timedelta(days=int(_setting("EVIDENCEHUB_COLLECT_MAX_AGE_DAYS", 7)))
        clean, errors = vocab.validate_batch(
            events,
            declared=context.declared,
            now=now,
            max_age=max_age,
        )
        if errors:
            if single:
                errors = {k.removeprefix("events[0]."): v for k, v in errors.items()}
            return _json({k: [v] for k, v in errors.items()}, 400, cors)
        try:
            result = services.events_store(
                key=key,
                events=clean,
                ip=ip,
                user_agent=user_agent,
                gpc=str(raw.META.get("HTTP_SEC_GPC", "")).strip() == "1",
                source=source,
                now=now,
                resolution=context.resolution,
            )
        except DatabaseError:
            # Busy or unavailable storage: say so and let the client retry;
            # nothing was acknowledged, so nothing is lost.
            response = _json({"detail": "Storage is busy; retry shortly."}, 503, cors)
            response["Retry-After"] = "5"
            return response
        return _json(
            {
                "accepted": result.accepted,
                "duplicates": result.duplicates,
                "dropped": result.dropped,
            },
            200,
            cors,
        )

    @extend_schema(exclude=True)
    def options(  # type: ignore[override]
        self, request: Request, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        """CORS preflight: allowed for origins listed on an active site key."""
        origin = str(request._request.META.get("HTTP_ORIGIN", ""))
        response = HttpResponse(status=204)
        try:
            allowed = bool(origin) and (
                services.normalise_origin(origin) in services.known_origins()
            )
        except ValueError:
            allowed = False
        if allowed:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Content-Type"
            response["Access-Control-Max-Age"] = "86400"
        response["Vary"] = "Origin"
        return response


PIXEL_FIELDS = ("type", "module", "channel", "locale", "referrer", "campaign")


class CollectPixelApi(APIView):
    """The no-script variant: ``<img src="…/collect/pixel.gif?key=pk_…">``.
    Always answers with a 1x1 GIF (the status code tells success)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(
        parameters=[
            OpenApiParameter("key", str, required=True),
            *(OpenApiParameter(name, str) for name in PIXEL_FIELDS),
        ],
        responses={(200, "image/gif"): OpenApiResponse(description="1x1 GIF")},
        auth=[],
        summary="Record one event from a page without JavaScript",
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        token = str(params.get("key", ""))
        payload: dict[str, Any] = {
            name: str(params[name]) for name in params if name != "key"
        }
        payload.setdefault("type", "page_view")
        referer = str(request._request.META.get("HTTP_REFERER", ""))
        key = services.key_resolve(token=token) if token else None
        if key is not None and key.kind == KeyKind.SITE and referer:
            try:
                ok = services.normalise_origin(referer) in key.allowed_origins
            except ValueError:
                ok = False
            if not ok:
                return self._gif(403)
        if any(name not in PIXEL_FIELDS for name in payload):
            return self._gif(400)
        result = CollectApi()._collect(request, token, payload, "", Source.PIXEL)
        return self._gif(result.status_code)

    @staticmethod
    def _gif(code: int) -> HttpResponse:
        response = HttpResponse(GIF, status=code, content_type="image/gif")
        response["Cache-Control"] = "no-store"
        return response


# -- keys -----------------------------------------------------------------------


class KeyOutput(serializers.ModelSerializer[CollectionKey]):
    kind = serializers.CharField(read_only=True, help_text="site or server")
    key = serializers.CharField(source="public_id", read_only=True)
    active = serializers.SerializerMethodField()
    replaced_by = serializers.CharField(
        source="replaced_by.public_id", read_only=True, default=None
    )

    class Meta:
        model = CollectionKey
        fields = [
            "id",
            "kind",
            "name",
            "key",
            "allowed_origins",
            "created_at",
            "expires_at",
            "revoked_at",
            "replaced_by",
            "last_used_on",
            "active",
        ]

    def get_active(self, obj: CollectionKey) -> bool:
        return obj.is_active()


class NewKeyOutput(KeyOutput):
    token = serializers.SerializerMethodField(
        help_text="the full key; for a server key shown only now"
    )

    class Meta(KeyOutput.Meta):
        fields = [*KeyOutput.Meta.fields, "token"]

    def get_token(self, obj: CollectionKey) -> str:
        return str(self.context["token"])


class StrictSerializer(serializers.Serializer[Any]):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {key: ["Unknown field."] for key in sorted(unknown)}
                )
        return super().to_internal_value(data)


class KeyInput(StrictSerializer):
    kind = serializers.CharField(help_text="site or server")
    name = serializers.CharField(max_length=100)
    allowed_origins = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=20, required=False
    )


class KeyListApi(APIView):
    @extend_schema(responses=KeyOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.MANAGE_SETTINGS)
        return Response(
            KeyOutput(selectors.keys_for(initiative=initiative), many=True).data
        )

    @extend_schema(request=KeyInput, responses={201: NewKeyOutput})
    def post(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.MANAGE_SETTINGS)
        data = KeyInput(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.key_create(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            **data.validated_data,
        )
        return Response(
            NewKeyOutput(new.key, context={"token": new.token}).data,
            status=status.HTTP_201_CREATED,
        )


def _key(request: Request, slug: str, pk: int) -> CollectionKey:
    initiative, _role = api_initiative(request, slug, Capability.MANAGE_SETTINGS)
    key = selectors.key_for(initiative=initiative, pk=pk)
    if key is None:
        raise NotFound()
    return key


class KeyRotateApi(APIView):
    @extend_schema(request=None, responses={201: NewKeyOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        new = services.key_rotate(actor=request.user, key=_key(request, slug, pk))  # type: ignore[arg-type]
        return Response(
            NewKeyOutput(new.key, context={"token": new.token}).data,
            status=status.HTTP_201_CREATED,
        )


class KeyRevokeApi(APIView):
    @extend_schema(request=None, responses=KeyOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        key = services.key_revoke(actor=request.user, key=_key(request, slug, pk))  # type: ignore[arg-type]
        return Response(KeyOutput(key).data)


class SettingsSerializer(StrictSerializer):
    modules = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=200, required=False
    )
    custom_event_types = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=200, required=False
    )
    campaigns = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=200, required=False
    )
    time_resolution = serializers.CharField(required=False, help_text="hour or day")


def _settings_data(obj: Any) -> dict[str, Any]:
    return {
        "modules": obj.modules,
        "custom_event_types": obj.custom_event_types,
        "campaigns": obj.campaigns,
        "time_resolution": obj.time_resolution,
    }


class SettingsApi(APIView):
    @extend_schema(responses=SettingsSerializer)
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        return Response(
            _settings_data(services.collection_settings(initiative=initiative))
        )

    @extend_schema(request=SettingsSerializer, responses=SettingsSerializer)
    def put(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.MANAGE_SETTINGS)
        data = SettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = services.collection_settings_update(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            **data.validated_data,
        )
        return Response(_settings_data(obj))


# -- contact records -----------------------------------------------------------------


class ContactOutput(serializers.ModelSerializer[ContactRecord]):
    # Codes are plain strings in the schema (listed in the docs), so that
    # shared names such as "status" do not produce colliding enums.
    channel = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    caller_type = serializers.CharField(read_only=True)
    offending_status = serializers.CharField(read_only=True)
    risk_level = serializers.CharField(read_only=True)
    self_harm_risk = serializers.CharField(read_only=True)
    repeat_contact = serializers.CharField(read_only=True)
    previous_actions_taken = serializers.CharField(read_only=True)
    safeguarding = serializers.CharField(read_only=True)
    duration = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]

    class Meta:
        model = ContactRecord
        fields = [
            "id",
            "date",
            "hour",
            "channel",
            "status",
            "caller_type",
            "offending_status",
            "concerns",
            "risk_level",
            "self_harm_risk",
            "distress_start",
            "distress_end",
            "actions",
            "repeat_contact",
            "previous_actions_taken",
            "safeguarding",
            "duration",
            "fidelity_sample",
            "source",
        ]


class ContactInput(serializers.Serializer[Any]):
    """Codes as in docs/reference/contact-record-codes.md; validated by the
    core rules (unknown fields are refused)."""

    date = serializers.DateField()
    hour = serializers.IntegerField(required=False, min_value=0, max_value=23)
    channel = serializers.CharField()
    status = serializers.CharField()
    caller_type = serializers.CharField(required=False)
    offending_status = serializers.CharField(required=False)
    concerns = serializers.ListField(child=serializers.CharField(), required=False)
    risk_level = serializers.CharField(required=False)
    self_harm_risk = serializers.CharField(required=False)
    distress_start = serializers.IntegerField(required=False)
    distress_end = serializers.IntegerField(required=False)
    actions = serializers.ListField(child=serializers.CharField(), required=False)
    repeat_contact = serializers.CharField(required=False)
    previous_actions_taken = serializers.CharField(required=False)
    pseudonym = serializers.CharField(
        required=False, help_text="stored only as a keyed hash"
    )
    safeguarding = serializers.CharField(required=False)
    duration = serializers.CharField(required=False)
    fidelity_sample = serializers.BooleanField(required=False)


def _date_param(request: Request, name: str) -> date | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: "Must be a date such as 2026-03-31."}) from None


class ContactListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("from", str), OpenApiParameter("to", str)],
        responses=ContactOutput(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        records = selectors.contact_records(
            initiative=initiative,
            start=_date_param(request, "from"),
            end=_date_param(request, "to"),
        )
        return Response(ContactOutput(records[:5000], many=True).data)

    @extend_schema(request=ContactInput, responses={201: ContactOutput})
    def post(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.ENTER_DATA)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": "Send one JSON object."})
        record = services.contact_record_create(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            data=dict(request.data),
            source=Source.API,
        )
        return Response(ContactOutput(record).data, status=status.HTTP_201_CREATED)


# -- aggregate figures ---------------------------------------------------------


class FigureOutput(serializers.ModelSerializer[AggregateFigure]):
    element = serializers.CharField(read_only=True)

    class Meta:
        model = AggregateFigure
        fields = [
            "id",
            "element",
            "period_start",
            "period_end",
            "value",
            "source_system",
            "note",
            "updated_at",
        ]


class FigureInput(serializers.Serializer[Any]):
    element = serializers.CharField(help_text=", ".join(DATA_ELEMENTS))
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    value = serializers.IntegerField(min_value=0)
    source_system = serializers.CharField(required=False, max_length=100)
    note = serializers.CharField(required=False, max_length=500)


class FigureListApi(APIView):
    @extend_schema(responses=FigureOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        return Response(
            FigureOutput(selectors.figures(initiative=initiative), many=True).data
        )

    @extend_schema(
        request=FigureInput, responses={201: FigureOutput, 200: FigureOutput}
    )
    def post(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.ENTER_DATA)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": "Send one JSON object."})
        clean, errors = validate_figure(dict(request.data), today=timezone.localdate())
        if clean is None:
            raise ValidationError(errors)
        figure, created = services.figure_save(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            clean=clean,
        )
        return Response(
            FigureOutput(figure).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PeriodFigureOutput(serializers.Serializer[Any]):
    element = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    value = serializers.IntegerField(allow_null=True)
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="events, contacts, aggregate or none"
    )
    detail = serializers.CharField()


class PeriodFigureApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True),
            OpenApiParameter("to", str, required=True),
        ],
        responses=PeriodFigureOutput(many=True),
        summary="Each data element for a period, saying which source was used",
    )
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        start, end = _date_param(request, "from"), _date_param(request, "to")
        if start is None or end is None:
            raise ValidationError({"from": "Give both from and to."})
        if end < start:
            raise ValidationError({"to": "Ends before it starts."})
        rows = [
            selectors.figure_for_period(
                initiative=initiative, element=element, start=start, end=end
            ).__dict__
            for element in DATA_ELEMENTS
        ]
        return Response(PeriodFigureOutput(rows, many=True).data)


class RollupOutput(serializers.ModelSerializer[DailyRollup]):
    class Meta:
        model = DailyRollup
        fields = [
            "day",
            "type",
            "module",
            "channel",
            "locale",
            "events",
            "visitor_days",
            "value_count",
            "value_sum",
        ]


class RollupListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("from", str), OpenApiParameter("to", str)],
        responses=RollupOutput(many=True),
        summary="Daily rollups (the organisation's own view, not protected)",
    )
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        end = _date_param(request, "to") or timezone.now().date()
        start = _date_param(request, "from") or end - timedelta(days=30)
        if (end - start).days > 400:
            raise ValidationError({"from": "At most 400 days at a time."})
        rows = selectors.rollups(initiative=initiative, start=start, end=end)
        return Response(RollupOutput(rows, many=True).data)
