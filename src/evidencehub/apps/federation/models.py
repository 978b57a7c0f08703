"""Federated sharing: this instance's signing key (public part only), the
publishers a hub trusts, and the bundles and figures it imported.

The private signing key is never stored in a table: it lives in the file named
by the setting ``EVIDENCEHUB_BUNDLE_KEY_FILE`` (mode 0600). Imported figures
are protected aggregates only; nothing about a person crosses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    """The public half of a key this instance signed bundles with."""

    fingerprint = models.CharField(_("fingerprint"), max_length=71, unique=True)
    public_key = models.CharField(_("public key"), max_length=44)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bundle signing key")

    def __str__(self) -> str:
        return self.fingerprint


class TrustedPublisher(models.Model):
    """An organisation (on its own instance) whose bundles this hub accepts."""

    name = models.CharField(_("name"), max_length=200)
    public_key = models.CharField(_("public key"), max_length=44)
    fingerprint = models.CharField(_("fingerprint"), max_length=71, unique=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    # A revoked key (lost or leaked) signs nothing this hub accepts any more,
    # and the figures it signed leave benchmarks; the rows stay for the record.
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("trusted publisher")

    def __str__(self) -> str:
        return f"{self.name} ({self.fingerprint[:19]})"


class ImportedBundle(models.Model):
    """One verified bundle. ``sha256`` (of its canonical JSON) is unique, so
    the same bundle cannot be imported twice."""

    publisher = models.ForeignKey(
        TrustedPublisher, on_delete=models.PROTECT, related_name="bundles"
    )
    organisation_slug = models.CharField(_("organisation"), max_length=60)
    organisation_name = models.CharField(_("organisation name"), max_length=200)
    sha256 = models.CharField(_("hash"), max_length=64, unique=True)
    period_label = models.CharField(_("period"), max_length=32)
    period_start = models.DateField()
    period_end = models.DateField()
    catalogue_version = models.CharField(max_length=16)
    threshold = models.PositiveIntegerField(_("suppression threshold"))
    methods = models.JSONField(default=list)
    created_at = models.DateTimeField(_("made"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("imported bundle")

    def __str__(self) -> str:
        return f"{self.organisation_slug} {self.period_label} {self.sha256[:12]}"


class ImportedFigure(models.Model):
    """One released KPI figure of one initiative from an imported bundle;
    numbers are null where the publisher suppressed them."""

    bundle = models.ForeignKey(
        ImportedBundle, on_delete=models.CASCADE, related_name="figures"
    )
    initiative_key = models.CharField(max_length=24)
    intervention_type = models.CharField(max_length=30)
    period_label = models.CharField(max_length=32)
    kpi_id = models.CharField(max_length=8)
    kpi_version = models.CharField(max_length=16)
    status = models.CharField(max_length=24)
    suppressed = models.BooleanField(default=False)
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    n = models.BigIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    methods = models.JSONField(default=list)
    suppression_reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["bundle_id", "initiative_key", "kpi_id"]
        verbose_name = _("imported figure")
        indexes = [
            models.Index(
                fields=["intervention_type", "kpi_id", "kpi_version", "period_label"],
                name="federation_figure_peer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative_key} {self.kpi_id} {self.period_label}"
