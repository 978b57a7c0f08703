from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Membership, Organisation, User


class OrganisationForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "country", "description", "website"]


class MembershipAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    # The least-privileged role is the default; more is a deliberate choice.
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.RoleChoices.choices,
        initial=Membership.RoleChoices.VIEWER,
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.RoleChoices.choices)


class TotpCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits shown in your app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def clean_code(self) -> str:
        value: Any = self.cleaned_data["code"]
        return str(value).strip()


class SignInForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also sends the link to invited people who have not chosen a password
    yet (Django's form skips accounts without a usable password)."""

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))
