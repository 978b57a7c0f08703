from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "evidencehub.apps.kpis"
    label = "kpis"
    verbose_name = _("KPIs")
    default_auto_field = "django.db.models.BigAutoField"
