"""Writes about organisations and people. Each service validates, writes and
appends to the audit log in one transaction; errors are ``ValidationError`` with
a message per field."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from evidencehub.apps.accounts.models import Membership, Organisation, User
from evidencehub.apps.audit.services import audit_record
from evidencehub.core.permissions import Role
from evidencehub.core.validation import normalise_country


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationError(
            {"role": f"'{value}' is not a role ({choices})"}
        ) from None


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    slug: str,
    country: str,
    description: str = "",
    website: str = "",
) -> Organisation:
    """Create an organisation; the actor (unless a platform admin acting for
    someone else, i.e. ``None``) becomes its first admin."""
    try:
        country = normalise_country(country)
    except ValueError as exc:
        raise ValidationError({"country": str(exc)}) from None
    organisation = Organisation(
        name=name, slug=slug, country=country, description=description, website=website
    )
    organisation.full_clean()
    organisation.save()
    if actor is not None:
        Membership.objects.create(
            user=actor, organisation=organisation, role=Role.ADMIN.value
        )
    audit_record(
        action="evidencehub.organisation.created",
        actor=actor,
        organisation=organisation,
        obj=organisation,
    )
    return organisation


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    is_superuser: bool = False,
    check_password: bool = True,
) -> User:
    """Create a staff account. Without ``password`` the account cannot sign in
    until its owner sets one through the password-reset e-mail."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid e-mail address."}) from None
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "An account with this e-mail already exists."})
    user = User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password and check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    audit_record(
        action="evidencehub.user.created", actor=None, obj=user, actor_label="system"
    )
    return user


@transaction.atomic
def membership_add(
    *, actor: User, organisation: Organisation, email: str, role: str
) -> tuple[Membership, bool]:
    """Give the person with ``email`` a ``role`` in ``organisation``, creating
    their account (without a password) when it does not exist yet.

    Returns the membership and whether an account was created.
    """
    checked_role = _role(role)
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = user_create(email=email, password=None)
        invitation_send(user=user, organisation=organisation)
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError({"email": "This person is already a member."})
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=checked_role.value
    )
    audit_record(
        action="evidencehub.membership.created",
        actor=actor,
        organisation=organisation,
        obj=membership,
        data={"email": email, "role": checked_role.value},
    )
    return membership, created


def _ensure_another_admin(membership: Membership) -> None:
    others = Membership.objects.filter(
        organisation=membership.organisation, role=Role.ADMIN.value
    ).exclude(pk=membership.pk)
    if membership.role == Role.ADMIN.value and not others.exists():
        raise ValidationError(
            {"role": "An organisation needs at least one admin; add another first."}
        )


@transaction.atomic
def membership_change_role(
    *, actor: User, membership: Membership, role: str
) -> Membership:
    checked_role = _role(role)
    if checked_role.value != Role.ADMIN.value:
        _ensure_another_admin(membership)
    old = membership.role
    membership.role = checked_role.value
    membership.save(update_fields=["role"])
    audit_record(
        action="evidencehub.membership.updated",
        actor=actor,
        organisation=membership.organisation,
        obj=membership,
        data={"role": {"old": old, "new": checked_role.value}},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    _ensure_another_admin(membership)
    audit_record(
        action="evidencehub.membership.deleted",
        actor=actor,
        organisation=membership.organisation,
        obj=membership,
        data={"email": membership.user.email, "role": membership.role},
    )
    membership.delete()


def invitation_send(*, user: User, organisation: Organisation) -> None:
    """E-mail a new member a one-time link to choose their password.

    The link is Django's password-reset link (valid for
    ``PASSWORD_RESET_TIMEOUT`` seconds), built on ``EVIDENCEHUB_BASE_URL``.
    """
    base_url = getattr(settings, "EVIDENCEHUB_BASE_URL", "http://127.0.0.1:8000")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "organisation": organisation.name,
        "link": f"{base_url.rstrip('/')}/account/password/reset/{uid}/{token}/",
    }
    send_mail(
        subject=render_to_string("accounts/invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
