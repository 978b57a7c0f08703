from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectConfig(AppConfig):
    name = "evidencehub.apps.collect"
    label = "collect"
    verbose_name = _("Anonymous collection")
    default_auto_field = "django.db.models.BigAutoField"
