from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.initiatives.models import (
    DesignChoices,
    Direction,
    EvaluationPlan,
    Initiative,
    TargetGroup,
)
from evidencehub.core.logic_model import LOGIC_MODEL_PARTS
from evidencehub.core.validation import normalise_country, normalise_language


class CodeListField(forms.CharField):
    """Comma- or space-separated codes, normalised by ``normalise``."""

    def __init__(self, *, normalise: Any, **kwargs: Any) -> None:
        self.normalise = normalise
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        codes: list[str] = []
        for raw in text.replace(",", " ").split():
            try:
                code = self.normalise(raw)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
            if code not in codes:
                codes.append(code)
        return codes


class InitiativeForm(forms.ModelForm[Initiative]):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = CodeListField(
        label=_("Countries"),
        normalise=normalise_country,
        help_text=_("ISO 3166 two-letter codes, separated by commas, e.g. DE, AT"),
    )
    languages = CodeListField(
        label=_("Languages"),
        normalise=normalise_language,
        help_text=_("BCP 47 language tags, separated by commas, e.g. de, en, pt-BR"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data

    class Meta:
        model = Initiative
        fields = [
            "name",
            "slug",
            "description",
            "intervention_type",
            "prevention_level",
            "delivery_mode",
            "onion_service",
            "target_groups",
            "stage_in_justice",
            "countries",
            "languages",
            "start_date",
            "end_date",
            "status",
            "website",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class LogicModelForm(forms.Form):
    """Each part of the logic model as a textarea, one statement per line."""

    inputs = forms.CharField(
        label=_("Inputs"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    activities = forms.CharField(
        label=_("Activities"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outputs = forms.CharField(
        label=_("Outputs"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcomes_short = forms.CharField(
        label=_("Short-term outcomes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcomes_medium = forms.CharField(
        label=_("Medium-term outcomes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcomes_long = forms.CharField(
        label=_("Long-term outcomes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assumptions = forms.CharField(
        label=_("Assumptions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def parts(self) -> dict[str, list[str]]:
        return {
            part: [
                line for line in self.cleaned_data[part].splitlines() if line.strip()
            ]
            for part in LOGIC_MODEL_PARTS
        }


class PlanForm(forms.ModelForm[EvaluationPlan]):
    class Meta:
        model = EvaluationPlan
        fields = [
            "summary",
            "purpose",
            "information_text",
            "data_collected",
            "retention_days",
            "safeguarding_route",
            "ethics_reference",
            "ethics_body",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "summary",
                "purpose",
                "information_text",
                "data_collected",
                "safeguarding_route",
            )
        }


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Evaluation question"), max_length=500)
    design = forms.ChoiceField(
        label=_("Design"),
        choices=[("", _("Choose a design")), *DesignChoices.choices],
    )
    design_notes = forms.CharField(
        label=_("Design notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class KpiTargetForm(forms.Form):
    kpi_id = forms.CharField(label=_("KPI identifier"), max_length=100, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    target_value = forms.DecimalField(
        label=_("Target value"),
        required=False,
        max_digits=14,
        decimal_places=4,
        localize=True,
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    target_date = forms.DateField(
        label=_("By when"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = any(
            data.get(name) not in (None, "")
            for name in ("target_value", "unit", "target_date", "notes")
        )
        if filled and not data.get("kpi_id"):
            self.add_error("kpi_id", _("Name the KPI, or clear this row."))
        return data


MAX_KPIS_PER_QUESTION = 20
KpiTargetFormSet = forms.formset_factory(
    KpiTargetForm,
    extra=2,
    max_num=MAX_KPIS_PER_QUESTION,
    validate_max=True,
    absolute_max=MAX_KPIS_PER_QUESTION + 2,
)
