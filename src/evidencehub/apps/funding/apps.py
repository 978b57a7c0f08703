from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "evidencehub.apps.funding"
    label = "funding"
    verbose_name = _("Funders")
    default_auto_field = "django.db.models.BigAutoField"
