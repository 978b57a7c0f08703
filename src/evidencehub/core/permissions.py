"""Roles and what each may do inside one organisation.

A person holds one role per organisation (they may belong to several). Platform
admins are Django superusers and act through the admin site; evaluators hold a
role in a consortium, not in an organisation, and so receive no capability over
any organisation's data until disclosure control releases protected figures.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    STAFF = "staff"
    VIEWER = "viewer"


class Capability(StrEnum):
    VIEW = "view"
    ENTER_DATA = "enter_data"
    EDIT_PLAN = "edit_plan"
    EDIT_INITIATIVE = "edit_initiative"
    EXPORT = "export"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT = "view_audit"


_ALL = frozenset(Capability)

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.ANALYST: frozenset(
        {
            Capability.VIEW,
            Capability.ENTER_DATA,
            Capability.EDIT_PLAN,
            Capability.EXPORT,
        }
    ),
    Role.STAFF: frozenset({Capability.VIEW, Capability.ENTER_DATA}),
    Role.VIEWER: frozenset({Capability.VIEW}),
}


def role_can(role: Role | str | None, capability: Capability) -> bool:
    """True when ``role`` grants ``capability``; ``None`` (no membership) grants
    nothing. An unknown role string grants nothing rather than raising, so a stale
    row can never widen access."""
    if role is None:
        return False
    try:
        return capability in ROLE_CAPABILITIES[Role(role)]
    except ValueError:
        return False
