from __future__ import annotations

import pytest

from evidencehub.core.permissions import Capability, Role, role_can

MATRIX = {
    Role.ADMIN: set(Capability),
    Role.ANALYST: {
        Capability.VIEW,
        Capability.ENTER_DATA,
        Capability.EDIT_PLAN,
        Capability.EXPORT,
    },
    Role.STAFF: {Capability.VIEW, Capability.ENTER_DATA},
    Role.VIEWER: {Capability.VIEW},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("capability", list(Capability))
def test_role_matrix(role: Role, capability: Capability) -> None:
    assert role_can(role, capability) is (capability in MATRIX[role])


@pytest.mark.parametrize("role", [None, "", "owner", "ADMIN"])
def test_no_or_unknown_role_grants_nothing(role: str | None) -> None:
    assert not any(role_can(role, c) for c in Capability)
