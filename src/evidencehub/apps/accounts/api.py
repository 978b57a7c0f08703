from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidencehub.api.serializers import StrictSerializer
from evidencehub.api.tenancy import api_organisation
from evidencehub.apps.accounts.models import Membership, Organisation
from evidencehub.apps.accounts.selectors import (
    is_admin_anywhere,
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
from evidencehub.apps.audit.services import audit_record
from evidencehub.core.permissions import Capability


class OrganisationOutput(serializers.ModelSerializer[Organisation]):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["slug", "name", "country", "description", "website", "role"]

    def get_role(self, obj: Organisation) -> str | None:
        role = role_in(user=self.context["request"].user, organisation=obj)
        return role.value if role else None


class OrganisationInput(StrictSerializer):
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


class MembershipInput(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.RoleChoices.choices)


class MembershipRoleInput(StrictSerializer):
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


class TokenInput(StrictSerializer):
    username = serializers.CharField(max_length=254, help_text="e-mail address")
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    code = serializers.RegexField(
        r"^\d{6}$", required=False, help_text="authenticator code, if 2FA is on"
    )


class TokenOutput(serializers.Serializer[Any]):
    token = serializers.CharField()


class TokenObtainApi(APIView):
    """Exchange e-mail, password and, where two-factor authentication is on, a
    current authenticator code for an API token. Failed attempts count towards
    the same lock-out as the sign-in page."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenInput, responses=TokenOutput, auth=[])
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = authenticate(
            request._request,
            username=values["username"].strip().lower(),
            password=values["password"],
        )
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": ["Wrong e-mail or password."]})
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        if devices:
            code = values.get("code")
            if not code:
                raise ValidationError(
                    {"code": ["Two-factor authentication is on: send code."]}
                )
            if not any(device.verify_token(code) for device in devices):
                audit_record(action="evidencehub.two_factor.failed", actor=user)
                raise ValidationError({"code": ["That code did not match."]})
        elif settings.REQUIRE_2FA_FOR_ADMINS and is_admin_anywhere(user=user):
            raise PermissionDenied(
                "Set up two-factor authentication before using the API."
            )
        token, _created = Token.objects.get_or_create(user=user)
        audit_record(action="evidencehub.api_token.created", actor=user)
        return Response({"token": token.key})
