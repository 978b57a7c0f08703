from __future__ import annotations

from django.db.models import QuerySet

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.audit.models import AuditEvent


def audit_events_for_organisation(
    *, organisation: Organisation, action_prefix: str = ""
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organisation=organisation).select_related(
        "actor"
    )
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    return events
