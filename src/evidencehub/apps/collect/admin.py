"""Platform-admin views of collection configuration. Raw events and contact
records are deliberately not listed here: they belong to each organisation's
own pages."""

from __future__ import annotations

from django.contrib import admin

from evidencehub.apps.collect.models import (
    CollectionKey,
    CollectionSettings,
    RetentionPolicy,
)


@admin.register(CollectionKey)
class CollectionKeyAdmin(admin.ModelAdmin[CollectionKey]):
    list_display = ["name", "initiative", "kind", "public_id", "revoked_at"]
    list_filter = ["kind"]
    readonly_fields = ["public_id", "secret_hash", "created_at", "last_used_on"]
    search_fields = ["name", "public_id", "initiative__slug"]


@admin.register(CollectionSettings)
class CollectionSettingsAdmin(admin.ModelAdmin[CollectionSettings]):
    list_display = ["initiative", "time_resolution", "updated_at"]
    exclude = ["code_secret"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin[RetentionPolicy]):
    list_display = ["organisation", "raw_event_days", "updated_at"]
