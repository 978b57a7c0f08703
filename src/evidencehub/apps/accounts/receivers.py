"""Sign-in events go to the audit log of every organisation the person belongs
to, so each organisation's admins see their own members' sign-ins."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from evidencehub.apps.accounts.models import Membership, Organisation, User
from evidencehub.apps.audit.services import audit_record


def _record_for_user(action: str, user: User | None, label: str) -> None:
    organisations: list[Organisation | None] = (
        [
            m.organisation
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ]
        if user is not None
        else []
    )
    for organisation in organisations or [None]:
        audit_record(
            action=action,
            actor=user,
            organisation=organisation,
            actor_label=label,
        )


@receiver(user_logged_in)
def record_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    _record_for_user("evidencehub.auth.signed_in", user, user.email)


@receiver(user_login_failed)
def record_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:254]
    user = User.objects.filter(email=attempted.lower()).first()
    # The actor of a failed attempt is unknown; only the name typed is kept.
    _record_for_user("evidencehub.auth.sign_in_failed", None, attempted)
    if user is not None:
        for membership in Membership.objects.filter(user=user).select_related(
            "organisation"
        ):
            audit_record(
                action="evidencehub.auth.sign_in_failed",
                actor=None,
                organisation=membership.organisation,
                actor_label=attempted,
            )
