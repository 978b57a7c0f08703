"""The audit log records what happened, cannot be changed, and each
organisation's admins read only their own."""

from __future__ import annotations

from typing import Any

import pytest

from evidencehub.apps.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def _actions(org: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(organisation=org).values_list("action", flat=True)
    )


def test_creations_are_recorded(cast: Any) -> None:
    actions = _actions(cast.org_a)
    assert "evidencehub.organisation.created" in actions
    assert "evidencehub.initiative.created" in actions
    assert "evidencehub.evaluation_question.created" in actions


def test_updates_record_old_and_new_values(cast: Any, api_for: Any) -> None:
    api_for(cast.admin_a).patch(
        "/api/v1/initiatives/helpline-a/", {"name": "Line A"}, format="json"
    )
    event = AuditEvent.objects.filter(action="evidencehub.initiative.updated").get()
    assert event.data == {"changes": {"name": {"old": "Helpline A", "new": "Line A"}}}
    assert event.actor == cast.admin_a
    assert event.organisation == cast.org_a


def test_deletions_and_exports_are_recorded(cast: Any, client_for: Any) -> None:
    client = client_for(cast.admin_a)
    client.get("/initiatives/helpline-a/jrc-profile.json")
    client.post("/initiatives/helpline-a/delete/")
    actions = _actions(cast.org_a)
    assert "evidencehub.initiative.exported" in actions
    assert "evidencehub.initiative.deleted" in actions


def test_sign_ins_and_failures_are_recorded(cast: Any, client: Any) -> None:
    client.post(
        "/account/login/", {"username": "admin-a@example.org", "password": "wrong"}
    )
    client.post(
        "/account/login/",
        {"username": "admin-a@example.org", "password": "a-long-test-password-42"},
    )
    actions = _actions(cast.org_a)
    assert "evidencehub.auth.sign_in_failed" in actions
    assert "evidencehub.auth.signed_in" in actions
    # A sign-in of org A's admin is not shown to org B.
    assert "evidencehub.auth.signed_in" not in _actions(cast.org_b)


def test_events_cannot_be_changed_or_deleted(cast: Any) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.action = "evidencehub.tampered.with"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_action_names_are_typed(cast: Any) -> None:
    from evidencehub.apps.audit.services import audit_record

    with pytest.raises(ValueError, match="action"):
        audit_record(action="initiative updated", actor=None)


def test_admins_read_the_log_in_a_page_and_the_api(
    cast: Any, client_for: Any, api_for: Any
) -> None:
    page = client_for(cast.admin_a).get("/o/org-a/audit/?action=evidencehub.initiative")
    assert b"evidencehub.initiative.created" in page.content
    assert b"evidencehub.organisation.created" not in page.content
    body = api_for(cast.admin_a).get("/api/v1/organisations/org-a/audit-events/").json()
    assert body["count"] == AuditEvent.objects.filter(organisation=cast.org_a).count()
    assert all("Helpline B" not in e["object_label"] for e in body["results"])
