"""Read-only views of the ledger for platform admins: entries are never
changed or deleted by hand, or the budget would no longer add up."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from evidencehub.apps.privacy.models import Benchmark, LedgerEntry, PrivacyBudget


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ("created_at", "organisation", "year", "epsilon", "delta", "purpose")
    list_filter = ("purpose", "year", "organisation")


@admin.register(PrivacyBudget)
class PrivacyBudgetAdmin(ReadOnly):
    list_display = ("organisation", "year", "spent_epsilon", "spent_delta")


@admin.register(Benchmark)
class BenchmarkAdmin(ReadOnly):
    list_display = ("intervention_type", "kpi_id", "kpi_version", "period_label")
