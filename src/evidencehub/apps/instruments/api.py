"""REST API for instruments and questionnaires. Staff endpoints resolve the
initiative via ``api_initiative`` (404 outsiders, 403 missing capability);
the survey-response endpoint is public (no login, no cookie) for
micro-surveys embedded in a service's own pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.serializers import StrictSerializer
from evidencehub.api.tenancy import api_initiative
from evidencehub.api.throttle import client_fingerprint, retry_after
from evidencehub.apps.instruments import selectors, services
from evidencehub.apps.instruments.models import (
    InstrumentVersion,
    Occasion,
    Questionnaire,
)
from evidencehub.core.instruments import instrument_to_dict
from evidencehub.core.permissions import Capability


class InstrumentOutput(serializers.Serializer[Any]):
    id = serializers.CharField()
    version = serializers.CharField()
    title = serializers.CharField()
    construct = serializers.CharField()
    licence = serializers.DictField()
    text_shipped = serializers.BooleanField()
    risk_items = serializers.ListField(child=serializers.CharField())


def _instrument(v: InstrumentVersion) -> dict[str, Any]:
    inst = v.instrument
    return {
        "id": inst.id,
        "version": inst.version,
        "title": inst.title,
        "construct": inst.construct,
        "licence": {
            "name": inst.licence.name,
            "text_may_be_shipped": inst.licence.text_may_be_shipped,
            "statement": inst.licence.statement,
            "source": inst.licence.source,
            "verified": inst.licence.verified,
        },
        "text_shipped": inst.licence.text_may_be_shipped,
        "risk_items": [it.id for it in inst.risk_items],
    }


class InstrumentListApi(APIView):
    """The shipped catalogue."""

    @extend_schema(responses=InstrumentOutput(many=True))
    def get(self, request: Request) -> Response:
        services.ensure_catalogue()
        rows = InstrumentVersion.objects.filter(organisation__isnull=True)
        return Response([_instrument(v) for v in rows])


class InstrumentDetailApi(APIView):
    """One shipped instrument version's full definition (licensed text never
    included: shipped definitions of licensed instruments carry none)."""

    @extend_schema(
        responses=inline_serializer(
            "InstrumentDefinition", {"id": serializers.CharField()}
        )
    )
    def get(self, request: Request, instrument_id: str, version: str) -> Response:
        services.ensure_catalogue()
        v = InstrumentVersion.objects.filter(
            organisation__isnull=True, instrument_id=instrument_id, version=version
        ).first()
        if v is None:
            raise NotFound()
        return Response(instrument_to_dict(v.instrument))


class QuestionnaireSerializer(StrictSerializer):
    id = serializers.IntegerField(read_only=True)
    instrument_id = serializers.CharField(max_length=64)
    instrument_version = serializers.CharField(max_length=20)
    occasion = serializers.ChoiceField(choices=Occasion.choices)
    follow_up_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=60
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    ask_code = serializers.BooleanField(required=False, default=True)
    allow_free_text = serializers.BooleanField(required=False, default=False)
    public_url = serializers.CharField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)


def _questionnaire(q: Questionnaire) -> dict[str, Any]:
    return {
        "id": q.pk,
        "instrument_id": q.instrument_version.instrument_id,
        "instrument_version": q.instrument_version.version,
        "occasion": q.occasion,
        "follow_up_months": q.follow_up_months,
        "title": q.title,
        "ask_code": q.ask_code,
        "allow_free_text": q.allow_free_text,
        "public_url": f"/s/{q.public_id}/",
        "is_open": q.is_open,
    }


def _raise(exc: ValidationError) -> None:
    raise DrfValidationError(exc.message_dict) from None


class QuestionnaireListApi(APIView):
    @extend_schema(responses=QuestionnaireSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        return Response(
            [
                _questionnaire(q)
                for q in selectors.questionnaires_for(initiative=initiative)
            ]
        )

    @extend_schema(
        request=QuestionnaireSerializer, responses={201: QuestionnaireSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.EDIT_PLAN)
        data = QuestionnaireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = next(
            (
                v
                for v in services.available_versions(
                    organisation=initiative.organisation
                )
                if v.instrument_id == values["instrument_id"]
                and v.version == values["instrument_version"]
            ),
            None,
        )
        if version is None:
            raise DrfValidationError(
                {"instrument_id": ["Unknown instrument or version."]}
            )
        try:
            q = services.questionnaire_create(
                actor=request.user,
                initiative=initiative,
                instrument_version=version,
                occasion=values["occasion"],
                follow_up_months=values.get("follow_up_months"),
                title=values.get("title", ""),
                ask_code=values["ask_code"],
                allow_free_text=values["allow_free_text"],
            )
        except ValidationError as exc:
            _raise(exc)
        return Response(_questionnaire(q), status=status.HTTP_201_CREATED)


class ResultsOutput(serializers.Serializer[Any]):
    n = serializers.IntegerField()
    comparisons = serializers.ListField(child=serializers.DictField())


def _figure(f: selectors.Figure | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "label": f.label,
        "value": f.value,
        "method": f.method,
        "n": f.n,
        "note": f.note,
    }


class QuestionnaireResultsApi(APIView):
    """Pre/post results; every figure says its method id, version and n."""

    @extend_schema(responses=ResultsOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        initiative, _role = api_initiative(request, slug)
        q = (
            Questionnaire.objects.filter(pk=pk, initiative=initiative)
            .select_related("instrument_version")
            .first()
        )
        if q is None:
            raise NotFound()
        r = selectors.results(questionnaire=q)
        return Response(
            {
                "n": r.n,
                "n_valid": r.n_valid,
                "n_risk": r.n_risk,
                "by_month": [{"month": m, "n": n} for m, n in r.by_month],
                "caveat": r.caveat,
                "comparisons": [
                    {
                        "baseline": c.baseline.pk,
                        "later": c.later.pk,
                        "baseline_n": c.baseline_n,
                        "pairs": c.pairs,
                        "pairing_rate": _figure(c.pairing_rate),
                        "follow_up_rate": _figure(c.follow_up_rate),
                        "attrition": _figure(c.attrition),
                        "measures": [
                            {
                                "key": m.key,
                                "pairs": m.pairs,
                                "mean_change": _figure(m.change),
                                "d_z": _figure(m.effect),
                                "hedges_g": _figure(m.effect_g),
                                "reliable_change": m.classification,
                                "reliable_change_method": m.classification_method,
                                "threshold": m.threshold_note,
                                "recovered": _figure(m.clinically_significant),
                            }
                            for m in c.measures
                        ],
                    }
                    for c in r.comparisons
                ],
            }
        )


class SurveyResponseInput(StrictSerializer):
    answers = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)


def submission_retry_after(request: Any) -> int | None:
    """Seconds to wait when this client sent too many answers this minute
    (``EVIDENCEHUB_SURVEY_SUBMISSIONS_PER_MINUTE``, default 30); no address is
    kept (see evidencehub.api.throttle)."""
    limit = int(getattr(settings, "EVIDENCEHUB_SURVEY_SUBMISSIONS_PER_MINUTE", 30))
    return retry_after(f"survey:{client_fingerprint(request)}", 1, limit)


class SurveyResponseApi(APIView):
    """Public: submit answers to an open questionnaire (e.g. a micro-survey
    embedded in a service's page). Answers ``risk: true`` with the crisis
    text when a safety item is above its threshold."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """Any page may embed a micro-survey: no credentials are involved, so
        a wildcard origin exposes nothing (CORS, Fetch standard)."""
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "600"
        return response

    @extend_schema(
        request=SurveyResponseInput,
        responses={
            201: inline_serializer(
                "SurveyResponseOutput", {"risk": serializers.BooleanField()}
            )
        },
    )
    def post(self, request: Request, public_id: str) -> Response:
        retry = submission_retry_after(request)
        if retry is not None:
            return Response(
                {"detail": "Too many submissions; try again later."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(retry)},
            )
        q = selectors.questionnaire_by_public_id(public_id)
        if q is None:
            raise NotFound()
        data = SurveyResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            _resp, result = services.response_submit(
                questionnaire=q,
                answers=values["answers"],
                code=values.get("code", ""),
                language=values.get("language", ""),
            )
        except ValidationError as exc:
            _raise(exc)
        body: dict[str, Any] = {"risk": result.risk}
        if result.risk:
            body["crisis_text"] = services.crisis_text_for(q.initiative)
        return Response(body, status=status.HTTP_201_CREATED)
