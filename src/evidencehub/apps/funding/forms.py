from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.funding.models import CallStatus, PersonSettings
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.funding.vocab import FUNDER_TYPES, LEGAL_FORMS, SIZE_BANDS, THEMES

THEME_CHOICES = list(THEMES.items())
LEGAL_FORM_CHOICES = list(LEGAL_FORMS.items())
SIZE_CHOICES = [(k, v[0]) for k, v in SIZE_BANDS.items()]
COMMON_ZONES = sorted(
    z for z in available_timezones() if "/" in z and not z.startswith("Etc")
)


class SearchForm(forms.Form):
    """The search page's filters (the words box is drawn by the page). Every
    field is optional and lenient: invalid values are dropped by the
    selector, never an error page."""

    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[(s, label) for s, label in CallStatus.choices if s != "unknown"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Without a choice we show open and soon-opening calls."),
    )
    country = forms.CharField(
        label=_("Your country (two-letter code, e.g. DE)"), required=False, max_length=2
    )
    theme = forms.MultipleChoiceField(
        label=_("Themes"),
        required=False,
        choices=THEME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    funder_type = forms.MultipleChoiceField(
        label=_("Kind of funder"),
        required=False,
        choices=[(k, v) for k, v in FUNDER_TYPES.items() if k != "unknown"],
        widget=forms.CheckboxSelectMultiple,
    )
    deadline_within = forms.ChoiceField(
        label=_("Deadline within"),
        required=False,
        choices=[
            ("", _("any time")),
            ("30", _("30 days")),
            ("60", _("60 days")),
            ("90", _("90 days")),
        ],
    )
    amount_min = forms.DecimalField(
        label=_("Grant at least"), required=False, min_value=0
    )
    amount_max = forms.DecimalField(
        label=_("Grant at most"), required=False, min_value=0
    )
    org_type = forms.MultipleChoiceField(
        label=_("Who can apply"),
        required=False,
        choices=LEGAL_FORM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    size = forms.MultipleChoiceField(
        label=_("Size of organisation"),
        required=False,
        choices=SIZE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("best match")),
            ("deadline", _("deadline, soonest first")),
            ("amount", _("largest grant first")),
        ],
    )


def search_params(data: Any) -> dict[str, Any]:
    """Search parameters from a query dict, raw (the selector validates)."""
    params: dict[str, Any] = {}
    for name in (
        "q",
        "country",
        "deadline_within",
        "amount_min",
        "amount_max",
        "sort",
        "page",
    ):
        if value := data.get(name):
            params[name] = value
    for name in ("status", "theme", "funder_type", "org_type", "size"):
        if values := data.getlist(name):
            params[name] = values
    return params


class ProfileForm(forms.Form):
    legal_form = forms.ChoiceField(
        label=_("Legal form"),
        required=False,
        choices=[("", _("Not given")), *LEGAL_FORM_CHOICES],
    )
    size_band = forms.ChoiceField(
        label=_("Size (annual income)"),
        required=False,
        choices=[("", _("Not given")), *SIZE_CHOICES],
    )
    themes = forms.MultipleChoiceField(
        label=_("What you work on"),
        required=False,
        choices=THEME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    initiative: forms.ModelChoiceField[Initiative] = forms.ModelChoiceField(
        label=_("Match for this initiative too (optional)"),
        queryset=Initiative.objects.none(),
        required=False,
        help_text=_("Its kind of service and languages are added to the profile."),
    )
    languages = forms.CharField(
        label=_("Languages you can write an application in"),
        required=False,
        help_text=_("Codes separated by commas, e.g. de, en"),
        max_length=200,
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = organisation.initiatives.all()  # type: ignore[attr-defined]

    def clean_languages(self) -> list[str]:
        value = self.cleaned_data.get("languages") or ""
        return [p.strip() for p in value.split(",") if p.strip()]


class PersonSettingsForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=[("UTC", "UTC")] + [(z, z) for z in COMMON_ZONES],
    )
    digest = forms.ChoiceField(
        label=_("Digest e-mail"), choices=PersonSettings.Digest.choices
    )
    reminders = forms.BooleanField(
        label=_("E-mail me two weeks before a watched deadline"), required=False
    )


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Name this search"), max_length=120)


class ShareForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label=_("Colleagues"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        label=_("Short note (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, people: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = people  # type: ignore[attr-defined]


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you propose?"),
        choices=[
            ("funder", _("A new funder")),
            ("call", _("A new call")),
            ("correction", _("A correction")),
        ],
    )
    target = forms.CharField(
        label=_("Record to correct (its key, from the page address)"),
        required=False,
        max_length=140,
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=400)
    funder = forms.CharField(
        label=_("Funder key (for a new call)"), required=False, max_length=120
    )
    deadline_text = forms.CharField(
        label=_("Deadline"),
        required=False,
        max_length=200,
        help_text=_("e.g. 2026-03-31 17:00 CET, or 'rolling'"),
    )
    eligibility = forms.CharField(
        label=_("Who can apply"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    url = forms.URLField(
        label=_("Link to the call or funder"), required=False, assume_scheme="https"
    )
    source_url = forms.URLField(
        label=_("Where did you read this? (link)"), assume_scheme="https"
    )
    note = forms.CharField(
        label=_("Anything else reviewers should know"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject"))]
    )
    note = forms.CharField(
        label=_("Note to the proposer"), required=False, max_length=2000
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("360Giving file (.json, .csv or .xlsx)"))


class AnonymiseForm(forms.Form):
    region = forms.CharField(
        label=_("Region to keep (e.g. 'Southern Germany')"), max_length=200
    )
    description = forms.CharField(
        label=_("New description (if the old one names the recipient)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
