from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Organisation, slug_validator
from evidencehub.core.evidence import Design
from evidencehub.core.logic_model import LogicModel as CoreLogicModel


class InterventionType(models.TextChoices):
    HELPLINE = "helpline", _("Helpline")
    ONLINE_SELF_HELP = "online_self_help", _("Online self-help")
    THERAPY_TREATMENT = "therapy_treatment", _("Therapy or treatment")
    DETERRENCE_WARNING = "deterrence_warning", _("Deterrence or warning messages")
    PEER_SUPPORT = "peer_support", _("Peer support")
    PROFESSIONAL_TRAINING = "professional_training", _("Professional training")
    OTHER = "other", _("Other")


class PreventionLevel(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    TERTIARY = "tertiary", _("Tertiary")


class DeliveryMode(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline (in person or by phone)")
    HYBRID = "hybrid", _("Hybrid")


class TargetGroup(models.TextChoices):
    OWN_THOUGHTS = (
        "own_thoughts_or_behaviour",
        _("People concerned about their own thoughts or behaviour"),
    )
    FAMILY_FRIENDS = "family_and_friends", _("Family and friends")
    PROFESSIONALS = "professionals", _("Professionals")
    YOUNG_PEOPLE_HSB = (
        "young_people_hsb",
        _("Young people with harmful sexual behaviour"),
    )
    OTHER = "other", _("Other")


class JusticeStage(models.TextChoices):
    NOT_INVOLVED = "not_involved", _("Not in contact with the justice system")
    DURING = "during_proceedings", _("During criminal proceedings")
    AFTER = "after_proceedings", _("After criminal proceedings")
    MIXED = "mixed", _("Mixed")


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class Initiative(models.Model):
    """What is delivered, by which organisation, for whom and where."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="initiatives"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name"), max_length=60, unique=True, validators=[slug_validator]
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    intervention_type = models.CharField(
        _("intervention type"), max_length=30, choices=InterventionType.choices
    )
    prevention_level = models.CharField(
        _("prevention level"), max_length=20, choices=PreventionLevel.choices
    )
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=20, choices=DeliveryMode.choices
    )
    onion_service = models.BooleanField(
        _("also offered as an onion service"), default=False
    )
    target_groups = models.JSONField(_("target groups"), default=list)
    stage_in_justice = models.CharField(
        _("stage in the justice process of the people served"),
        max_length=30,
        choices=JusticeStage.choices,
        default=JusticeStage.NOT_INVOLVED,
    )
    countries = models.JSONField(_("countries (ISO 3166)"), default=list)
    languages = models.JSONField(_("languages (BCP 47)"), default=list)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="initiative_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class LogicModel(models.Model):
    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="logic_model"
    )
    inputs = models.JSONField(default=list, blank=True)
    activities = models.JSONField(default=list, blank=True)
    outputs = models.JSONField(default=list, blank=True)
    outcomes_short = models.JSONField(default=list, blank=True)
    outcomes_medium = models.JSONField(default=list, blank=True)
    outcomes_long = models.JSONField(default=list, blank=True)
    assumptions = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("logic model")
        verbose_name_plural = _("logic models")

    def __str__(self) -> str:
        return f"Logic model of {self.initiative}"

    def as_core(self) -> CoreLogicModel:
        return CoreLogicModel(
            inputs=tuple(self.inputs),
            activities=tuple(self.activities),
            outputs=tuple(self.outputs),
            outcomes_short=tuple(self.outcomes_short),
            outcomes_medium=tuple(self.outcomes_medium),
            outcomes_long=tuple(self.outcomes_long),
            assumptions=tuple(self.assumptions),
        )


class EvaluationPlan(models.Model):
    """Evaluation questions, their KPIs and targets, plus the ethics and data
    protection answers the data-protection summary is made from."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="evaluation_plan"
    )
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    purpose = models.TextField(
        _("purpose of the data collection"), blank=True, max_length=4000
    )
    information_text = models.TextField(
        _("information or consent text service users see"), blank=True, max_length=8000
    )
    data_collected = models.TextField(
        _("what is collected"), blank=True, max_length=4000
    )
    retention_days = models.PositiveIntegerField(
        _("how long raw records are kept (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(36500)],
    )
    safeguarding_route = models.TextField(
        _("safeguarding and escalation route"), blank=True, max_length=4000
    )
    ethics_reference = models.CharField(
        _("ethics approval reference"), blank=True, max_length=200
    )
    ethics_body = models.CharField(
        _("approving ethics body"), blank=True, max_length=200
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation plan")
        verbose_name_plural = _("evaluation plans")

    def __str__(self) -> str:
        return f"Evaluation plan of {self.initiative}"


class DesignChoices(models.TextChoices):
    ROUTINE_MONITORING = Design.ROUTINE_MONITORING.value, _("Routine monitoring")
    PRE_POST_USER_CODES = (
        Design.PRE_POST_USER_CODES.value,
        _("Pre/post with user-held codes"),
    )
    WITHIN_CONTACT = Design.WITHIN_CONTACT.value, _("Within-contact change")
    INTERRUPTED_TIME_SERIES = (
        Design.INTERRUPTED_TIME_SERIES.value,
        _("Interrupted time series"),
    )
    RANDOMISED_MESSAGE_TEST = (
        Design.RANDOMISED_MESSAGE_TEST.value,
        _("Randomised message test"),
    )
    WAITLIST_PLACEBO_RCT = (
        Design.WAITLIST_PLACEBO_RCT.value,
        _("Waitlist or placebo randomised trial"),
    )
    OTHER = Design.OTHER.value, _("Other")


class EvaluationQuestion(models.Model):
    plan = models.ForeignKey(
        EvaluationPlan, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("evaluation question"), max_length=500)
    design = models.CharField(_("design"), max_length=40, choices=DesignChoices.choices)
    design_notes = models.TextField(_("design notes"), blank=True, max_length=2000)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")

    def __str__(self) -> str:
        return self.text


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")
    INCREASE = "increase", _("increase to")
    DECREASE = "decrease", _("decrease to")
    MAINTAIN = "maintain", _("maintain")


class KpiTarget(models.Model):
    """A KPI that answers a question and what success looks like for it. The KPI
    is named by a free identifier until the shared KPI catalogue is loaded."""

    question = models.ForeignKey(
        EvaluationQuestion, on_delete=models.CASCADE, related_name="kpi_targets"
    )
    kpi_id = models.CharField(_("KPI identifier"), max_length=100)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    direction = models.CharField(
        _("direction"),
        max_length=20,
        choices=Direction.choices,
        default=Direction.AT_LEAST,
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    target_date = models.DateField(_("by when"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.direction} {self.target_value}"
