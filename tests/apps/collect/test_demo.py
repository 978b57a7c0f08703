"""The synthetic demo data of collection: a year, idempotent."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_demo_has_a_year_of_data_and_is_idempotent() -> None:
    from evidencehub.apps.collect.models import (
        AggregateFigure,
        CollectionKey,
        ContactRecord,
        DailyTotal,
        Event,
    )
    from evidencehub.demo.loader import load_demo

    load_demo(extensions=False)
    from evidencehub.apps.collect import demo

    created = demo.load()
    assert created["daily_rollups"] > 10_000
    assert DailyTotal.objects.filter(initiative__slug="demo-helpline").count() == 365
    assert ContactRecord.objects.filter(initiative__slug="demo-helpline").count() > 2000
    assert (
        AggregateFigure.objects.filter(initiative__slug="demo-helpline").count() == 36
    )
    assert Event.objects.exists()
    assert CollectionKey.objects.filter(allowed_origins__isnull=False).count() == 6
    counts = (DailyTotal.objects.count(), ContactRecord.objects.count())
    assert demo.load() == {
        "collection_events": 0,
        "daily_rollups": 0,
        "contact_records": 0,
    }
    assert (DailyTotal.objects.count(), ContactRecord.objects.count()) == counts
    demo.load(reset=True)
    assert (DailyTotal.objects.count(), ContactRecord.objects.count()) == counts
