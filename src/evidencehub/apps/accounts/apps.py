from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "evidencehub.apps.accounts"
    label = "accounts"
    verbose_name = _("Organisations and people")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from evidencehub.apps.accounts import receivers  # noqa: F401
