"""Small hand-made data sets for the KPI engine tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest


def contact(initiative: Any, day: date, **kw: Any) -> Any:
    from evidencehub.apps.collect.models import ContactRecord

    base = {
        "channel": "phone",
        "status": "answered",
        "risk_level": "not_assessed",
        "self_harm_risk": "unknown",
        "repeat_contact": "unknown",
        "previous_actions_taken": "not_applicable",
        "safeguarding": "none",
        "actions": ["none"],
        "source": "form",
    }
    base.update(kw)
    return ContactRecord.objects.create(initiative=initiative, date=day, **base)


def rollup(initiative: Any, day: date, type_: str, events: int, **kw: Any) -> Any:
    from evidencehub.apps.collect.models import DailyRollup, DailyTotal

    kw.setdefault("channel", "web")
    row = DailyRollup.objects.create(
        initiative=initiative, day=day, type=type_, events=events, **kw
    )
    total, _c = DailyTotal.objects.get_or_create(initiative=initiative, day=day)
    total.events += events
    total.visitor_days += kw.get("visitor_days", 0)
    total.save()
    return row


def responses(
    initiative: Any,
    instrument_id: str,
    pairs: list[tuple[float, float]],
    *,
    base_when: datetime,
    later_when: datetime,
    occasion: str = "end",
) -> None:
    from evidencehub.apps.instruments.models import (
        InstrumentVersion,
        Questionnaire,
        Response,
        ResponseScore,
    )

    version, _c = InstrumentVersion.objects.get_or_create(
        organisation=None,
        instrument_id=instrument_id,
        version="1",
        defaults={"title": instrument_id, "origin": "catalogue", "definition": {}},
    )
    qs = {}
    for occ in ("baseline", occasion):
        qs[occ], _c = Questionnaire.objects.get_or_create(
            initiative=initiative,
            instrument_version=version,
            occasion=occ,
            defaults={"title": f"{instrument_id} {occ}"},
        )
    for i, (pre, post) in enumerate(pairs):
        for occ, score, when in (
            ("baseline", pre, base_when),
            (occasion, post, later_when),
        ):
            r = Response.objects.create(
                questionnaire=qs[occ], submitted_hour=when, code_hash=f"c{i}"
            )
            ResponseScore.objects.create(
                response=r,
                total=score,
                valid=True,
                method_id="sum",
                method_version="1",
                instrument_id=instrument_id,
                instrument_version="1",
            )


@pytest.fixture
def when() -> dict[str, datetime]:
    return {
        "jan": datetime(2026, 1, 10, 9, tzinfo=UTC),
        "mar": datetime(2026, 3, 10, 9, tzinfo=UTC),
        "prev": datetime(2025, 12, 20, 9, tzinfo=UTC),
    }
