"""View helpers that decide tenancy once, for every organisation page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from evidencehub.apps.accounts.selectors import CapabilityDenied, organisation_for_user
from evidencehub.core.permissions import Capability

ViewFunc = Callable[..., HttpResponse]


def organisation_required(
    capability: Capability = Capability.VIEW,
) -> Callable[[ViewFunc], ViewFunc]:
    """Resolve ``org_slug`` to ``organisation`` and ``role`` for the view.

    Non-members get 404 (they cannot learn that the organisation exists);
    members without ``capability`` get 403.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, **kwargs: Any) -> HttpResponse:
            try:
                organisation, role = organisation_for_user(
                    user=request.user, slug=org_slug, capability=capability
                )
            except CapabilityDenied as exc:
                raise PermissionDenied(str(exc)) from None
            return view(request, organisation=organisation, role=role, **kwargs)

        return wrapper

    return decorator
