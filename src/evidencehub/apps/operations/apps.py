from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "evidencehub.apps.operations"
    label = "operations"
    verbose_name = _("Organisation inputs")
    default_auto_field = "django.db.models.BigAutoField"
