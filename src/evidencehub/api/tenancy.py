"""Tenancy for API views: resolve an organisation or initiative for the caller,
with 404 for outsiders and 403 for members whose role lacks the capability."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.accounts.selectors import CapabilityDenied, organisation_for_user
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.selectors import initiative_for_user
from evidencehub.core.permissions import Capability, Role


def _call(func: Any, **kwargs: Any) -> Any:
    from django.http import Http404

    try:
        return func(**kwargs)
    except Http404:
        raise NotFound() from None
    except CapabilityDenied as exc:
        raise PermissionDenied(f"Your role does not allow this ({exc}).") from None


def api_organisation(
    request: Request, slug: str, capability: Capability = Capability.VIEW
) -> tuple[Organisation, Role]:
    result: tuple[Organisation, Role] = _call(
        organisation_for_user, user=request.user, slug=slug, capability=capability
    )
    return result


def api_initiative(
    request: Request, slug: str, capability: Capability = Capability.VIEW
) -> tuple[Initiative, Role]:
    result: tuple[Initiative, Role] = _call(
        initiative_for_user, user=request.user, slug=slug, capability=capability
    )
    return result
