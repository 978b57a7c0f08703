"""REST API of the funders database (under ``/api/v1/``).

Public records (funders, calls, past grants, coverage) are readable by every
signed-in person; calls are returned in the CommonGrants ``OpportunityBase``
shape plus our provenance fields. Organisation-scoped resources (profile,
matches, saved searches, watchlist, shares) resolve the organisation through
``api_organisation``: outsiders get 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.tenancy import api_organisation
from evidencehub.apps.accounts.models import User
from evidencehub.apps.funding import selectors, services
from evidencehub.apps.funding.imports import (
    ImportFailed,
    export_package,
    import_360giving,
)
from evidencehub.apps.funding.models import (
    Call,
    Funder,
    FundingProfile,
    PastGrant,
    SavedSearch,
    Submission,
    WatchedCall,
)
from evidencehub.core.funding.giving360 import Giving360Error
from evidencehub.core.funding.vocab import LEGAL_FORMS, SIZE_BANDS, THEMES
from evidencehub.core.permissions import Capability


class StrictSerializer(serializers.Serializer[Any]):
    """Rejects fields it does not know, naming each one."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = set(data.keys()) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)


SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description="words; any text is safe"),
    OpenApiParameter("funder_type", str, many=True),
    OpenApiParameter("country", str, many=True, description="ISO 3166-1 alpha-2"),
    OpenApiParameter("theme", str, many=True),
    OpenApiParameter(
        "status", str, many=True, description="open, rolling, forthcoming, closed, all"
    ),
    OpenApiParameter("deadline_within", str, enum=["30", "60", "90"]),
    OpenApiParameter("amount_min", float),
    OpenApiParameter("amount_max", float),
    OpenApiParameter("org_type", str, many=True),
    OpenApiParameter("size", str, many=True),
    OpenApiParameter("sort", str, enum=["relevance", "deadline", "amount"]),
    OpenApiParameter("page", int),
]


def _params(request: Request) -> dict[str, Any]:
    query = request.query_params
    params: dict[str, Any] = {}
    for name in (*services.SEARCH_PARAMS, "page"):
        values = query.getlist(name)
        if values:
            params[name] = values if len(values) > 1 else values[0]
    return params


class SourceSerializer(serializers.Serializer[Any]):
    url = serializers.CharField()
    kind = serializers.CharField()


class ProvenanceMixin(serializers.Serializer[Any]):
    sources = SourceSerializer(many=True)
    last_verified_on = serializers.DateField(allow_null=True)
    origin = serializers.CharField()


class FunderOutput(ProvenanceMixin):
    key = serializers.CharField()
    name = serializers.CharField()
    funder_type = serializers.CharField()
    funder_type_text = serializers.CharField()
    country_region_text = serializers.CharField()
    countries = serializers.ListField(child=serializers.CharField())
    global_scope = serializers.BooleanField()
    website = serializers.CharField()
    org_id = serializers.CharField()
    focus_themes = serializers.ListField(child=serializers.CharField())
    themes = serializers.ListField(child=serializers.CharField())
    eligibility = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    accepts_unsolicited = serializers.BooleanField(allow_null=True)
    typical_grant_size_text = serializers.CharField()
    notes = serializers.CharField()
    named_only = serializers.BooleanField()


class CallOutput(serializers.Serializer[Any]):
    """CommonGrants ``OpportunityBase`` fields, then provenance."""

    id = serializers.CharField()
    title = serializers.CharField()
    status = serializers.DictField()
    description = serializers.CharField(allow_blank=True)
    funding = serializers.DictField()
    keyDates = serializers.DictField()  # noqa: N815 - CommonGrants field name
    acceptedApplicantTypes = serializers.ListField(child=serializers.DictField())  # noqa: N815
    source = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    customFields = serializers.DictField()  # noqa: N815


def call_output(call: Call) -> dict[str, Any]:
    return selectors.commongrants(call)


class CallPage(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    sort = serializers.CharField()
    more_than_total = serializers.BooleanField()
    closed_not_shown = serializers.IntegerField(
        allow_null=True, help_text="null when not counted (a full page matched)"
    )
    ignored = serializers.ListField(child=serializers.CharField())
    facets = serializers.DictField()
    calls = CallOutput(many=True)


class CallListApi(APIView):
    @extend_schema(
        operation_id="calls_search", parameters=SEARCH_PARAMETERS, responses=CallPage
    )
    def get(self, request: Request) -> Response:
        params = _params(request)
        result = selectors.search_calls(params)
        facets = selectors.facet_counts(params)
        return Response(
            {
                "total": result.total,
                "page": result.page,
                "pages": result.pages,
                "sort": result.sort,
                "more_than_total": result.capped,
                "closed_not_shown": result.closed_hidden,
                "ignored": result.ignored,
                "facets": {
                    name: [
                        {"value": v, "label": label, "count": n} for v, label, n in rows
                    ]
                    for name, rows in facets.items()
                },
                "calls": [call_output(c) for c in result.calls],
            }
        )


def _call_or_404(key: str) -> Call:
    call = selectors.call_by_key(key)
    if call is None:
        raise NotFound()
    return call


class CallDetailApi(APIView):
    @extend_schema(responses=CallOutput)
    def get(self, request: Request, key: str) -> Response:
        return Response(call_output(_call_or_404(key)))


class FunderListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str)], responses=FunderOutput(many=True)
    )
    def get(self, request: Request) -> Response:
        text = str(request.query_params.get("q", ""))
        if text.strip():
            funders = selectors.search_records(text, limit=100)["funders"]
        else:
            funders = list(Funder.objects.all()[:500])
        return Response(FunderOutput(funders, many=True).data)


class FunderDetailApi(APIView):
    @extend_schema(responses=FunderOutput)
    def get(self, request: Request, key: str) -> Response:
        funder = Funder.objects.filter(key=key).first()
        if funder is None:
            raise NotFound()
        return Response(FunderOutput(funder).data)


class GrantOutput(serializers.Serializer[Any]):
    identifier = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    currency = serializers.CharField()
    amount_awarded = serializers.DecimalField(max_digits=18, decimal_places=2)
    award_date = serializers.DateField()
    funding_org_name = serializers.CharField()
    recipient_name = serializers.CharField()
    recipient_anonymised = serializers.BooleanField()
    region = serializers.CharField()
    data = serializers.DictField()  # type: ignore[assignment]


class GrantListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("funder", str)],
        responses=GrantOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        text = str(request.query_params.get("q", ""))
        if text.strip():
            grants = selectors.search_grants(text, limit=100)
        else:
            qs = PastGrant.objects.all()
            if funder := request.query_params.get("funder"):
                qs = qs.filter(Q(funding_org_id=funder) | Q(funder__key=funder))
            grants = list(qs[:100])
        return Response(GrantOutput(grants, many=True).data)


class GrantExportApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        grants = PastGrant.objects.order_by("identifier")
        if not grants.exists():
            raise NotFound("There are no past grants to export.")
        try:
            return Response(export_package(grants))
        except Giving360Error as exc:
            return Response({"non_field_errors": [str(exc)]}, status=500)


class ImportInput(serializers.Serializer[Any]):
    file = serializers.FileField()


class ImportApi(APIView):
    """Platform admins import a 360Giving file (multipart ``file``)."""

    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(request=ImportInput, responses={201: dict, 400: dict})
    def post(self, request: Request) -> Response:
        if not request.user.is_superuser:
            raise PermissionDenied("Only platform admins import data.")
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > 50 * 1024 * 1024:
            return Response({"file": ["The file is larger than 50 MB."]}, status=400)
        try:
            batch = import_360giving(
                actor=request.user,  # type: ignore[arg-type]
                name=upload.name,
                data=upload.read(),
            )
        except ImportFailed as exc:
            return Response({"file": [str(exc)], "report": exc.report}, status=400)
        return Response(
            dict(batch.report, created=batch.created, updated=batch.updated),
            status=status.HTTP_201_CREATED,
        )


class CoverageApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        data = selectors.coverage()
        data["countries"] = [
            {"code": c, "name": n, "records": k} for c, n, k in data["countries"]
        ]
        return Response(data)


# --- organisation scoped --------------------------------------------------


class ProfileSerializer(StrictSerializer):
    legal_form = serializers.ChoiceField(
        choices=[("", ""), *LEGAL_FORMS.items()], required=False, allow_blank=True
    )
    size_band = serializers.ChoiceField(
        choices=[("", "")] + [(k, v[0]) for k, v in SIZE_BANDS.items()],
        required=False,
        allow_blank=True,
    )
    themes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(THEMES.items())),
        required=False,
        max_length=len(THEMES),
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=35), required=False, max_length=20
    )
    initiative = serializers.SlugField(required=False, allow_null=True)


def _profile_data(profile: FundingProfile | None) -> dict[str, Any]:
    if profile is None:
        return {
            "legal_form": "",
            "size_band": "",
            "themes": [],
            "languages": [],
            "initiative": None,
        }
    return {
        "initiative": profile.initiative.slug if profile.initiative else None,
        "legal_form": profile.legal_form,
        "size_band": profile.size_band,
        "themes": profile.themes,
        "languages": profile.languages,
    }


class ProfileApi(APIView):
    @extend_schema(responses=ProfileSerializer)
    def get(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug)
        profile = FundingProfile.objects.filter(organisation=organisation).first()
        return Response(_profile_data(profile))

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def put(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(
            request, slug, Capability.EDIT_INITIATIVE
        )
        data = ProfileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "initiative" in values and values["initiative"] is not None:
            slug = values["initiative"]
            values["initiative"] = organisation.initiatives.filter(slug=slug).first()
            if values["initiative"] is None:
                return Response(
                    {"initiative": ["Not an initiative of this organisation."]},
                    status=400,
                )
        profile = services.profile_update(
            actor=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            **values,
        )
        return Response(_profile_data(profile))


class MatchOutput(serializers.Serializer[Any]):
    call = serializers.CharField()
    title = serializers.CharField()
    eligible = serializers.BooleanField()
    score = serializers.IntegerField()
    summary = serializers.CharField()
    reasons = serializers.ListField(child=serializers.DictField())


class MatchesApi(APIView):
    @extend_schema(responses=MatchOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug)
        eligible, ineligible = selectors.matches_for(organisation)
        items = [
            {
                "call": call.key,
                "title": call.name,
                "eligible": m.eligible,
                "score": m.score,
                "summary": m.summary,
                "reasons": [
                    {"check": r.check, "ok": r.ok, "text": r.text} for r in m.reasons
                ],
            }
            for call, m in [*eligible, *ineligible]
        ]
        return Response(items)


class SavedSearchSerializer(StrictSerializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=120)
    params = serializers.DictField()
    feed_url = serializers.CharField(read_only=True)


def _saved_data(saved: SavedSearch, request: Request) -> dict[str, Any]:
    return {
        "id": saved.pk,
        "name": saved.name,
        "params": saved.params,
        "feed_url": request.build_absolute_uri(
            f"/funding/feeds/search/{saved.feed_token}.ics"
        ),
    }


class SavedSearchListApi(APIView):
    @extend_schema(responses=SavedSearchSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug)
        return Response(
            [
                _saved_data(s, request)
                for s in SavedSearch.objects.filter(organisation=organisation)
            ]
        )

    @extend_schema(
        request=SavedSearchSerializer, responses={201: SavedSearchSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug)
        data = SavedSearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.saved_search_create(
            actor=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            name=data.validated_data["name"],
            params=data.validated_data["params"],
        )
        return Response(_saved_data(saved, request), status=status.HTTP_201_CREATED)


class SavedSearchDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        organisation, _role = api_organisation(request, slug)
        saved = SavedSearch.objects.filter(organisation=organisation, pk=pk).first()
        if saved is None:
            raise NotFound()
        services.saved_search_delete(actor=request.user, saved=saved)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class WatchInput(StrictSerializer):
    call = serializers.CharField(max_length=120)


class WatchlistApi(APIView):
    @extend_schema(responses=CallOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug)
        return Response([call_output(c) for c in selectors.watched_calls(organisation)])

    @extend_schema(request=WatchInput, responses={201: CallOutput})
    def post(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug)
        data = WatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        call = selectors.call_by_key(data.validated_data["call"])
        if call is None:
            return Response({"call": ["No call with this key."]}, status=400)
        services.watch(actor=request.user, organisation=organisation, call=call)  # type: ignore[arg-type]
        return Response(call_output(call), status=status.HTTP_201_CREATED)


class WatchDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, key: str) -> Response:
        organisation, _role = api_organisation(request, slug)
        watched = WatchedCall.objects.filter(
            organisation=organisation, call__key=key
        ).first()
        if watched is None:
            raise NotFound()
        services.unwatch(
            actor=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            call=watched.call,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShareInput(StrictSerializer):
    organisation = serializers.SlugField()
    recipients = serializers.ListField(
        child=serializers.EmailField(), min_length=1, max_length=50
    )
    message = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ShareApi(APIView):
    @extend_schema(request=ShareInput, responses={201: dict})
    def post(self, request: Request, key: str) -> Response:
        call = _call_or_404(key)
        data = ShareInput(data=request.data)
        data.is_valid(raise_exception=True)
        organisation, _role = api_organisation(
            request, data.validated_data["organisation"]
        )
        emails = data.validated_data["recipients"]
        people = list(User.objects.filter(email__in=[e.lower() for e in emails]))
        if len(people) != len(set(emails)):
            return Response(
                {"recipients": ["Only members of your organisation."]}, status=400
            )
        services.share_call(
            actor=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            call=call,
            recipients=people,
            message=data.validated_data.get("message", ""),
            call_url=request.build_absolute_uri(f"/funding/calls/{call.key}/"),
        )
        return Response({"shared_with": len(people)}, status=status.HTTP_201_CREATED)


# --- submissions ----------------------------------------------------------


class SubmissionInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=Submission.Kind.choices)
    target_type = serializers.ChoiceField(
        choices=[
            ("", ""),
            ("funder", "funder"),
            ("programme", "programme"),
            ("call", "call"),
        ],
        required=False,
        allow_blank=True,
    )
    target_key = serializers.CharField(max_length=120, required=False, allow_blank=True)
    payload = serializers.DictField()
    source_url = serializers.URLField(max_length=500)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SubmissionOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    target_type = serializers.CharField()
    target_key = serializers.CharField()
    payload = serializers.DictField()
    source_url = serializers.CharField()
    note = serializers.CharField()
    state = serializers.CharField()
    review_note = serializers.CharField()
    applied_key = serializers.CharField()
    created_at = serializers.DateTimeField()


class SubmissionListApi(APIView):
    @extend_schema(responses=SubmissionOutput(many=True))
    def get(self, request: Request) -> Response:
        qs = Submission.objects.all()
        if not request.user.is_superuser:
            qs = qs.filter(submitted_by=request.user)  # type: ignore[misc]
        return Response(SubmissionOutput(qs[:200], many=True).data)

    @extend_schema(request=SubmissionInput, responses={201: SubmissionOutput})
    def post(self, request: Request) -> Response:
        data = SubmissionInput(data=request.data)
        data.is_valid(raise_exception=True)
        submission = services.submission_create(
            actor=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return Response(
            SubmissionOutput(submission).data, status=status.HTTP_201_CREATED
        )


class ReviewInput(StrictSerializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SubmissionReviewApi(APIView):
    @extend_schema(request=ReviewInput, responses=SubmissionOutput)
    def post(self, request: Request, pk: int) -> Response:
        if not request.user.is_superuser:
            raise PermissionDenied("Only platform admins review submissions.")
        submission = Submission.objects.filter(pk=pk).first()
        if submission is None:
            raise NotFound()
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            submission = services.submission_review(
                actor=request.user,  # type: ignore[arg-type]
                submission=submission,
                accept=data.validated_data["accept"],
                note=data.validated_data.get("note", ""),
            )
        except ValidationError:
            raise
        return Response(SubmissionOutput(submission).data)
