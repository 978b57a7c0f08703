from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction

from evidencehub.apps.funding import services
from evidencehub.apps.funding.models import (
    Call,
    Deadline,
    Funder,
    FundingProfile,
    ImportBatch,
    PastGrant,
    Programme,
    RecordChange,
    SavedSearch,
    Submission,
    WatchedCall,
)


class HistoryAdminMixin:
    """Admin edits keep history and refresh the search text, like services."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before: dict[str, Any] = {}
            if change:
                old = type(obj).objects.get(pk=obj.pk)
                before = services.record_snapshot(
                    old, services.HISTORY_FIELDS + services._extra_fields(old)
                )
            services.refresh_search_text(obj)
            obj.save()
            if isinstance(obj, Call):
                services.set_deadlines(obj)
            services._history(obj, before=before, actor=request.user, reason="admin")


@admin.register(Funder)
class FunderAdmin(HistoryAdminMixin, admin.ModelAdmin[Funder]):
    list_display = ("name", "funder_type", "origin", "last_verified_on")
    list_filter = ("funder_type", "origin", "named_only")
    search_fields = ("name", "key", "org_id")
    readonly_fields = ("search_text",)


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdminMixin, admin.ModelAdmin[Programme]):
    list_display = ("name", "funder", "origin", "last_verified_on")
    list_filter = ("funder_type", "origin")
    search_fields = ("name", "key")
    readonly_fields = ("search_text",)


class DeadlineInline(admin.TabularInline[Deadline, Call]):
    model = Deadline
    extra = 0


@admin.register(Call)
class CallAdmin(HistoryAdminMixin, admin.ModelAdmin[Call]):
    list_display = ("name", "status", "last_deadline_at", "origin", "last_verified_on")
    list_filter = ("status", "funder_type", "origin")
    search_fields = ("name", "key", "call_identifier")
    readonly_fields = ("search_text", "first_deadline_at", "last_deadline_at")
    inlines = [DeadlineInline]


@admin.register(PastGrant)
class PastGrantAdmin(admin.ModelAdmin[PastGrant]):
    list_display = (
        "identifier",
        "title",
        "funding_org_name",
        "amount_awarded",
        "award_date",
        "recipient_anonymised",
    )
    list_filter = ("recipient_anonymised", "currency")
    search_fields = ("identifier", "title")
    readonly_fields = ("search_text", "data")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin[Submission]):
    list_display = ("kind", "target_key", "state", "submitted_by", "created_at")
    list_filter = ("state", "kind")


@admin.register(RecordChange)
class RecordChangeAdmin(admin.ModelAdmin[RecordChange]):
    list_display = ("record_type", "record_key", "reason", "changed_by", "created_at")
    list_filter = ("record_type", "reason")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register(ImportBatch)
admin.site.register(FundingProfile)
admin.site.register(SavedSearch)
admin.site.register(WatchedCall)
