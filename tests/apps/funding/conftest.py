from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def seeded(db: Any) -> dict[str, int]:
    from evidencehub.apps.funding.services import load_seed

    return load_seed()


@pytest.fixture
def demo(cast: Any) -> dict[str, int]:
    """The seed, the synthetic demo calls and grants, and a profile for org A."""
    from evidencehub.apps.funding.demo import load
    from evidencehub.apps.funding.services import profile_update

    counts = load()
    profile_update(
        actor=cast.admin_a,
        organisation=cast.org_a,
        legal_form="non_profit",
        size_band="small",
        themes=["helplines", "online_safety", "csa_prevention"],
        languages=["de", "en"],
    )
    return counts
