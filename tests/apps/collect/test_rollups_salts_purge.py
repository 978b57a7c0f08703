"""Salt rotation and deletion, incremental rollups, purge and the worker."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from tests.apps.collect.conftest import BROWSER_UA

pytestmark = pytest.mark.django_db


def test_salts_are_random_per_day_and_deleted_after_48_hours(cast: Any) -> None:
    from evidencehub.apps.collect import services
    from evidencehub.apps.collect.models import DailySalt

    today = datetime.now(UTC).date()
    days = [today - timedelta(days=i) for i in range(4)]
    salts = [services.salt_for(day=d) for d in days]
    assert len({bytes(s) for s in salts}) == 4
    assert all(len(s) == 32 for s in salts)
    services._SALTS.clear()
    assert services.salt_for(day=today) == salts[0]  # shared through the database
    deleted = services.salts_rotate()
    assert deleted == 2
    assert set(DailySalt.objects.values_list("day", flat=True)) == set(days[:2])
    # the day after tomorrow, today's salt is gone too
    services.salts_rotate(now=datetime.now(UTC) + timedelta(days=2))
    assert not DailySalt.objects.filter(day=today).exists()
    assert today not in services._SALTS


def test_a_new_salt_gives_unlinkable_hashes(site_key: Any, post: Any) -> None:
    from evidencehub.apps.collect import services
    from evidencehub.apps.collect.models import DailySalt, Event

    body = {"key": site_key.public_id, "type": "page_view"}
    post(body)
    DailySalt.objects.all().delete()
    services._SALTS.clear()
    post(body)
    first, second = Event.objects.order_by("id").values_list("visitor", flat=True)
    assert first != second


def _event(initiative: Any, day: date, visitor: str, type_: str = "page_view") -> Any:
    from evidencehub.apps.collect.models import Event

    return Event.objects.create(
        initiative=initiative,
        occurred=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
        day=day,
        type=type_,
        channel="web",
        visitor=visitor,
        source="api",
    )


def test_rollups_are_incremental_and_visitor_days_exact(cast: Any) -> None:
    from evidencehub.apps.collect.models import DailyRollup, DailyTotal
    from evidencehub.apps.collect.services import rollup_run

    day = datetime.now(UTC).date()
    _event(cast.initiative_a, day, "v1")
    _event(cast.initiative_a, day, "v2")
    first = rollup_run()
    assert (first.events, first.days) == (2, 1)
    _event(cast.initiative_a, day, "v1")  # same visitor, later run
    _event(cast.initiative_a, day, "v3", "module_started")
    second = rollup_run()
    assert (second.events, second.days) == (2, 1)  # only the new events read
    views = DailyRollup.objects.get(initiative=cast.initiative_a, type="page_view")
    assert (views.events, views.visitor_days) == (3, 2)
    total = DailyTotal.objects.get(initiative=cast.initiative_a, day=day)
    assert (total.events, total.visitor_days) == (4, 3)
    assert rollup_run().events == 0


def test_rollups_work_in_batches(cast: Any) -> None:
    from evidencehub.apps.collect.models import DailyTotal
    from evidencehub.apps.collect.services import rollup_run

    today = datetime.now(UTC).date()
    for i in range(7):
        _event(cast.initiative_a, today - timedelta(days=i % 3), f"v{i}")
    result = rollup_run(batch=2)
    assert result.events == 7
    assert sum(DailyTotal.objects.values_list("events", flat=True)) == 7


def test_purge_keeps_rollups_and_recent_events_and_is_audited(cast: Any) -> None:
    from evidencehub.apps.audit.models import AuditEvent
    from evidencehub.apps.collect.models import DailyTotal, Event
    from evidencehub.apps.collect.services import purge_run, retention_update

    today = datetime.now(UTC).date()
    old = _event(cast.initiative_a, today - timedelta(days=100), "v1")
    recent = _event(cast.initiative_a, today - timedelta(days=10), "v2")
    other = _event(cast.initiative_b, today - timedelta(days=40), "v3")
    retention_update(actor=cast.admin_b, organisation=cast.org_b, raw_event_days=30)
    result = purge_run()
    assert result.events == 2
    assert list(Event.objects.values_list("id", flat=True)) == [recent.id]
    assert DailyTotal.objects.filter(day=old.day).get().events == 1
    assert DailyTotal.objects.filter(day=other.day).exists()
    purged = AuditEvent.objects.filter(action="evidencehub.events.purged")
    assert purged.count() == 2


def test_purge_command_and_worker_once(cast: Any, capsys: Any) -> None:
    from evidencehub.apps.collect.models import DailyTotal, Event

    today = datetime.now(UTC).date()
    _event(cast.initiative_a, today - timedelta(days=200), "v1")
    _event(cast.initiative_a, today, "v2")
    call_command("worker", "--once")
    assert Event.objects.count() == 1
    assert DailyTotal.objects.count() == 2
    call_command("purge")
    assert "Purged 0 raw events" in capsys.readouterr().out
    call_command("rollup")


def test_retention_must_be_sensible(cast: Any) -> None:
    from django.core.exceptions import ValidationError

    from evidencehub.apps.collect.services import retention_update

    with pytest.raises(ValidationError) as err:
        retention_update(actor=cast.admin_a, organisation=cast.org_a, raw_event_days=1)
    assert "raw_event_days" in err.value.message_dict


def test_rollup_api_lists_own_rollups(
    cast: Any, site_key: Any, post: Any, api_for: Any
) -> None:
    from evidencehub.apps.collect.services import rollup_run

    post({"key": site_key.public_id, "type": "page_view"}, ua=BROWSER_UA)
    rollup_run()
    rows = api_for(cast.viewer_a).get(
        f"/api/v1/initiatives/{cast.initiative_a.slug}/daily-rollups/"
    )
    assert rows.status_code == 200
    assert rows.json()[0]["events"] == 1
    assert rows.json()[0]["visitor_days"] == 1


def test_late_commits_below_the_watermark_are_still_counted(cast: Any) -> None:
    """On PostgreSQL an id can become visible after a higher one was rolled
    up; today's and yesterday's cells are recomputed on every run."""
    from evidencehub.apps.collect.models import DailyTotal, RollupState
    from evidencehub.apps.collect.services import rollup_run

    today = datetime.now(UTC).date()
    _event(cast.initiative_a, today, "v1")
    rollup_run()
    late = _event(cast.initiative_a, today, "v2")
    RollupState.objects.update(last_event_id=late.id + 10)  # as if already passed
    rollup_run()
    assert DailyTotal.objects.get(day=today).visitor_days == 2


def test_user_code_hash_is_per_initiative_and_validates(cast: Any) -> None:
    from django.core.exceptions import ValidationError

    from evidencehub.apps.collect.services import user_code_hash
    from evidencehub.core.codes import format_code, generate_code

    code = generate_code()
    a = user_code_hash(initiative=cast.initiative_a, code=format_code(code).lower())
    assert a == user_code_hash(initiative=cast.initiative_a, code=code)
    assert a != user_code_hash(initiative=cast.initiative_b, code=code)
    typo = code[:3] + ("2" if code[3] != "2" else "3") + code[4:]
    with pytest.raises(ValidationError) as err:
        user_code_hash(initiative=cast.initiative_a, code=typo)
    assert "code" in err.value.message_dict
