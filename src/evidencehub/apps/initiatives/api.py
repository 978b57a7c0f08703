from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.serializers import StrictSerializer
from evidencehub.api.tenancy import api_initiative, api_organisation
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.initiatives.models import (
    DeliveryMode,
    DesignChoices,
    Direction,
    EvaluationPlan,
    EvaluationQuestion,
    Initiative,
    InterventionType,
    JusticeStage,
    KpiTarget,
    LogicModel,
    PreventionLevel,
    Status,
    TargetGroup,
)
from evidencehub.apps.initiatives.selectors import (
    initiatives_for_user,
    jrc_profile,
    plan_with_questions,
)
from evidencehub.apps.initiatives.services import (
    PLAN_FIELDS,
    initiative_create,
    initiative_delete,
    initiative_update,
    logic_model_update,
    plan_update,
    question_delete,
    question_save,
)
from evidencehub.core.evidence import evidence_ceiling, plan_ceiling
from evidencehub.core.logic_model import LOGIC_MODEL_PARTS
from evidencehub.core.permissions import Capability


class InitiativeOutput(serializers.ModelSerializer[Initiative]):
    organisation = serializers.CharField(source="organisation.slug", read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "slug",
            "organisation",
            "name",
            "description",
            "intervention_type",
            "prevention_level",
            "delivery_mode",
            "onion_service",
            "target_groups",
            "stage_in_justice",
            "countries",
            "languages",
            "start_date",
            "end_date",
            "status",
            "website",
            "created_at",
            "updated_at",
        ]


class InitiativeInput(StrictSerializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=60)
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True
    )
    intervention_type = serializers.ChoiceField(choices=InterventionType.choices)
    prevention_level = serializers.ChoiceField(choices=PreventionLevel.choices)
    delivery_mode = serializers.ChoiceField(choices=DeliveryMode.choices)
    onion_service = serializers.BooleanField(required=False)
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), max_length=10
    )
    stage_in_justice = serializers.ChoiceField(
        choices=JusticeStage.choices, required=False
    )
    countries = serializers.ListField(
        child=serializers.CharField(max_length=2), max_length=60
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=35), max_length=60
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    website = serializers.URLField(required=False, allow_blank=True)


class InitiativeCreateInput(InitiativeInput):
    organisation = serializers.SlugField()


class InitiativeListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("organisation", str, description="organisation slug")
        ],
        responses=InitiativeOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        items = initiatives_for_user(user=request.user)
        if org := request.query_params.get("organisation"):
            items = items.filter(organisation__slug=org)
        return Response(InitiativeOutput(items, many=True).data)

    @extend_schema(request=InitiativeCreateInput, responses={201: InitiativeOutput})
    def post(self, request: Request) -> Response:
        data = InitiativeCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organisation, _role = api_organisation(
            request, values.pop("organisation"), Capability.EDIT_INITIATIVE
        )
        initiative = initiative_create(
            actor=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            **values,
        )
        return Response(
            InitiativeOutput(initiative).data, status=status.HTTP_201_CREATED
        )


class InitiativeDetailApi(APIView):
    @extend_schema(responses=InitiativeOutput)
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        return Response(InitiativeOutput(initiative).data)

    @extend_schema(request=InitiativeInput, responses=InitiativeOutput)
    def patch(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.EDIT_INITIATIVE)
        data = InitiativeInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        initiative = initiative_update(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            **data.validated_data,
        )
        return Response(InitiativeOutput(initiative).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.EDIT_INITIATIVE)
        initiative_delete(actor=request.user, initiative=initiative)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


def _parts_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=300), max_length=30, required=False
    )


class LogicModelSerializer(StrictSerializer):
    inputs = _parts_field()
    activities = _parts_field()
    outputs = _parts_field()
    outcomes_short = _parts_field()
    outcomes_medium = _parts_field()
    outcomes_long = _parts_field()
    assumptions = _parts_field()


class LogicModelApi(APIView):
    @extend_schema(responses=LogicModelSerializer)
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        model, _created = LogicModel.objects.get_or_create(initiative=initiative)
        return Response({part: getattr(model, part) for part in LOGIC_MODEL_PARTS})

    @extend_schema(request=LogicModelSerializer, responses=LogicModelSerializer)
    def put(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.EDIT_PLAN)
        data = LogicModelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = logic_model_update(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            parts=dict(data.validated_data),
        )
        return Response({part: getattr(model, part) for part in LOGIC_MODEL_PARTS})


class KpiTargetSerializer(StrictSerializer):
    kpi_id = serializers.CharField(max_length=100)
    target_value = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True
    )
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CeilingSerializer(serializers.Serializer[Any]):
    design = serializers.CharField()
    sms = serializers.IntegerField(allow_null=True)
    eif = serializers.CharField(allow_null=True)
    condition = serializers.CharField()


class QuestionSerializer(StrictSerializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=500)
    design = serializers.ChoiceField(choices=DesignChoices.choices)
    design_notes = serializers.CharField(
        max_length=2000, required=False, allow_blank=True
    )
    kpi_targets = KpiTargetSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=20
    )
    evidence_ceiling = CeilingSerializer(read_only=True)


class PlanSerializer(StrictSerializer):
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    purpose = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    information_text = serializers.CharField(
        max_length=8000, required=False, allow_blank=True
    )
    data_collected = serializers.CharField(
        max_length=4000, required=False, allow_blank=True
    )
    retention_days = serializers.IntegerField(
        min_value=1, required=False, allow_null=True
    )
    safeguarding_route = serializers.CharField(
        max_length=4000, required=False, allow_blank=True
    )
    ethics_reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    ethics_body = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    questions = QuestionSerializer(many=True, read_only=True)
    evidence_ceiling = CeilingSerializer(read_only=True, allow_null=True)


def _ceiling(design: str) -> dict[str, Any]:
    c = evidence_ceiling(design)
    return {
        "design": c.design.value,
        "sms": c.sms,
        "eif": c.eif.value if c.eif else None,
        "condition": c.condition,
    }


def _question(q: EvaluationQuestion) -> dict[str, Any]:
    targets: list[KpiTarget] = list(q.kpi_targets.all())
    return {
        "id": q.pk,
        "text": q.text,
        "design": q.design,
        "design_notes": q.design_notes,
        "kpi_targets": KpiTargetSerializer(targets, many=True).data,
        "evidence_ceiling": _ceiling(q.design),
    }


def _plan(plan: EvaluationPlan) -> dict[str, Any]:
    questions = list(plan.questions.all())
    ceiling = plan_ceiling([q.design for q in questions])
    payload: dict[str, Any] = {field: getattr(plan, field) for field in PLAN_FIELDS}
    payload["questions"] = [_question(q) for q in questions]
    payload["evidence_ceiling"] = _ceiling(ceiling.design) if ceiling else None
    return payload


class PlanApi(APIView):
    @extend_schema(responses=PlanSerializer)
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        return Response(_plan(plan_with_questions(initiative=initiative)))

    @extend_schema(request=PlanSerializer, responses=PlanSerializer)
    def put(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.EDIT_PLAN)
        data = PlanSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        plan_update(actor=request.user, initiative=initiative, **data.validated_data)  # type: ignore[arg-type]
        return Response(_plan(plan_with_questions(initiative=initiative)))


class QuestionListApi(APIView):
    @extend_schema(request=QuestionSerializer, responses={201: QuestionSerializer})
    def post(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug, Capability.EDIT_PLAN)
        data = QuestionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        question = question_save(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            kpi_targets=[dict(t) for t in values.pop("kpi_targets", [])],
            **values,
        )
        return Response(_question(question), status=status.HTTP_201_CREATED)


class QuestionDetailApi(APIView):
    def _get(self, request: Request, slug: str, pk: int, capability: Capability) -> Any:
        initiative, _role = api_initiative(request, slug, capability)
        question = EvaluationQuestion.objects.filter(
            pk=pk, plan__initiative=initiative
        ).first()
        if question is None:
            raise NotFound()
        return initiative, question

    @extend_schema(request=QuestionSerializer, responses=QuestionSerializer)
    def put(self, request: Request, slug: str, pk: int) -> Response:
        initiative, question = self._get(request, slug, pk, Capability.EDIT_PLAN)
        data = QuestionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        question = question_save(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            question=question,
            kpi_targets=[dict(t) for t in values.pop("kpi_targets", [])],
            **values,
        )
        return Response(_question(question))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        _initiative, question = self._get(request, slug, pk, Capability.EDIT_PLAN)
        question_delete(actor=request.user, question=question)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class JrcProfileApi(APIView):
    """The initiative described with the JRC 2023 (JRC131323) taxonomy."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, slug: str) -> Response:
        initiative, _role = api_initiative(request, slug)
        payload = jrc_profile(initiative=initiative)
        audit_record(
            action="evidencehub.initiative.exported",
            actor=request.user,  # type: ignore[arg-type]
            organisation=initiative.organisation,
            obj=initiative,
            data={"format": "jrc131323"},
        )
        return Response(payload)
