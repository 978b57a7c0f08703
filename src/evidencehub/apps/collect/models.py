"""Anonymous collection. No table here has a column for an IP address, a user
agent, a name, an e-mail address, a phone number or free text from a service
user; the only values a client chooses are codes from a fixed vocabulary or
keys the initiative declared (see ``evidencehub.core.collect``)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.collect import contacts as codes
from evidencehub.core.collect.events import CHANNELS, REFERRERS
from evidencehub.core.collect.figures import DATA_ELEMENTS


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


def new_code_secret() -> str:
    """32 random bytes, hex: the per-initiative key of user-held code hashes."""
    return secrets.token_hex(32)


class TimeResolution(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")


class CollectionSettings(models.Model):
    """What an initiative declared for collection."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="collection_settings"
    )
    modules = models.JSONField(_("module keys"), default=list, blank=True)
    custom_event_types = models.JSONField(
        _("custom event types"), default=list, blank=True
    )
    campaigns = models.JSONField(_("campaign codes"), default=list, blank=True)
    time_resolution = models.CharField(
        _("event times kept to the"),
        max_length=4,
        choices=TimeResolution.choices,
        default=TimeResolution.HOUR,
    )
    code_secret = models.CharField(max_length=64, default=new_code_secret)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("collection settings")
        verbose_name_plural = _("collection settings")

    def __str__(self) -> str:
        return f"Collection settings of {self.initiative}"

    @property
    def secret_bytes(self) -> bytes:
        return bytes.fromhex(self.code_secret)


class RetentionPolicy(models.Model):
    """How long an organisation keeps raw events (rollups are kept)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="collection_retention"
    )
    raw_event_days = models.PositiveIntegerField(
        _("keep raw events for (days)"), default=90
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.raw_event_days} days"


class KeyKind(models.TextChoices):
    SITE = "site", _("Public site key (for browsers)")
    SERVER = "server", _("Secret server key (for back ends)")


class CollectionKey(models.Model):
    """A key that lets events in for one initiative.

    Site keys are public (they sit in web pages) and only work from the listed
    origins. Server keys are secret: only a SHA-256 hash of the secret part is
    kept, and the full key is shown once when it is made.
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="collection_keys"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=KeyKind.choices)
    name = models.CharField(_("label"), max_length=100)
    public_id = models.CharField(max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64, blank=True)
    allowed_origins = models.JSONField(_("allowed origins"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("collection key")
        verbose_name_plural = _("collection keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    def is_active(self, now: object = None) -> bool:
        moment = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > moment  # type: ignore[operator]


class DailySalt(models.Model):
    """The random salt of one UTC day. Deleted when the day is more than
    48 hours old (``services.salts_rotate``), after which no visitor hash of
    that day can be recomputed by anyone."""

    day = models.DateField(unique=True)
    salt = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("daily salt")

    def __str__(self) -> str:
        return f"Salt of {self.day}"


class Source(models.TextChoices):
    SNIPPET = "snippet", _("Snippet or site key")
    PIXEL = "pixel", _("No-script image")
    API = "api", _("Server key")
    IMPORT = "import", _("File import")
    FORM = "form", _("Form")
    DEMO = "demo", _("Synthetic demo")


class Event(models.Model):
    """One service event, kept for the retention period, then purged."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+"
    )
    occurred = models.DateTimeField()  # truncated to the hour or day
    day = models.DateField()
    type = models.CharField(max_length=40)
    module = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=8, choices=_choices(CHANNELS))
    locale = models.CharField(max_length=12, blank=True)
    referrer = models.CharField(max_length=8, blank=True, choices=_choices(REFERRERS))
    campaign = models.CharField(max_length=40, blank=True)
    value = models.SmallIntegerField(null=True, blank=True)
    visitor = models.CharField(max_length=32, blank=True)  # daily-salted hash
    client_id_hash = models.CharField(max_length=32, null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["initiative", "day"], name="event_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "client_id_hash"],
                condition=models.Q(client_id_hash__isnull=False),
                name="event_idempotency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} @ {self.occurred:%Y-%m-%d %H}h"


class DroppedCount(models.Model):
    """Events not stored, by reason (e.g. sent by a known bot)."""

    class Reason(models.TextChoices):
        BOT = "bot", _("Known bot or crawler")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "day", "reason"], name="dropped_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason}: {self.count}"


class DailyRollup(models.Model):
    """Events per initiative x day x type x module x channel x locale, with
    the visitor-days among them and the sum and count of answer values.
    Kept after the raw events are purged."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    type = models.CharField(max_length=40)
    module = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=8)
    locale = models.CharField(max_length=12, blank=True)
    events = models.PositiveBigIntegerField(default=0)
    visitor_days = models.PositiveBigIntegerField(default=0)
    value_count = models.PositiveBigIntegerField(default=0)
    value_sum = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-day", "type"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "day", "type", "module", "channel", "locale"],
                name="rollup_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.type}: {self.events}"


class DailyTotal(models.Model):
    """All events and visitor-days of an initiative on one day (a visitor
    counts once a day however many types they produced)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    events = models.PositiveBigIntegerField(default=0)
    visitor_days = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "day"], name="total_day")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.events}"


class RollupState(models.Model):
    """The highest event id already rolled up (the incremental watermark)."""

    name = models.CharField(max_length=20, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"


class ContactRecord(models.Model):
    """One helpline contact, coded (``reference/domain_kpis.md`` §4.6)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="contact_records"
    )
    date = models.DateField(_("date"))
    hour = models.PositiveSmallIntegerField(_("hour"), null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=_choices(codes.CHANNELS)
    )
    status = models.CharField(
        _("status"), max_length=12, choices=_choices(codes.STATUSES)
    )
    caller_type = models.CharField(
        _("caller"), max_length=20, blank=True, choices=_choices(codes.CALLER_TYPES)
    )
    offending_status = models.CharField(
        _("offending status (self-report)"),
        max_length=20,
        blank=True,
        choices=_choices(codes.OFFENDING_STATUSES),
    )
    concerns = models.JSONField(_("presenting concerns"), default=list, blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=12, choices=_choices(codes.RISK_LEVELS)
    )
    self_harm_risk = models.CharField(
        _("self-harm risk"), max_length=8, choices=_choices(codes.YES_NO_UNKNOWN)
    )
    distress_start = models.PositiveSmallIntegerField(null=True, blank=True)
    distress_end = models.PositiveSmallIntegerField(null=True, blank=True)
    actions = models.JSONField(_("actions agreed"), default=list, blank=True)
    repeat_contact = models.CharField(
        _("repeat contact"), max_length=8, choices=_choices(codes.YES_NO_UNKNOWN)
    )
    previous_actions_taken = models.CharField(
        _("previous actions taken"),
        max_length=16,
        choices=_choices(codes.PREVIOUS_ACTIONS),
    )
    pseudonym_hash = models.CharField(max_length=64, blank=True)
    safeguarding = models.CharField(
        _("safeguarding escalation"),
        max_length=16,
        choices=_choices(codes.SAFEGUARDING),
    )
    duration = models.CharField(
        _("duration"), max_length=8, blank=True, choices=_choices(codes.DURATION_BANDS)
    )
    fidelity_sample = models.BooleanField(_("fidelity audit sample"), default=False)
    source = models.CharField(max_length=8, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-date", "-hour", "-id"]
        indexes = [
            models.Index(fields=["initiative", "date"], name="contact_day"),
            models.Index(fields=["initiative", "pseudonym_hash"], name="contact_alias"),
        ]
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")

    def __str__(self) -> str:
        return f"{self.date} {self.channel} {self.status}"


class AggregateFigure(models.Model):
    """A count for a period from another system (telephony, chat, web)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="aggregate_figures"
    )
    element = models.CharField(
        _("data element"),
        max_length=40,
        choices=[(k, v[0]) for k, v in DATA_ELEMENTS.items()],
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.PositiveBigIntegerField(_("value"))
    source_system = models.CharField(_("source system"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "element"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "element", "period_start", "period_end"],
                name="one_figure_per_period",
            )
        ]
        verbose_name = _("aggregate figure")
        verbose_name_plural = _("aggregate figures")

    def __str__(self) -> str:
        return f"{self.element} {self.period_start}..{self.period_end}: {self.value}"
