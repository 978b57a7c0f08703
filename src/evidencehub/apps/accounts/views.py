from __future__ import annotations

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from evidencehub.apps.accounts.decorators import organisation_required
from evidencehub.apps.accounts.forms import (
    MembershipAddForm,
    MembershipRoleForm,
    OrganisationForm,
    SignInForm,
    TotpCodeForm,
)
from evidencehub.apps.accounts.models import Membership, Organisation, User
from evidencehub.apps.accounts.selectors import (
    consortia_for_user,
    memberships_for_organisation,
    organisations_for_user,
)
from evidencehub.apps.accounts.services import (
    membership_add,
    membership_change_role,
    membership_remove,
    organisation_create,
)
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.forms import apply_validation_error
from evidencehub.core.permissions import Capability, Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for_user(user=request.user).prefetch_related(
        "initiatives"
    )
    if organisations.count() == 1 and not consortia_for_user(user=request.user):
        return redirect("initiatives:organisation", org_slug=organisations[0].slug)
    return render(
        request,
        "accounts/home.html",
        {
            "organisations": organisations,
            "consortia": consortia_for_user(user=request.user),
        },
    )


@login_required
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(
                actor=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Organisation created. You are its admin."))
            return redirect("initiatives:organisation", org_slug=organisation.slug)
    return render(request, "accounts/organisation_form.html", {"form": form})


@organisation_required(Capability.MANAGE_MEMBERS)
def members(
    request: HttpRequest, organisation: Organisation, role: Role
) -> HttpResponse:
    form = MembershipAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _membership, created = membership_add(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "Account created. We e-mailed the person a link to choose "
                        "a password."
                    ),
                )
            else:
                messages.success(request, _("Member added."))
            return redirect("accounts:members", org_slug=organisation.slug)
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "role": role,
            "memberships": memberships_for_organisation(organisation=organisation),
            "form": form,
            "role_form": MembershipRoleForm(),
        },
    )


@require_POST
@organisation_required(Capability.MANAGE_MEMBERS)
def member_update(
    request: HttpRequest, organisation: Organisation, role: Role, membership_id: int
) -> HttpResponse:
    membership = get_object_or_404(
        Membership, pk=membership_id, organisation=organisation
    )
    try:
        if request.POST.get("action") == "remove":
            membership_remove(actor=request.user, membership=membership)  # type: ignore[arg-type]
            messages.success(request, _("Member removed."))
        else:
            form = MembershipRoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose a valid role."))
            else:
                membership_change_role(
                    actor=request.user,  # type: ignore[arg-type]
                    membership=membership,
                    role=form.cleaned_data["role"],
                )
                messages.success(request, _("Role changed."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect("accounts:members", org_slug=organisation.slug)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = Token.objects.filter(user=user).first()
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": Membership.objects.filter(user=user).select_related(
                "organisation"
            ),
            "has_2fa": user_has_device(user, confirmed=True),
            "token": token,
        },
    )


@require_POST
@login_required
def token_rotate(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    Token.objects.filter(user=user).delete()
    if request.POST.get("action") != "revoke":
        token = Token.objects.create(user=user)
        audit_record(action="evidencehub.api_token.created", actor=user)
        messages.success(
            request,
            _("Your new API token (shown once): %(key)s") % {"key": token.key},
        )
    else:
        audit_record(action="evidencehub.api_token.deleted", actor=user)
        messages.success(request, _("API token revoked."))
    return redirect("accounts:profile")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user_has_device(user, confirmed=True) and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:totp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            audit_record(action="evidencehub.two_factor.enabled", actor=user)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("accounts:profile")
        form.add_error(
            "code", _("That code did not match. Check the time on your phone.")
        )
    return render(
        request,
        "accounts/totp_setup.html",
        {"form": form, "qr_svg": _qr_svg(device.config_url), "secret": device.key},
    )


@login_required
def totp_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TotpCodeForm(request.POST or None)
    next_url = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = "/"
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                return redirect(next_url)
        audit_record(action="evidencehub.two_factor.failed", actor=user)
        form.add_error("code", _("That code did not match."))
    return render(
        request, "accounts/totp_verify.html", {"form": form, "next": next_url}
    )


@require_POST
@login_required
def totp_disable(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(action="evidencehub.two_factor.disabled", actor=user)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:profile")


@login_required
def consortium(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(consortia_for_user(user=request.user), slug=slug)
    return render(
        request,
        "accounts/consortium.html",
        {"consortium": item, "organisations": item.organisations.all()},
    )
