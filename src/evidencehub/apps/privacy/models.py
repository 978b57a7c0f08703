"""The privacy-loss ledger and stored benchmarks.

``PrivacyBudget`` holds one row per organisation and calendar year with the
running total; services lock it (``select_for_update``) and raise it with a
conditional ``UPDATE`` so two releases at once can never both fit into the
last bit of budget. ``LedgerEntry`` rows are never changed or deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Organisation


class PrivacyBudget(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="privacy_budgets"
    )
    year = models.PositiveSmallIntegerField()
    spent_epsilon = models.FloatField(default=0.0)
    spent_delta = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("privacy budget")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="privacy_budget_org_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}: ε {self.spent_epsilon:g}"


class LedgerEntry(models.Model):
    class Purpose(models.TextChoices):
        RELEASE = "release", _("Noisy figure for others")
        BENCHMARK = "benchmark", _("Benchmark with peers")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="privacy_ledger"
    )
    year = models.PositiveSmallIntegerField()
    epsilon = models.FloatField()
    delta = models.FloatField(default=0.0)
    mechanism = models.CharField(max_length=64)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # What left the organisation: KPI, period, noisy value, accuracy, method.
    released = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("privacy ledger entry")
        verbose_name_plural = _("privacy ledger entries")
        indexes = [
            models.Index(fields=["organisation", "year"], name="privacy_ledger_org")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ε {self.epsilon:g} ({self.year})"


class Benchmark(models.Model):
    """One released benchmark per intervention type, KPI (id and version) and
    period. It is built once and then shown to everyone who may see it, so
    asking again costs nothing and cannot average the noise away."""

    intervention_type = models.CharField(max_length=64)
    kpi_id = models.CharField(max_length=8)
    kpi_version = models.CharField(max_length=16)
    period_label = models.CharField(max_length=32)
    epsilon = models.FloatField()
    mechanism = models.CharField(max_length=64)
    # Noisy values per peer initiative (keyed by opaque peer key) plus the
    # quartiles and how many peers contributed.
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("benchmark")
        constraints = [
            models.UniqueConstraint(
                fields=["intervention_type", "kpi_id", "kpi_version", "period_label"],
                name="privacy_benchmark_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.intervention_type} {self.kpi_id} {self.period_label}"
