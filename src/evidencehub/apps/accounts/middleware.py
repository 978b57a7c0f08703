"""Two-factor authentication: a person who has set up an authenticator app must
enter a code after their password; admins must set one up first where
``REQUIRE_2FA_FOR_ADMINS`` is on (production)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp import user_has_device

from evidencehub.apps.accounts.selectors import is_admin_anywhere

_ALLOWED_PREFIXES = ("/account/2fa/", "/account/logout/", "/static/", "/i18n/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined,union-attr]
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            if user_has_device(user, confirmed=True):
                return redirect(f"/account/2fa/verify/?next={request.path}")
            if settings.REQUIRE_2FA_FOR_ADMINS and is_admin_anywhere(user=user):  # type: ignore[arg-type]
                return redirect("/account/2fa/setup/")
        return self.get_response(request)
