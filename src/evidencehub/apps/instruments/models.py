"""Questionnaires: instrument versions (immutable once used), questionnaires
attached to an initiative and an occasion, anonymous responses and their
scores.

Anonymity: a response holds no identity. Its time is coarsened to the hour;
the optional user-held code is stored only as an HMAC under the initiative's
own secret (``evidencehub.core.codes``).
"""

from __future__ import annotations

import secrets
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.instruments import Instrument, parse_instrument


def new_secret() -> str:
    return secrets.token_hex(32)


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


class Origin(models.TextChoices):
    CATALOGUE = "catalogue", _("Shipped catalogue")
    IMPORT = "import", _("Imported definition")
    REDCAP = "redcap", _("Imported from REDCap")


class InstrumentVersion(models.Model):
    """One version of an instrument definition. Catalogue versions have no
    organisation; imported ones belong to the organisation that imported them.
    Once a questionnaire that uses it has a response, the definition may not
    change (``services.instrument_version_is_locked``)."""

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instrument_versions",
    )
    instrument_id = models.CharField(_("instrument id"), max_length=64)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "version"]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_id", "version"],
                condition=models.Q(organisation__isnull=True),
                name="instrument_version_unique_catalogue",
            ),
            models.UniqueConstraint(
                fields=["organisation", "instrument_id", "version"],
                condition=models.Q(organisation__isnull=False),
                name="instrument_version_unique_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @cached_property
    def instrument(self) -> Instrument:
        return parse_instrument(self.definition)


class LicensedText(models.Model):
    """Item text an organisation holding a licence pasted for its own use.
    Never exported and never shown to other organisations."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE)
    instructions = models.TextField(blank=True, max_length=2000)
    items = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "instrument_version"],
                name="licensed_text_once_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"Licensed text for {self.instrument_version}"


class SurveySettings(models.Model):
    """Per-initiative survey settings: the crisis-resources text shown when a
    risk item is answered above zero, and the secret for code hashes."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="survey_settings"
    )
    crisis_text = models.TextField(
        _("crisis resources"),
        blank=True,
        max_length=4000,
        help_text=_(
            "Shown at once when someone answers a safety question above zero. "
            "Leave empty to use the default text for the initiative's country."
        ),
    )
    code_secret = models.CharField(max_length=64, default=new_secret, editable=False)

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return f"Survey settings of {self.initiative}"

    @property
    def secret_bytes(self) -> bytes:
        return bytes.fromhex(self.code_secret)


class Occasion(models.TextChoices):
    BASELINE = "baseline", _("Baseline (start)")
    END = "end", _("End")
    FOLLOW_UP = "follow_up", _("Follow-up")
    SINGLE = "single", _("Single occasion")


class Questionnaire(models.Model):
    """An instrument asked at one occasion of one initiative, at a public,
    login-free URL ``/s/<public_id>/``."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="questionnaires"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="questionnaires"
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up after (months)"), null=True, blank=True
    )
    title = models.CharField(_("title shown to people"), max_length=200)
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    is_open = models.BooleanField(_("open for answers"), default=True)
    ask_code = models.BooleanField(
        _("ask for a personal code (to link answers over time)"), default=True
    )
    allow_free_text = models.BooleanField(_("allow free-text answers"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["initiative", "instrument_version__instrument_id", "created_at"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(follow_up_months__isnull=True)
                | models.Q(occasion="follow_up"),
                name="questionnaire_months_only_for_follow_up",
                violation_error_message=_("Months are only for a follow-up."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def occasion_label(self) -> str:
        if self.occasion == Occasion.FOLLOW_UP and self.follow_up_months:
            return str(_("Follow-up at %(m)s months") % {"m": self.follow_up_months})
        return str(Occasion(self.occasion).label)


class Response(models.Model):
    """One anonymous set of answers. No identity; ``submitted_hour`` is the
    submission time truncated to the hour; ``code_hash`` is empty or an HMAC.

    ``source_fingerprint`` is set for imported rows only: a keyed hash of the
    source row's content (and its occurrence within the file), so importing
    the same file again adds nothing. ``minimised`` is set once retention
    has cut the link to the user-held code (``services.responses_purge_run``).
    """

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    submitted_hour = models.DateTimeField(db_index=True)
    code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    language = models.CharField(max_length=16, blank=True)
    answers = models.JSONField(default=dict)
    text_answers = models.JSONField(default=dict, blank=True)
    synthetic = models.BooleanField(default=False)
    source_fingerprint = models.CharField(max_length=64, blank=True, default="")
    minimised = models.BooleanField(default=False)

    class Meta:
        ordering = ["questionnaire", "submitted_hour", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "source_fingerprint"],
                condition=~models.Q(source_fingerprint=""),
                name="response_import_row_once",
            )
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.questionnaire}"


class ResponseRetention(models.Model):
    """How long an organisation keeps questionnaire responses linkable to
    the user-held code and their free text (default
    ``settings.EVIDENCEHUB_RESPONSE_RETENTION_DAYS``, 730 days)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="response_retention"
    )
    days = models.PositiveIntegerField(_("keep answers linkable for (days)"))

    class Meta:
        verbose_name = _("response retention")
        verbose_name_plural = _("response retention")

    def __str__(self) -> str:
        return f"Response retention of {self.organisation}: {self.days} days"


class ResponseScore(models.Model):
    """The score of one response, with the method and instrument version that
    made it."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="score"
    )
    total = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    valid = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, blank=True)
    band = models.CharField(max_length=100, blank=True)
    above_cutoff = models.BooleanField(null=True, blank=True)
    prorated = models.BooleanField(default=False)
    items_missing = models.PositiveSmallIntegerField(default=0)
    subscales = models.JSONField(default=dict, blank=True)
    risk = models.BooleanField(default=False)
    method_id = models.CharField(max_length=64)
    method_version = models.CharField(max_length=16)
    instrument_id = models.CharField(max_length=64)
    instrument_version = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"Score of response {self.response_id}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": None if self.total is None else float(self.total),
            "valid": self.valid,
            "band": self.band,
            "method_id": self.method_id,
            "method_version": self.method_version,
        }
