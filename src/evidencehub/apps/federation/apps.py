from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "evidencehub.apps.federation"
    label = "federation"
    verbose_name = _("Federated sharing")
    default_auto_field = "django.db.models.BigAutoField"
