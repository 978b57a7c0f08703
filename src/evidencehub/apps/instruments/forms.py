from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.instruments.models import InstrumentVersion, Occasion


class QuestionnaireForm(forms.Form):
    instrument_version = forms.TypedChoiceField(label=_("Instrument"), coerce=int)
    occasion = forms.ChoiceField(
        label=_("When is it asked?"), choices=Occasion.choices, widget=forms.RadioSelect
    )
    follow_up_months = forms.IntegerField(
        label=_("Follow-up after how many months?"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("Only for a follow-up."),
    )
    title = forms.CharField(
        label=_("Title shown to people"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the instrument's name."),
    )
    ask_code = forms.BooleanField(
        label=_("Ask for a personal code so answers can be linked over time"),
        required=False,
        initial=True,
    )
    allow_free_text = forms.BooleanField(
        label=_(
            "Allow free-text answers (off by default; never ask for offence details)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, versions: list[InstrumentVersion], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["instrument_version"].choices = [  # type: ignore[attr-defined]
            (v.pk, f"{v.title} (v{v.version})") for v in versions
        ]


class SurveySettingsForm(forms.Form):
    crisis_text = forms.CharField(
        label=_("Crisis resources shown when a safety question is answered above zero"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        required=False,
        help_text=_(
            "Phone numbers and services people can contact right now, in plain words. "
            "Leave empty to use the default text."
        ),
    )


class DefinitionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Definition file"),
        help_text=_(
            "An instrument definition (YAML or JSON), a REDCap data dictionary (CSV) "
            "or a REDCap instrument ZIP."
        ),
    )


class ResponseImportForm(forms.Form):
    file = forms.FileField(
        label=_("File of answers (CSV, XLSX or JSON lines)"),
        help_text=_(
            "One row per response; one column per item id; optional columns "
            "'code' and 'submitted_at' (YYYY-MM-DD). Nothing is stored unless "
            "every row is valid."
        ),
    )
