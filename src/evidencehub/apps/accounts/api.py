from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.tenancy import api_organisation
from evidencehub.apps.accounts.models import Membership, Organisation
from evidencehub.apps.accounts.selectors import (
    memberships_for_organisation,
    organisations_for_user,
    role_in,
)
from evidencehub.apps.accounts.services import (
    membership_add,
    membership_change_role,
    membership_remove,
    organisation_create,
)
from evidencehub.core.permissions import Capability


class OrganisationOutput(serializers.ModelSerializer[Organisation]):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["slug", "name", "country", "description", "website", "role"]

    def get_role(self, obj: Organisation) -> str | None:
        role = role_in(user=self.context["request"].user, organisation=obj)
        return role.value if role else None


class OrganisationInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=60)
    country = serializers.CharField(max_length=2)
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True
    )
    website = serializers.URLField(required=False, allow_blank=True)


class OrganisationListApi(APIView):
    @extend_schema(responses=OrganisationOutput(many=True))
    def get(self, request: Request) -> Response:
        items = organisations_for_user(user=request.user)
        return Response(
            OrganisationOutput(items, many=True, context={"request": request}).data
        )

    @extend_schema(request=OrganisationInput, responses={201: OrganisationOutput})
    def post(self, request: Request) -> Response:
        data = OrganisationInput(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = organisation_create(actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        output = OrganisationOutput(organisation, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


class OrganisationDetailApi(APIView):
    @extend_schema(responses=OrganisationOutput)
    def get(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug)
        return Response(
            OrganisationOutput(organisation, context={"request": request}).data
        )


class MembershipOutput(serializers.ModelSerializer[Membership]):
    email = serializers.EmailField(source="user.email")

    class Meta:
        model = Membership
        fields = ["id", "email", "role", "created_at"]


class MembershipInput(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.RoleChoices.choices)


class MembershipRoleInput(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=Membership.RoleChoices.choices)


class MembershipListApi(APIView):
    @extend_schema(responses=MembershipOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug, Capability.MANAGE_MEMBERS)
        items = memberships_for_organisation(organisation=organisation)
        return Response(MembershipOutput(items, many=True).data)

    @extend_schema(request=MembershipInput, responses={201: MembershipOutput})
    def post(self, request: Request, slug: str) -> Response:
        organisation, _role = api_organisation(request, slug, Capability.MANAGE_MEMBERS)
        data = MembershipInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership, _created = membership_add(
            actor=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            **data.validated_data,
        )
        return Response(
            MembershipOutput(membership).data, status=status.HTTP_201_CREATED
        )


class MembershipDetailApi(APIView):
    def _membership(self, request: Request, slug: str, pk: int) -> Membership:
        from rest_framework.exceptions import NotFound

        organisation, _role = api_organisation(request, slug, Capability.MANAGE_MEMBERS)
        membership = (
            memberships_for_organisation(organisation=organisation)
            .filter(pk=pk)
            .first()
        )
        if membership is None:
            raise NotFound()
        return membership

    @extend_schema(request=MembershipRoleInput, responses=MembershipOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = self._membership(request, slug, pk)
        data = MembershipRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_change_role(
            actor=request.user,  # type: ignore[arg-type]
            membership=membership,
            role=data.validated_data["role"],
        )
        return Response(MembershipOutput(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = self._membership(request, slug, pk)
        membership_remove(actor=request.user, membership=membership)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
