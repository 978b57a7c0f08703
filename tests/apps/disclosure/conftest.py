"""Stored KPI results for the disclosure tests: organisation A has 30 phone,
3 chat and 14 e-mail contacts in 2026 (the chat cell is under the
threshold), organisation B 25 phone contacts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.apps.kpis.conftest import contact


@pytest.fixture
def computed(cast: Any) -> Any:
    from evidencehub.apps.kpis.services import compute_and_store
    from evidencehub.core.kpis.results import parse_period

    for channel, n in (("phone", 30), ("chat", 3), ("email", 14)):
        for _i in range(n):
            contact(cast.initiative_a, date(2026, 3, 2), channel=channel)
    for _i in range(25):
        contact(cast.initiative_b, date(2026, 5, 4), channel="phone")
    period = parse_period("2026")
    for initiative, actor in (
        (cast.initiative_a, cast.admin_a),
        (cast.initiative_b, cast.admin_b),
    ):
        compute_and_store(
            initiative=initiative, period=period, breakdown="channel", actor=actor
        )
    return cast
