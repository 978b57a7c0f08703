from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "evidencehub.apps.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives and evaluation plans")
    default_auto_field = "django.db.models.BigAutoField"
