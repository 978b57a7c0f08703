from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "evidencehub.apps.sharing"
    label = "sharing"
    verbose_name = _("Exports and share links")
    default_auto_field = "django.db.models.BigAutoField"
