from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from evidencehub.apps.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = (
        "created_at",
        "action",
        "organisation",
        "actor_label",
        "object_label",
    )
    list_filter = ("action", "organisation")
    search_fields = ("action", "object_label", "actor_label")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
