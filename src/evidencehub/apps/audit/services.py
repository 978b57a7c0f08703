"""Writing to the audit log. Every service that creates, changes, deletes or
exports something calls :func:`audit_record` in the same transaction."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from evidencehub.apps.audit.models import AuditEvent

if TYPE_CHECKING:
    from evidencehub.apps.accounts.models import Organisation, User

ACTION_PATTERN = re.compile(r"^evidencehub(\.[a-z_]+){2,3}$")


def audit_record(
    *,
    action: str,
    actor: User | None,
    organisation: Organisation | None = None,
    obj: Any = None,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event.

    ``action`` is a typed dotted name, ``evidencehub.<object>.<verb>`` (e.g.
    ``evidencehub.initiative.updated``).

    Raises:
        ValueError: when ``action`` does not follow that pattern.
    """
    if not ACTION_PATTERN.match(action):
        raise ValueError(f"action: {action!r} is not evidencehub.<object>.<verb>")
    event = AuditEvent(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label or (actor.email if actor is not None else ""),
        organisation=organisation,
        data=data or {},
    )
    if obj is not None:
        event.object_type = obj._meta.model_name
        event.object_id = str(obj.pk)
        event.object_label = str(obj)[:200]
    event.save()
    return event
