"""Reads about people and their organisations. Every page and API endpoint
resolves an organisation through :func:`organisation_for_user`, the one place
where tenancy is decided."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from evidencehub.apps.accounts.models import (
    Consortium,
    Membership,
    Organisation,
    User,
)
from evidencehub.core.permissions import Capability, Role, role_can


class CapabilityDenied(PermissionError):
    """The person belongs to the organisation but their role does not allow this."""


def organisations_for_user(*, user: Any) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct()


def role_in(*, user: Any, organisation: Organisation) -> Role | None:
    if not getattr(user, "is_authenticated", False):
        return None
    role = (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def user_can(*, user: Any, organisation: Organisation, capability: Capability) -> bool:
    return role_can(role_in(user=user, organisation=organisation), capability)


def organisation_for_user(
    *, user: Any, slug: str, capability: Capability = Capability.VIEW
) -> tuple[Organisation, Role]:
    """Return the organisation ``slug`` and the caller's role in it.

    Raises:
        Http404: when the organisation does not exist *or* the caller is not a
            member: outsiders cannot tell the two apart.
        CapabilityDenied: when the caller is a member without ``capability``.
    """
    organisation = organisations_for_user(user=user).filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation")
    role = role_in(user=user, organisation=organisation)
    if role is None or not role_can(role, capability):
        raise CapabilityDenied(capability.value)
    return organisation, role


def memberships_for_organisation(*, organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation).select_related("user")


def consortia_for_user(*, user: Any) -> QuerySet[Consortium]:
    if not getattr(user, "is_authenticated", False):
        return Consortium.objects.none()
    return Consortium.objects.filter(memberships__user=user).distinct()


def is_admin_anywhere(*, user: User) -> bool:
    return bool(
        user.is_superuser
        or Membership.objects.filter(user=user, role=Role.ADMIN.value).exists()
    )
