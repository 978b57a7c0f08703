from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "evidencehub.apps.privacy"
    label = "privacy"
    verbose_name = _("Differential privacy and benchmarks")
    default_auto_field = "django.db.models.BigAutoField"
