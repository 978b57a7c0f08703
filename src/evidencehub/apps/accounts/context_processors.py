from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from evidencehub.apps.accounts.selectors import (
    consortia_for_user,
    organisations_for_user,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Organisations and consortia for the navigation bar, and the mode banner."""
    user = getattr(request, "user", None)
    return {
        "nav_organisations": organisations_for_user(user=user),
        "nav_consortia": consortia_for_user(user=user),
        "demo_mode": settings.DEMO,
    }
