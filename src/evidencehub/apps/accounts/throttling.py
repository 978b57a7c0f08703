"""Failed-login throttling (django-axes) without keeping staff addresses.

Lockout is by username only (settings.AXES_LOCKOUT_PARAMETERS), so the client's
address is never needed; returning ``None`` keeps it out of the database.
"""

from __future__ import annotations

from django.http import HttpRequest


def no_client_ip(request: HttpRequest) -> None:
    return None
