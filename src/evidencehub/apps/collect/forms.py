from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.collect.models import KeyKind, TimeResolution
from evidencehub.core.collect import contacts as codes
from evidencehub.core.collect.figures import DATA_ELEMENTS


def _radio(mapping: dict[str, str], label: Any, **kw: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=list(mapping.items()),
        widget=forms.RadioSelect,
        **kw,
    )


def _boxes(mapping: dict[str, str], label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=list(mapping.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class KeyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of key"),
        choices=KeyKind.choices,
        widget=forms.RadioSelect,
        initial=KeyKind.SITE,
    )
    name = forms.CharField(
        label=_("Label"), max_length=100, help_text=_("e.g. 'Main website'")
    )
    allowed_origins = forms.CharField(
        label=_("Allowed web addresses (site keys)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, e.g. https://example.org or http://….onion. "
            "Browsers on other sites cannot use the key."
        ),
    )

    def clean_allowed_origins(self) -> list[str]:
        return str(self.cleaned_data.get("allowed_origins") or "").split()


class SettingsForm(forms.Form):
    modules = forms.CharField(
        label=_("Module keys"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line or comma-separated, e.g. module-1, module-2."),
    )
    custom_event_types = forms.CharField(
        label=_("Custom event types"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Lower-case keys, e.g. video_watched."),
    )
    campaigns = forms.CharField(
        label=_("Campaign codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    time_resolution = forms.ChoiceField(
        label=_("Keep event times to the"),
        choices=TimeResolution.choices,
        widget=forms.RadioSelect,
    )
    raw_event_days = forms.IntegerField(
        label=_("Keep raw events for (days, whole organisation)"),
        min_value=7,
        max_value=3650,
        help_text=_("Daily totals are kept; raw events are deleted after this."),
    )


HOURS = [("", _("Not recorded"))] + [(str(h), f"{h:02d}:00") for h in range(24)]
DISTRESS = [("", "—")] + [(str(i), str(i)) for i in range(11)]


class ContactForm(forms.Form):
    """One helpline contact. Defaults are the most common answers so a
    counsellor can save a routine record with a few keystrokes."""

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date", "autofocus": True}),
    )
    hour = forms.TypedChoiceField(
        label=_("Hour"), choices=HOURS, required=False, coerce=int, empty_value=None
    )
    channel = _radio(codes.CHANNELS, _("Channel"), initial="phone")
    status = _radio(codes.STATUSES, _("Status"), initial="answered")
    caller_type = _radio(codes.CALLER_TYPES, _("Caller"), required=False)
    offending_status = _radio(
        codes.OFFENDING_STATUSES,
        _("Offending status (own-concern callers only, as they said)"),
        required=False,
    )
    concerns = _boxes(codes.CONCERNS, _("Presenting concerns"))
    risk_level = _radio(codes.RISK_LEVELS, _("Risk level"), initial="not_assessed")
    self_harm_risk = _radio(
        codes.YES_NO_UNKNOWN, _("Self-harm risk"), initial="unknown"
    )
    distress_start = forms.TypedChoiceField(
        label=_("Distress at the start (0-10, caller's rating)"),
        choices=DISTRESS,
        required=False,
        coerce=int,
        empty_value=None,
    )
    distress_end = forms.TypedChoiceField(
        label=_("Distress at the end (0-10, caller's rating)"),
        choices=DISTRESS,
        required=False,
        coerce=int,
        empty_value=None,
    )
    actions = _boxes(codes.ACTIONS, _("Actions agreed"))
    repeat_contact = _radio(
        codes.YES_NO_UNKNOWN, _("Repeat contact"), initial="unknown"
    )
    previous_actions_taken = _radio(
        codes.PREVIOUS_ACTIONS,
        _("Were previous actions taken?"),
        initial="not_applicable",
    )
    pseudonym = forms.CharField(
        label=_("Pseudonym the caller chose (optional)"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "Never a real name. It is stored only as a scrambled code, so "
            "repeat contacts can be counted."
        ),
    )
    safeguarding = _radio(
        codes.SAFEGUARDING, _("Safeguarding escalation"), initial="none"
    )
    duration = _radio(codes.DURATION_BANDS, _("Duration"), required=False)
    fidelity_sample = forms.BooleanField(
        label=_("Selected for the fidelity audit sample"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.fields["date"].initial = now.date()
        self.fields["hour"].initial = str(now.hour)


class FigureForm(forms.Form):
    element = forms.ChoiceField(
        label=_("Data element"),
        choices=[(k, v[0]) for k, v in DATA_ELEMENTS.items()],
    )
    period_start = forms.DateField(
        label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"})
    )
    value = forms.IntegerField(label=_("Value"), min_value=0)
    source_system = forms.CharField(
        label=_("Source system"),
        max_length=100,
        required=False,
        help_text=_("e.g. the telephony or chat system the figure comes from"),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("About the figure only. Never write about a service user."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV, XLSX or JSON lines)"),
        help_text=_("The first row names the columns."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and skip the invalid ones"), required=False
    )
