"""Stored KPI results and the runs that computed them.

Both tables carry ``organisation`` so a deployment can distribute them by
organisation (Citus) alongside the tables they are computed from
(``docs/how-to/scale.md``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.initiatives.models import Initiative


class KpiRun(models.Model):
    """One computation of some KPIs for an initiative and a period. A run left
    ``started`` (a crash) is resumed by the next compute of the same
    initiative, period and KPI set: KPIs in ``done`` are skipped."""

    class State(models.TextChoices):
        STARTED = "started", _("Started")
        DONE = "done", _("Done")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="kpi_runs"
    )
    period_label = models.CharField(max_length=32)
    breakdown = models.CharField(max_length=16, blank=True)
    kpi_ids = models.JSONField(default=list)
    done = models.JSONField(default=list)
    state = models.CharField(max_length=8, choices=State.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("KPI run")

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.period_label} {self.state}"


class StoredResult(models.Model):
    """One ``core.kpis.KpiResult``: a KPI for an initiative, a period and
    optionally one breakdown cell (``breakdown``/``group``; both blank for the
    total). Unique per cell, so recomputing replaces rather than adds."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="kpi_results"
    )
    run = models.ForeignKey(KpiRun, null=True, blank=True, on_delete=models.SET_NULL)
    kpi_id = models.CharField(max_length=8)
    kpi_version = models.CharField(max_length=16)
    period_label = models.CharField(max_length=32)
    period_kind = models.CharField(max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()
    breakdown = models.CharField(max_length=16, blank=True)
    group = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=24)
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    n = models.BigIntegerField(default=0)
    unit = models.CharField(max_length=40, blank=True)
    methods = models.JSONField(default=list)
    source = models.CharField(max_length=24, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["kpi_id", "period_start", "breakdown", "group"]
        verbose_name = _("KPI result")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "initiative",
                    "kpi_id",
                    "period_start",
                    "period_end",
                    "breakdown",
                    "group",
                ],
                name="kpi_result_cell",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "initiative", "period_start"],
                name="kpi_result_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.period_label} {self.group}: {self.value}"
