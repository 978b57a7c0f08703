from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "evidencehub.apps.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure control")
    default_auto_field = "django.db.models.BigAutoField"
