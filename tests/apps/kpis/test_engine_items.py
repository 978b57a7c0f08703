"""KPIs computed from single questionnaire items (W07, B02, B03, B05, M05,
M01), A03 from the comprehension check, E10 from events, the C04 interval and
the "not computed yet" notes, each on small hand-computed data (SQLite and
PostgreSQL alike)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from evidencehub.apps.kpis.services import compute_and_store
from evidencehub.core.kpis import load_catalogue, parse_period

Y2026 = parse_period("2026")
IN = datetime(2026, 3, 10, 9, tzinfo=UTC)
BEFORE = datetime(2025, 12, 20, 9, tzinfo=UTC)
AFTER = datetime(2027, 1, 5, 9, tzinfo=UTC)


def answers(
    initiative: Any,
    instrument_id: str,
    rows: list[tuple[str, str, dict[str, Any], datetime]],
) -> None:
    """Responses (occasion, code, answers, when) to one instrument."""
    from evidencehub.apps.instruments.models import (
        InstrumentVersion,
        Questionnaire,
        Response,
    )

    version, _c = InstrumentVersion.objects.get_or_create(
        organisation=None,
        instrument_id=instrument_id,
        version="1",
        defaults={"title": instrument_id, "origin": "catalogue", "definition": {}},
    )
    for occasion, code, given, when in rows:
        q, _c = Questionnaire.objects.get_or_create(
            initiative=initiative,
            instrument_version=version,
            occasion=occasion,
            defaults={"title": f"{instrument_id} {occasion}"},
        )
        Response.objects.create(
            questionnaire=q, submitted_hour=when, code_hash=code, answers=given
        )


def one(initiative: Any, kpi: str) -> Any:
    _run, results = compute_and_store(
        initiative=initiative, period=Y2026, kpi_ids=[kpi]
    )
    totals = [r for r in results if not r.breakdown]
    assert len(totals) == 1
    return totals[0]


def single(initiative: Any, instrument: str, given: list[dict[str, Any]]) -> None:
    answers(initiative, instrument, [("end", "", a, IN) for a in given])


def test_w07_low_life_satisfaction_share(cast: Any) -> None:
    i = cast.initiative_a
    single(
        i,
        "ons4",
        [
            {"life_satisfaction": 2, "anxiety": 7},
            {"life_satisfaction": 4},
            {"life_satisfaction": 5},
            {"life_satisfaction": 9},
            {"anxiety": 3},  # item skipped: not in the denominator
            {"life_satisfaction": True},  # not a scale point: left out
        ],
    )
    answers(i, "ons4", [("end", "", {"life_satisfaction": 0}, BEFORE)])
    # another organisation's answers never count
    single(cast.initiative_b, "ons4", [{"life_satisfaction": 1}] * 3)
    r = one(i, "W07")
    assert (r.status, r.numerator, r.denominator, r.n) == ("ok", 2, 4, 4)
    assert r.value == pytest.approx(50.0)
    # Wilson 95% interval for 2/4 (Wilson 1927): 15.0%-85.0%
    assert r.lower == pytest.approx(15.004, abs=0.01)
    assert r.upper == pytest.approx(84.996, abs=0.01)


def test_b02_b05_m05_exit_survey_items(cast: Any) -> None:
    i = cast.initiative_a
    single(
        i,
        "exit_survey",
        [
            {"change": 0, "step_sought_help": 1, "confidence_maintain": 6},
            {"change": 1, "step_sought_help": 0, "confidence_maintain": 7},
            {"change": 3, "confidence_maintain": 10},
            {"step_talked": 1},
        ],
    )
    b02 = one(i, "B02")
    assert (b02.numerator, b02.denominator) == (2, 3)
    b05 = one(i, "B05")
    assert (b05.numerator, b05.denominator) == (1, 2)
    m05 = one(i, "M05")
    assert (m05.numerator, m05.denominator) == (2, 3)
    assert m05.value == pytest.approx(200 / 3)


def test_b03_any_protective_step_with_counts_per_step(cast: Any) -> None:
    i = cast.initiative_a
    single(
        i,
        "exit_survey",
        [
            {"step_talked": 1, "step_strategy": 0, "step_online_limits": 0},
            {"step_talked": 0, "step_strategy": 0, "step_online_limits": 0},
            {"step_strategy": 1, "step_online_limits": 1},
            {"change": 2},  # none of the step items: not a respondent to B03
        ],
    )
    r = one(i, "B03")
    assert (r.numerator, r.denominator) == (2, 3)
    assert r.details["per_item"] == {
        "step_talked": 1,
        "step_strategy": 1,
        "step_online_limits": 1,
    }


def test_item_share_without_answers_is_no_data(cast: Any) -> None:
    r = one(cast.initiative_a, "W07")
    assert r.status == "no_data"
    assert r.value is None


def test_m01_paired_ruler_change(cast: Any) -> None:
    i = cast.initiative_a
    rows: list[tuple[str, str, dict[str, Any], datetime]] = []
    for code, pre, post in (
        ("a", (4, 3), (6, 5)),
        ("b", (5, 3), (8, 4)),
        ("c", (6, 3), (6, 3)),
    ):
        rows.append(
            ("baseline", code, {"importance": pre[0], "confidence": pre[1]}, BEFORE)
        )
        rows.append(("end", code, {"importance": post[0], "confidence": post[1]}, IN))
    # a later answer without a baseline, and one after the period: not pairs
    rows.append(("end", "x", {"importance": 10, "confidence": 10}, IN))
    rows.append(("baseline", "d", {"importance": 1, "confidence": 1}, IN))
    rows.append(("end", "d", {"importance": 10, "confidence": 10}, AFTER))
    answers(i, "readiness_rulers", rows)
    r = one(i, "M01")
    assert (r.status, r.n, r.denominator) == ("ok", 3, 3)
    # importance changes 2, 3, 0 -> mean 5/3; confidence 2, 1, 0 -> mean 1
    assert r.value == pytest.approx(5 / 3)
    assert r.numerator == pytest.approx(5)
    assert r.details["confidence_change"] == pytest.approx(1.0)
    assert r.details["confidence_n"] == 3
    assert r.lower is not None and r.lower < r.value < (r.upper or 0)


def test_a03_comprehension_check(cast: Any) -> None:
    i = cast.initiative_a
    single(i, "comprehension_check", [{"clear": 2}, {"clear": 2}, {"clear": 1}])
    single(i, "comprehension_check", [{"clear": 0}, {"for_me": 2}])
    answers(i, "comprehension_check", [("end", "", {"clear": 0}, BEFORE)])
    r = one(i, "A03")
    assert (r.status, r.source, r.numerator, r.denominator) == (
        "ok",
        "operations",
        2,
        4,
    )
    assert r.value == pytest.approx(50.0)
    assert [str(m) for m in r.methods][-1] == "evidencehub.operations.a03 v1"


def test_a03_without_answers_says_what_is_missing(cast: Any) -> None:
    r = one(cast.initiative_a, "A03")
    assert r.status == "no_data"
    assert "comprehension-check" in r.notes


def test_not_yet_kpis_say_precisely_what_is_missing(cast: Any) -> None:
    cat = load_catalogue()
    not_yet = [k for k in cat.kpis if k.computed_by == "not_yet"]
    assert not_yet
    from evidencehub.apps.kpis import engine

    i = cast.initiative_a
    for k in not_yet:
        assert str(k.params.get("missing", "")).strip(), k.id
        ctx = engine.Context(
            organisation_id=i.organisation_id,
            initiative_id=i.pk,
            intervention_type=i.intervention_type,
            period=Y2026,
            kpi=k,
        )
        (r,) = engine.compute(ctx)
        assert r.status == "not_computed_yet", k.id
        assert "Missing: " in r.notes and len(r.notes) <= 500, k.id
    r = one(cast.initiative_a, "ST04")
    assert r.status == "not_computed_yet"
    assert "Missing: ProQOL 5" in r.notes
    assert len(r.notes) <= 500


def test_c04_interval_is_carried_through_the_engine(
    cast: Any, monkeypatch: Any
) -> None:
    """§5.1 worked example: €120,000 ÷ (600 x 0.30) = €667 per reliable
    improvement, interval from the Wilson interval of 45/150."""
    from datetime import date

    from evidencehub.apps.operations.models import CostEntry

    i = cast.initiative_a
    CostEntry.objects.create(
        initiative=i,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        category="overheads",
        amount=Decimal("120000"),
        currency="EUR",
    )
    from evidencehub.apps.kpis import engine

    ctx = engine.Context(
        organisation_id=i.organisation_id,
        initiative_id=i.pk,
        intervention_type=i.intervention_type,
        period=Y2026,
        kpi=load_catalogue()["C04"],
    )
    from evidencehub.apps.operations import kpis as ops

    real = ops.compute

    def with_counts(**kw: Any) -> Any:
        counts = {"completers": 600, "improved": 45, "linked": 150}
        return real(**kw, counts=counts)

    monkeypatch.setattr(ops, "compute", with_counts)
    (r,) = engine.compute(ctx)
    assert r.status == "ok"
    assert r.value == pytest.approx(666.67, abs=0.01)
    assert r.lower is not None and r.upper is not None
    assert 520 < r.lower < 540 and 850 < r.upper < 880
    assert [str(m) for m in r.methods][-1] == "evidencehub.operations.c04 v1"


def test_e10_feedback_per_visitor_day(cast: Any) -> None:
    from datetime import date

    from tests.apps.kpis.conftest import rollup

    i = cast.initiative_a
    rollup(i, date(2026, 2, 1), "page_view", 500, visitor_days=150)
    rollup(i, date(2026, 2, 2), "page_view", 100, visitor_days=50)
    rollup(i, date(2026, 2, 2), "feedback_submitted", 3)
    rollup(i, date(2025, 12, 31), "feedback_submitted", 9, visitor_days=10)
    r = one(i, "E10")
    assert (r.source, r.numerator, r.denominator) == ("rollups", 3, 200)
    assert r.value == pytest.approx(1.5)


def test_e10_without_events_is_no_data(cast: Any) -> None:
    r = one(cast.initiative_a, "E10")
    assert r.status == "no_data"


def test_exit_survey_answers_submitted_through_the_questionnaire(cast: Any) -> None:
    """The shipped exit survey, answered as a form would (strings), feeds
    B02, B03, B05 and M05."""
    from evidencehub.apps.instruments.models import InstrumentVersion
    from evidencehub.apps.instruments.services import (
        ensure_catalogue,
        questionnaire_create,
        response_submit,
    )

    ensure_catalogue()
    version = InstrumentVersion.objects.get(
        organisation__isnull=True, instrument_id="exit_survey"
    )
    q = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=version,
        occasion="end",
    )
    for given in (
        {"change": "2", "step_talked": "1", "confidence_maintain": "8"},
        {"change": "0", "step_sought_help": "1", "confidence_maintain": "3"},
        {"step_online_limits": "0", "step_sought_help": "0"},
    ):
        response_submit(questionnaire=q, answers=given, now=IN)
    b02 = one(cast.initiative_a, "B02")
    assert (b02.numerator, b02.denominator) == (1, 2)
    b03 = one(cast.initiative_a, "B03")
    assert (b03.numerator, b03.denominator) == (1, 2)
    b05 = one(cast.initiative_a, "B05")
    assert (b05.numerator, b05.denominator) == (1, 2)
    m05 = one(cast.initiative_a, "M05")
    assert (m05.numerator, m05.denominator) == (1, 2)
