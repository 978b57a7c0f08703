from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def phq9(db: Any) -> Any:
    from evidencehub.apps.instruments.models import InstrumentVersion
    from evidencehub.apps.instruments.services import ensure_catalogue

    ensure_catalogue()
    return InstrumentVersion.objects.get(
        organisation__isnull=True, instrument_id="phq9"
    )


@pytest.fixture
def pair(cast: Any, phq9: Any) -> tuple[Any, Any]:
    """A PHQ-9 baseline and end questionnaire on helpline-a."""
    from evidencehub.apps.instruments.services import questionnaire_create

    base = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=phq9,
        occasion="baseline",
    )
    end = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=phq9,
        occasion="end",
    )
    return base, end


def phq_answers(values: list[int]) -> dict[str, str]:
    return {f"phq9_{i}": str(v) for i, v in enumerate(values, 1)}
