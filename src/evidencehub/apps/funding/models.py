"""Funders, programmes, calls with deadlines, past grants (360Giving), the
organisation's funding profile, saved searches, watchlists, shares and
moderated submissions.

Provenance rule: every public record keeps the words its sources used
(``*_text`` fields, ``focus_themes``, ``eligibility``) next to the structured
values we derive for search and matching, plus its ``sources`` and when it was
``last_verified_on``. An empty value or ``None`` is shown as "not known",
never as zero or "no".
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Organisation
from evidencehub.core.funding.vocab import FUNDER_TYPES, LEGAL_FORMS, SIZE_BANDS


def new_token() -> str:
    return secrets.token_urlsafe(24)


FunderTypeChoices = [(k, v) for k, v in FUNDER_TYPES.items()]
LegalFormChoices = [(k, v) for k, v in LEGAL_FORMS.items()]
SizeBandChoices = [(k, v[0]) for k, v in SIZE_BANDS.items()]


class Origin(models.TextChoices):
    SEED = "seed", _("Research seed (sourced)")
    DEMO = "demo", _("Synthetic demo record")
    SUBMISSION = "submission", _("Proposed by a user, reviewed")
    ADMIN = "admin", _("Entered by a platform admin")
    IMPORT = "import", _("Imported file")


class CallStatus(models.TextChoices):
    FORTHCOMING = "forthcoming", _("Opening soon")
    OPEN = "open", _("Open")
    ROLLING = "rolling", _("Open all year")
    CLOSED = "closed", _("Closed")
    UNKNOWN = "unknown", _("Not known")


class DeadlineModel(models.TextChoices):
    SINGLE_STAGE = "single-stage", _("One stage")
    TWO_STAGE = "two-stage", _("Two stages (short outline first)")
    MULTIPLE_CUTOFF = "multiple cut-off", _("Several cut-off dates")
    ROLLING = "rolling", _("Rolling (apply any time)")
    UNKNOWN = "unknown", _("Not known")


class SourcedRecord(models.Model):
    """Fields every funder, programme and call shares; they mirror the seed's
    record schema so a seed record loads without losing a word."""

    key = models.SlugField(_("key"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=400)
    funder_type = models.CharField(
        _("funder type"), max_length=30, choices=FunderTypeChoices, default="unknown"
    )
    funder_type_text = models.CharField(
        _("funder type, as the source puts it"), max_length=300, blank=True
    )
    country_region_text = models.CharField(
        _("country or region, as the source puts it"), max_length=400, blank=True
    )
    countries = models.JSONField(
        _("countries (ISO 3166, derived)"), default=list, blank=True
    )
    global_scope = models.BooleanField(_("funds internationally"), default=False)
    website = models.CharField(_("website"), max_length=500, blank=True)
    focus_themes = models.JSONField(
        _("focus, as the source puts it"), default=list, blank=True
    )
    themes = models.JSONField(_("themes (our tags)"), default=list, blank=True)
    eligibility = models.TextField(
        _("who can apply, as the source puts it"), blank=True
    )
    typical_grant_size_text = models.TextField(_("typical grant size"), blank=True)
    programme_names = models.JSONField(_("programme names"), default=list, blank=True)
    call_identifier = models.CharField(_("call identifier"), max_length=300, blank=True)
    opening_date_text = models.CharField(_("opening date"), max_length=200, blank=True)
    deadline_text = models.CharField(_("deadline"), max_length=400, blank=True)
    deadline_model_text = models.CharField(
        _("deadline model"), max_length=200, blank=True
    )
    total_budget_text = models.CharField(_("total budget"), max_length=400, blank=True)
    funding_rate_text = models.CharField(_("funding rate"), max_length=200, blank=True)
    status_note = models.TextField(_("status note"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    last_verified_on = models.DateField(_("last verified"), null=True, blank=True)
    verified_by = models.CharField(_("verified by"), max_length=200, blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.ADMIN
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Funder(SourcedRecord):
    org_id = models.CharField(
        _("organisation identifier (org-id)"), max_length=120, blank=True
    )
    languages = models.JSONField(_("languages (BCP 47)"), default=list, blank=True)
    accepts_unsolicited = models.BooleanField(
        _("accepts unsolicited proposals"), null=True, blank=True
    )
    named_only = models.BooleanField(
        _("known only as the parent named by a programme or call"), default=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")


class Programme(SourcedRecord):
    funder = models.ForeignKey(
        Funder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    parent_text = models.CharField(
        _("parent, as the source puts it"), max_length=400, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")


class Call(SourcedRecord):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    parent_text = models.CharField(
        _("parent, as the source puts it"), max_length=400, blank=True
    )
    topic_identifier = models.CharField(
        _("topic identifier"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CallStatus.choices,
        default=CallStatus.UNKNOWN,
    )
    opening_date = models.DateField(_("opens"), null=True, blank=True)
    deadline_model = models.CharField(
        _("stages"),
        max_length=20,
        choices=DeadlineModel.choices,
        default=DeadlineModel.UNKNOWN,
    )
    rolling = models.BooleanField(_("no fixed deadline"), default=False)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    total_budget = models.DecimalField(
        _("total budget"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    min_grant = models.DecimalField(
        _("smallest grant"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    max_grant = models.DecimalField(
        _("largest grant"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    expected_grants = models.PositiveIntegerField(
        _("expected grants"), null=True, blank=True
    )
    funding_rate = models.DecimalField(
        _("funding rate (% of costs)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    eligible_org_types = models.JSONField(
        _("who can apply (legal forms)"), default=list, blank=True
    )
    eligible_sizes = models.JSONField(_("organisation sizes"), default=list, blank=True)
    languages = models.JSONField(_("application languages"), default=list, blank=True)
    min_partners = models.PositiveSmallIntegerField(
        _("minimum partners"), null=True, blank=True
    )
    min_countries = models.PositiveSmallIntegerField(
        _("minimum countries"), null=True, blank=True
    )
    regranting = models.BooleanField(
        _("re-grants to smaller organisations"), null=True, blank=True
    )
    who_can_apply = models.CharField(
        _("who can apply, in one line"), max_length=300, blank=True
    )
    plain_summary = models.TextField(_("plain summary"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    first_deadline_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_deadline_at = models.DateTimeField(
        null=True, blank=True, editable=False, db_index=True
    )

    class Meta:
        ordering = ["last_deadline_at", "name"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(
                fields=["status", "last_deadline_at"], name="funding_call_status_dl"
            ),
            models.Index(fields=["funder_type"], name="funding_call_type"),
            models.Index(fields=["max_grant"], name="funding_call_max_grant"),
        ]


class Deadline(models.Model):
    """One deadline of a call. ``due_at`` (UTC) orders and counts days;
    ``time_stated``/``utc_offset_minutes`` say what the source stated."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="deadlines")
    due_date = models.DateField(_("date"))
    due_time = models.TimeField(_("time"), null=True, blank=True)
    utc_offset_minutes = models.SmallIntegerField(null=True, blank=True)
    zone_label = models.CharField(max_length=10, blank=True)
    stage = models.CharField(_("stage"), max_length=120, blank=True)
    due_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.call} — {self.due_date}"

    @property
    def time_stated(self) -> bool:
        return self.due_time is not None

    @property
    def zone_stated(self) -> bool:
        return self.utc_offset_minutes is not None


class ImportBatch(models.Model):
    """One 360Giving file import, with its row-level report."""

    filename = models.CharField(max_length=300)
    file_format = models.CharField(max_length=10)
    publisher = models.CharField(max_length=300, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d})"


class PastGrant(models.Model):
    """A grant as published under the 360Giving Data Standard.

    ``data`` is the grant object as imported (after anonymisation when
    ``recipient_anonymised``); the columns are copies for search and facets.
    """

    identifier = models.CharField(_("identifier"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    amount_awarded = models.DecimalField(
        _("amount awarded"), max_digits=18, decimal_places=2
    )
    award_date = models.DateField(_("award date"), db_index=True)
    funding_org_id = models.CharField(max_length=200, db_index=True)
    funding_org_name = models.CharField(max_length=400)
    funder = models.ForeignKey(
        Funder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="past_grants",
    )
    recipient_id = models.CharField(max_length=200, blank=True)
    recipient_name = models.CharField(max_length=400, blank=True)
    recipient_is_individual = models.BooleanField(default=False)
    recipient_anonymised = models.BooleanField(_("recipient anonymised"), default=False)
    region = models.CharField(_("region"), max_length=200, blank=True)
    countries = models.JSONField(default=list, blank=True)
    programme_title = models.CharField(max_length=400, blank=True)
    data = models.JSONField()
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grants",
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-award_date", "identifier"]
        verbose_name = _("past grant")
        verbose_name_plural = _("past grants")

    def __str__(self) -> str:
        return f"{self.identifier}: {self.title}"


class FundingProfile(models.Model):
    """What an organisation tells the matcher about itself."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="funding_profile"
    )
    legal_form = models.CharField(
        _("legal form"), max_length=30, choices=LegalFormChoices, blank=True
    )
    size_band = models.CharField(
        _("size (annual income)"), max_length=10, choices=SizeBandChoices, blank=True
    )
    themes = models.JSONField(_("themes"), default=list, blank=True)
    languages = models.JSONField(
        _("languages you can apply in"), default=list, blank=True
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_token)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("funding profile")
        verbose_name_plural = _("funding profiles")

    def __str__(self) -> str:
        return f"Funding profile of {self.organisation}"


class PersonSettings(models.Model):
    """A person's deadline and e-mail preferences."""

    class Digest(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        OFF = "off", _("Never")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="funding_settings",
    )
    time_zone = models.CharField(_("your time zone"), max_length=60, default="UTC")
    digest = models.CharField(
        _("digest e-mail"), max_length=10, choices=Digest.choices, default=Digest.WEEKLY
    )
    reminders = models.BooleanField(_("deadline reminders"), default=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("funding e-mail settings")

    def __str__(self) -> str:
        return f"Funding settings of {self.user}"


class SavedSearch(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="saved_funding_searches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    params = models.JSONField(_("search"), default=dict)
    feed_token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name


class WatchedCall(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="watched_calls"
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="watchers")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reminded_deadlines = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call__last_deadline_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "call"], name="watch_call_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} watches {self.call}"


class CallShare(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.call} shared in {self.organisation}"


class Submission(models.Model):
    class Kind(models.TextChoices):
        FUNDER = "funder", _("A new funder")
        CALL = "call", _("A new call")
        CORRECTION = "correction", _("A correction")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not accepted")

    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    target_type = models.CharField(max_length=20, blank=True)
    target_key = models.CharField(max_length=120, blank=True)
    payload = models.JSONField(_("proposed values"), default=dict)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    source_url = models.CharField(_("source"), max_length=500)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, max_length=2000)
    applied_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"


class RecordChange(models.Model):
    """History: one row per change to a funder, programme or call."""

    record_type = models.CharField(max_length=20)
    record_key = models.CharField(max_length=120, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=30)
    submission = models.ForeignKey(
        Submission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_key} ({self.reason})"


def record_snapshot(record: Any, fields: list[str]) -> dict[str, Any]:
    return {f: _jsonable(getattr(record, f)) for f in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # 90 and 90.00 are the same amount: compare without trailing zeros.
        return f"{value.normalize():f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)
