from __future__ import annotations

from datetime import UTC, date, datetime, time

from evidencehub.core.funding.deadlines import days_left, parse_deadlines


def test_zone_abbreviation_gives_exact_utc_time() -> None:
    (d,), rolling = parse_deadlines("2025-05-07 17:00 (CEST)")
    assert not rolling
    assert d.time == time(17, 0) and d.utc_offset_minutes == 120
    assert d.due_at() == datetime(2025, 5, 7, 15, 0, tzinfo=UTC)


def test_time_without_zone_is_not_guessed() -> None:
    (d,), _ = parse_deadlines("2024-11-20 17:00")
    assert d.time == time(17, 0) and d.utc_offset_minutes is None and d.zone_label == ""


def test_date_only_and_stage_labels() -> None:
    (d,), _ = parse_deadlines("2024-01-15 16:00 GMT (second round)")
    assert d.stage == "second round" and d.utc_offset_minutes == 0
    (e,), _ = parse_deadlines("2024 Global Open Call: 2024-09-15 (secondary)")
    assert (
        e.day == date(2024, 9, 15)
        and e.time is None
        and e.stage == "2024 Global Open Call"
    )
    both, _ = parse_deadlines("Past deadlines: 2019-12-18; 2021-03-03")
    assert [x.day for x in both] == [date(2019, 12, 18), date(2021, 3, 3)]


def test_rolling_and_invalid() -> None:
    assert parse_deadlines("ongoing (rolling)") == ([], True)
    assert parse_deadlines("Project Costs: no deadline (expression of interest first)")[
        1
    ]
    assert parse_deadlines("2024-02-31") == ([], False)
    assert parse_deadlines("") == ([], False)


def test_days_left() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert days_left(datetime(2026, 1, 24, 12, tzinfo=UTC), now) == 23
    assert days_left(datetime(2025, 12, 31, 12, tzinfo=UTC), now) < 0
