"""REST API for instruments and questionnaires. Staff endpoints resolve the
initiative via ``api_initiative`` (404 outsiders, 403 missing capability);
the survey-response endpoint is public (no login, no cookie) for
micro-surveys embedded in a service's own pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
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
from evidencehub.apps.collect.services import normalise_origin
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


MAX_ANSWER_KEYS = 200


class SurveyResponseInput(StrictSerializer):
    answers = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)
    items = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        min_length=1,
        max_length=selectors.MAX_MICRO_ITEMS,
    )

    def validate_answers(self, value: dict[str, Any]) -> dict[str, Any]:
        # Bounded before any key is echoed back in an error message.
        if len(value) > MAX_ANSWER_KEYS:
            raise serializers.ValidationError(
                f"At most {MAX_ANSWER_KEYS} answers in one response."
            )
        if any(len(str(k)) > 64 for k in value):
            raise serializers.ValidationError("Item ids have at most 64 characters.")
        return value


def submission_retry_after(request: Any) -> int | None:
    """Seconds to wait when this client sent too many answers this minute
    (``EVIDENCEHUB_SURVEY_SUBMISSIONS_PER_MINUTE``, default 30); no address is
    kept (see evidencehub.api.throttle)."""
    limit = int(getattr(settings, "EVIDENCEHUB_SURVEY_SUBMISSIONS_PER_MINUTE", 30))
    return retry_after(f"survey:{client_fingerprint(request)}", 1, limit)


def _own_origin(request: Request) -> str:
    return f"{request._request.scheme}://{request._request.get_host()}".lower()


def embed_origin(request: Request, q: Questionnaire | None) -> tuple[bool, str]:
    """(allowed, origin to echo in CORS headers) for a browser request.

    No ``Origin`` header (a server or a same-origin GET) and the hub's own
    origin are allowed without CORS headers; another site only when it is
    listed on one of the initiative's active public site keys, as for the
    snippet's events (Fetch standard, CORS protocol)."""
    origin = str(request._request.META.get("HTTP_ORIGIN", "")).strip()
    if not origin:
        return True, ""
    try:
        clean = normalise_origin(origin)
    except ValueError:
        return False, ""
    if clean == _own_origin(request):
        return True, ""
    if q is not None and clean in selectors.embed_origins(initiative=q.initiative):
        return True, origin
    return False, ""


def _cors(response: Any, origin: str, methods: str) -> Any:
    response["Vary"] = "Origin"
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = methods
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "600"
    return response


def _looked_up(view: APIView, kwargs: dict[str, Any]) -> Questionnaire | None:
    """The questionnaire the handler already found, else look it up (the
    handler may have stopped before, e.g. on a throttle)."""
    if hasattr(view, "questionnaire"):
        found: Questionnaire | None = view.questionnaire
        return found
    return selectors.questionnaire_by_public_id(str(kwargs.get("public_id", "")))


ORIGIN_REFUSED = {
    "origin": [
        "This site may not embed this questionnaire: list it on one of the "
        "initiative's public site keys."
    ]
}


class SurveyResponseApi(APIView):
    """Public: submit answers to an open questionnaire (e.g. a micro-survey
    embedded in a service's page). Answers ``risk: true`` with the crisis
    text when a safety item is above its threshold. Browsers on other sites
    are answered only for origins on the initiative's public site keys."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """CORS headers only for origins on the initiative's site keys; no
        credentials are ever involved."""
        response = super().finalize_response(request, response, *args, **kwargs)
        _ok, origin = embed_origin(request, _looked_up(self, kwargs))
        return _cors(response, origin, "POST, OPTIONS")

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
        q = self.questionnaire = selectors.questionnaire_by_public_id(public_id)
        if q is None:
            raise NotFound()
        if not embed_origin(request, q)[0]:
            return Response(ORIGIN_REFUSED, status=status.HTTP_403_FORBIDDEN)
        data = SurveyResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        only: list[str] | None = None
        if "items" in values:
            try:
                only = selectors.micro_item_ids(
                    questionnaire=q, raw=" ".join(values["items"])
                )
            except ValidationError as exc:
                _raise(exc)
        try:
            _resp, result = services.response_submit(
                questionnaire=q,
                answers=values["answers"],
                code=values.get("code", ""),
                language=values.get("language", ""),
                only_items=only,
            )
        except ValidationError as exc:
            _raise(exc)
        body: dict[str, Any] = {"risk": result.risk}
        if result.risk:
            body["crisis_text"] = services.crisis_text_for(q.initiative)
        return Response(body, status=status.HTTP_201_CREATED)


class MicroSurveyApi(APIView):
    """Public: the wording of one to three items of an open questionnaire
    for a micro-survey embedded in a service's page by the snippet
    (``?items=distress&lang=de``), with the crisis resources to show at once
    when a safety item is answered above its threshold. Only wording whose
    licence allows publishing is ever included."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        _ok, origin = embed_origin(request, _looked_up(self, kwargs))
        return _cors(response, origin, "GET, OPTIONS")

    @extend_schema(
        parameters=[
            OpenApiParameter("items", str, required=True),
            OpenApiParameter("lang", str),
        ],
        responses=inline_serializer(
            "MicroSurvey",
            {
                "items": serializers.ListField(child=serializers.DictField()),
                "crisis_text": serializers.CharField(),
            },
        ),
        auth=[],
    )
    def get(self, request: Request, public_id: str) -> Response:
        q = self.questionnaire = selectors.questionnaire_by_public_id(public_id)
        if q is None:
            raise NotFound()
        if not embed_origin(request, q)[0]:
            return Response(ORIGIN_REFUSED, status=status.HTTP_403_FORBIDDEN)
        unknown = sorted(set(request.query_params) - {"items", "lang"})
        if unknown:
            raise DrfValidationError(
                {name[:64]: ["Unknown parameter."] for name in unknown[:5]}
            )
        language = str(request.query_params.get("lang", ""))[:16]
        if language not in {code for code, _name in settings.LANGUAGES}:
            language = ""
        try:
            ids = selectors.micro_item_ids(
                questionnaire=q, raw=str(request.query_params.get("items", ""))
            )
        except ValidationError as exc:
            _raise(exc)
        with translation.override(language or settings.LANGUAGE_CODE):
            labels = {
                "send": gettext("Send"),
                "thanks": gettext("Thank you. Your answer has been saved."),
                "error": gettext("Your answer could not be sent. Please try again."),
                "crisis": gettext("Support, right now"),
                "choose": gettext("Please choose an answer first."),
            }
        return Response(
            {
                "questionnaire": q.public_id,
                "title": q.title,
                "language": language,
                "items": [
                    {
                        "id": it.id,
                        "text": it.text,
                        "options": [
                            {"value": v, "label": lab} for v, lab in it.options
                        ],
                        "risk": it.risk,
                        "risk_above": it.risk_above,
                    }
                    for it in selectors.micro_items(
                        questionnaire=q, ids=ids, language=language
                    )
                ],
                "crisis_text": services.crisis_text_for(q.initiative),
                "labels": labels,
            }
        )
