"""Organisation inputs. No staff names are stored anywhere: staff are posts
with a role label and FTE; the pulse survey is anonymous and reported only in
aggregate."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.operations.costs import CATEGORIES
from evidencehub.core.readability import FORMULAS

CATEGORY_CHOICES = list(CATEGORIES.items())
LANGUAGE_CHOICES = [(k, f.name) for k, f in FORMULAS.items()]


class CostEntry(models.Model):
    """One cost line for a period (inclusive dates). For staff lines ``fte``
    and ``annual_salary`` give ``amount``; for volunteer lines ``hours`` and
    ``hourly_rate`` (the shadow wage)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="cost_entries"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    category = models.CharField(_("category"), max_length=20, choices=CATEGORY_CHOICES)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    fte = models.DecimalField(
        _("FTE"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    annual_salary = models.DecimalField(
        _("loaded annual salary"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    hours = models.DecimalField(
        _("volunteer hours"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    hourly_rate = models.DecimalField(
        _("shadow wage per hour"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "category", "pk"]
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")

    def __str__(self) -> str:
        return f"{self.category} {self.period_start}-{self.period_end}"


class FundingSource(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="funding_sources"
    )
    funder = models.ForeignKey(
        "funding.Funder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("funder in the funders database"),
    )
    funder_name = models.CharField(_("funder name"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    recurrent = models.BooleanField(_("recurrent"), default=False)
    restricted = models.BooleanField(_("restricted"), default=False)
    founding = models.BooleanField(_("founding grant"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.funder.name if self.funder_id else self.funder_name  # type: ignore[union-attr]

    @property
    def funder_key(self) -> str:
        return (
            f"funder:{self.funder_id}"
            if self.funder_id
            else self.funder_name.strip().casefold()
        )


class StaffPost(models.Model):
    """A post, never a person: e.g. "Counsellor 2" with its FTE."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="staff_posts"
    )
    label = models.CharField(_("post label (no names)"), max_length=80)
    fte = models.DecimalField(_("FTE"), max_digits=4, decimal_places=2)
    start = models.DateField(_("in post from"))
    end = models.DateField(_("in post until"), null=True, blank=True)

    class Meta:
        ordering = ["label", "pk"]

    def __str__(self) -> str:
        return self.label


class TrainingRecord(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="training_records"
    )
    post = models.ForeignKey(
        StaffPost,
        on_delete=models.CASCADE,
        related_name="training",
        null=True,
        blank=True,
    )
    module = models.CharField(_("module"), max_length=120)
    mandatory = models.BooleanField(_("mandatory module"), default=False)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    date = models.DateField(_("date completed"))
    l1_rating = models.PositiveSmallIntegerField(
        _("Kirkpatrick L1 rating (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    knowledge_pre = models.DecimalField(
        _("knowledge before (0-100)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    knowledge_post = models.DecimalField(
        _("knowledge after (0-100)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    confidence_pre = models.DecimalField(
        _("confidence before (0-10)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    confidence_post = models.DecimalField(
        _("confidence after (0-10)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.module} {self.date}"


class StaffPeriod(models.Model):
    """Counts for a period: supervision hours, leavers, sickness days,
    headcount at start and end."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="staff_periods"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    supervision_hours = models.DecimalField(
        _("clinical supervision hours"), max_digits=8, decimal_places=1, default=0
    )
    leavers = models.PositiveIntegerField(_("leavers"), default=0)
    sickness_days = models.DecimalField(
        _("sickness-absence days"), max_digits=8, decimal_places=1, default=0
    )
    headcount_start = models.PositiveIntegerField(_("headcount at start"))
    headcount_end = models.PositiveIntegerField(_("headcount at end"))

    class Meta:
        ordering = ["-period_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "period_start", "period_end"],
                name="operations_staffperiod_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_start}-{self.period_end}"


class StaffPulse(models.Model):
    """Which questionnaire is the initiative's anonymous staff pulse survey."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="staff_pulse"
    )
    questionnaire = models.ForeignKey(
        "instruments.Questionnaire", on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"pulse {self.initiative_id}"


class Material(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[
            ("web_page", _("Web page")),
            ("leaflet", _("Leaflet")),
            ("script", _("Script")),
            ("module", _("Programme module")),
            ("other", _("Other")),
        ],
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    text = models.TextField(_("text"))
    target = models.DecimalField(
        _("target score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    module_key = models.CharField(
        _("programme module key (for comprehension checks)"), max_length=40, blank=True
    )
    score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    meets_target = models.BooleanField(null=True, blank=True)
    method = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "language", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class OrganisationPolicyGoal(models.Model):
    """A goal an organisation adds, e.g. from its national action plan."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="policy_goals"
    )
    framework = models.CharField(_("plan or framework"), max_length=200)
    title = models.CharField(_("goal"), max_length=300)
    source = models.CharField(_("source"), max_length=300)
    url = models.URLField(_("link"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        ordering = ["framework", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        return f"org:{self.pk}"


class PolicyAlignment(models.Model):
    """An outcome of the logic model (and optionally a KPI) mapped to a goal
    (catalogue id, or ``org:<pk>``)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="policy_alignments"
    )
    goal_key = models.CharField(_("policy goal"), max_length=80)
    outcome = models.CharField(_("outcome"), max_length=300)
    kpi_id = models.CharField(_("KPI id"), max_length=12, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["goal_key", "outcome", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "goal_key", "outcome", "kpi_id"],
                name="operations_alignment_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal_key}: {self.outcome}"
