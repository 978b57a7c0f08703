"""Share links for funders and background jobs (report PDFs, large exports).

A share link's token is shown once and stored only as a SHA-256 hash. Views of
a shared report are logged in the audit log without IP address or user agent.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.initiatives.models import Initiative


class ShareLink(models.Model):
    """A read-only, expiring, revocable link to one report (initiative, period,
    language) for people outside the organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="share_links"
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="share_links"
    )
    period = models.CharField(_("period"), max_length=32)
    language = models.CharField(_("language"), max_length=8, default="en")
    label = models.CharField(
        _("for whom"),
        max_length=100,
        blank=True,
        help_text=_("For your own list, e.g. the funder's name."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self) -> str:
        return f"{self.initiative.slug} {self.period} ({self.label or self.pk})"

    def state(self, now: datetime | None = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"


class BackgroundJob(models.Model):
    """Long work started from a page: a report (``kind="report"``) or a large
    export (``kind="export"``), with progress and the finished file."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [
        (QUEUED, _("Waiting to start")),
        (RUNNING, _("Running")),
        (DONE, _("Ready")),
        (FAILED, _("Failed")),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16)
    params = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=STATES, default=QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=1)
    step = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=500, blank=True)
    result = models.BinaryField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.initiative_id} {self.state}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
