from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from evidencehub.apps.accounts import views
from evidencehub.apps.accounts.forms import PasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.profile, name="profile"),
    path("account/token/", views.token_rotate, name="token"),
    path("account/2fa/setup/", views.totp_setup, name="totp_setup"),
    path("account/2fa/verify/", views.totp_verify, name="totp_verify"),
    path("account/2fa/disable/", views.totp_disable, name="totp_disable"),
    path(
        "account/password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=PasswordResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "account/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "account/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "account/password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:profile"),
        ),
        name="password_change",
    ),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("o/<slug:org_slug>/members/", views.members, name="members"),
    path(
        "o/<slug:org_slug>/members/<int:membership_id>/",
        views.member_update,
        name="member_update",
    ),
    path("consortia/<slug:slug>/", views.consortium, name="consortium"),
]
