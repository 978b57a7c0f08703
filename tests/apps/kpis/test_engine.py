"""Each engine formula on small hand-computed data (runs on SQLite and
PostgreSQL alike)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from evidencehub.apps.kpis.services import compute_and_store
from evidencehub.core.kpis import parse_period
from tests.apps.kpis.conftest import contact, responses, rollup

Y2026 = parse_period("2026")


def one(cast: Any, kpi: str, period: Any = Y2026, **kw: Any) -> Any:
    _run, results = compute_and_store(
        initiative=cast.initiative_a, period=period, kpi_ids=[kpi], **kw
    )
    totals = [r for r in results if not r.breakdown]
    assert len(totals) == 1
    return totals[0], [r for r in results if r.breakdown]


@pytest.fixture
def helpline(cast: Any) -> Any:
    i, d = cast.initiative_a, date(2026, 2, 3)
    # 6 answered phone, 2 answered chat, 1 abandoned, 1 missed, 1 out of hours
    contact(
        i,
        d,
        caller_type="own_concern",
        offending_status="not_offended",
        actions=["safety_plan"],
        risk_level="high",
        distress_start=8,
        distress_end=5,
        repeat_contact="yes",
        previous_actions_taken="yes",
    )
    contact(
        i,
        d,
        caller_type="own_concern",
        offending_status="online_only",
        risk_level="high",
        distress_start=6,
        distress_end=6,
        safeguarding="risk_to_child",
    )
    contact(
        i,
        d,
        caller_type="own_concern",
        offending_status="prefer_not_to_say",
        actions=["referral_treatment", "self_help_resource"],
        distress_start=7,
        distress_end=4,
        repeat_contact="yes",
        previous_actions_taken="no",
    )
    contact(i, d, caller_type="about_adult")
    contact(i, d, caller_type="professional")
    contact(i, d, caller_type="other")
    contact(
        i,
        d,
        channel="chat",
        caller_type="own_concern",
        offending_status="not_offended",
        actions=["other"],
    )
    contact(i, d, channel="chat", caller_type="about_young_person")
    contact(i, d, status="abandoned")
    contact(i, d, status="missed")
    contact(i, d, status="out_of_hours")
    # outside the period: must be ignored
    contact(i, date(2025, 12, 31), caller_type="own_concern")
    # another organisation's initiative: must be ignored
    contact(cast.initiative_b, d, caller_type="own_concern")
    return i


def test_r02_counts_answered_contacts_by_channel(helpline: Any, cast: Any) -> None:
    total, cells = one(cast, "R02", breakdown="channel")
    assert total.value == 8
    assert total.source == "contact_records"
    assert {c.group: c.value for c in cells} == {"phone": 6, "chat": 2}


def test_r03_answer_rate_with_wilson_interval(helpline: Any, cast: Any) -> None:
    total, _ = one(cast, "R03")
    assert (total.numerator, total.denominator) == (8, 10)
    assert total.value == pytest.approx(80.0)
    # Wilson 95% for 8/10: 0.4902 - 0.9433 (hand-computed)
    assert total.lower == pytest.approx(49.02, abs=0.01)
    assert total.upper == pytest.approx(94.33, abs=0.01)
    assert [m.id for m in total.methods] == [
        "evidencehub.kpis.engine",
        "evidencehub.stats.wilson",
    ]


@pytest.mark.parametrize(
    ("kpi", "num", "den"),
    [
        ("R05", 4, 8),  # own concern / answered
        ("R06", 2, 3),  # not offended / own concern with known status
        ("E06", 2, 8),  # repeat / answered
        ("E07", 3, 8),  # any action other than none / answered
        ("H02", 1, 2),  # high risk with safety plan / high risk
        ("B04", 1, 2),  # carried out actions / repeat contacts with an answer
        ("A04", 1, 11),  # out of hours / all contacts
    ],
)
def test_contact_ratios(helpline: Any, cast: Any, kpi: str, num: int, den: int) -> None:
    total, _ = one(cast, kpi)
    assert (total.numerator, total.denominator) == (num, den)
    assert total.value == pytest.approx(num / den * 100)


def test_h06_rate_per_thousand(helpline: Any, cast: Any) -> None:
    total, _ = one(cast, "H06")
    assert total.value == pytest.approx(1 / 8 * 1000)
    assert total.lower is None


def test_w08_within_contact_change(helpline: Any, cast: Any) -> None:
    total, _ = one(cast, "W08")
    # changes -3, 0, -3: mean -2, sd 1.732, t(2)=4.303 -> -2 +/- 4.303
    assert total.value == pytest.approx(-2.0)
    assert total.n == 3
    assert total.lower == pytest.approx(-2 - 4.3027 * 1.7321 / 3**0.5, abs=1e-3)
    assert total.details["fell_2_or_more"] == 2


def test_rollup_ratio_and_breakdown(cast: Any) -> None:
    i = cast.initiative_a
    rollup(i, date(2026, 5, 1), "warning_shown", 80, channel="web", locale="en")
    rollup(i, date(2026, 5, 2), "warning_shown", 20, channel="web", locale="nl")
    rollup(i, date(2026, 5, 1), "help_link_clicked", 6, channel="web", locale="en")
    rollup(i, date(2026, 5, 2), "help_link_clicked", 4, channel="web", locale="nl")
    rollup(i, date(2027, 1, 1), "warning_shown", 1000)  # next year: ignored
    total, cells = one(cast, "R08", breakdown="locale")
    assert (total.numerator, total.denominator, total.source) == (10, 100, "rollups")
    assert {c.group: (c.numerator, c.denominator) for c in cells} == {
        "en": (6, 80),
        "nl": (4, 20),
    }


def test_r01_visitor_days_from_rollups(cast: Any) -> None:
    i = cast.initiative_a
    rollup(i, date(2026, 1, 1), "page_view", 50, visitor_days=20)
    rollup(i, date(2026, 12, 31), "page_view", 30, visitor_days=7)
    rollup(i, date(2025, 12, 31), "page_view", 30, visitor_days=100)
    total, _ = one(cast, "R01")
    assert total.value == 27


def test_aggregate_figures_used_when_no_events(cast: Any) -> None:
    from evidencehub.apps.collect.models import AggregateFigure

    i = cast.initiative_a
    for element, value in (
        ("calls_answered", 500),
        ("calls_abandoned", 300),
        ("calls_missed", 200),
    ):
        AggregateFigure.objects.create(
            initiative=i,
            element=element,
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
            value=value,
        )
    # straddles the period boundary: left out, and said so
    AggregateFigure.objects.create(
        initiative=i,
        element="calls_answered",
        period_start=date(2025, 12, 1),
        period_end=date(2026, 1, 31),
        value=999,
    )
    total, _ = one(cast, "R03")
    assert total.source == "aggregate_figures"
    assert (total.numerator, total.denominator) == (500, 1000)
    assert "1 figure(s) overlapping" in total.notes
    q1, _ = one(cast, "R02", period=parse_period("2026-Q1"))
    assert (q1.value, q1.source) == (500, "aggregate_figures")


def test_questionnaire_pairs(cast: Any, when: Any) -> None:
    i = cast.initiative_a
    # SWEMWBS pre/post: changes +4, +2, +3, -1
    responses(
        i,
        "swemwbs",
        [(20, 24), (18, 20), (21, 24), (25, 24)],
        base_when=when["jan"],
        later_when=when["mar"],
    )
    w01, _ = one(cast, "W01")
    assert w01.value == pytest.approx(2.0)
    assert w01.n == 4
    w02, _ = one(cast, "W02")  # rise >= 2.77: +4, +3
    assert (w02.numerator, w02.denominator) == (2, 4)
    d02, _ = one(cast, "D02")
    assert (d02.numerator, d02.denominator) == (4, 4)


def test_pairs_with_later_answer_outside_period_do_not_count(
    cast: Any, when: Any
) -> None:
    responses(
        cast.initiative_a,
        "phq9",
        [(15, 8), (12, 10)],
        base_when=when["prev"],
        later_when=when["prev"],
    )
    w03, _ = one(cast, "W03")
    assert w03.status == "no_data"
    w03_2025, _ = one(cast, "W03", period=parse_period("2025"))
    assert (w03_2025.numerator, w03_2025.denominator) == (1, 2)  # fall >= 6


def test_jacobson_truax_on_core10(cast: Any, when: Any) -> None:
    # CORE-10 catalogue: RCI threshold 6, cut-off 11 (higher is worse)
    responses(
        cast.initiative_a,
        "core10",
        [(20, 8), (20, 16), (10, 18), (15, 14)],
        base_when=when["jan"],
        later_when=when["mar"],
    )
    w06, _ = one(cast, "W06")
    assert w06.details["classes"] == {
        "recovered": 1,
        "improved": 0,
        "unchanged": 2,
        "deteriorated": 1,
    }
    assert (w06.numerator, w06.denominator) == (1, 4)
    w09, _ = one(cast, "W09")
    assert (w09.numerator, w09.denominator) == (1, 4)


def test_operations_kpi_without_inputs(cast: Any, monkeypatch: Any) -> None:
    import sys

    import evidencehub.apps.operations as ops_pkg

    monkeypatch.setitem(sys.modules, "evidencehub.apps.operations.kpis", None)
    monkeypatch.delattr(ops_pkg, "kpis", raising=False)
    c01, _ = one(cast, "C01")
    assert c01.status == "inputs_not_available"
    assert "Inputs not available yet" in c01.notes


def test_operations_kpi_delegated(cast: Any, monkeypatch: Any) -> None:
    import sys
    import types

    calls = []

    def compute(*, kpi_id: str, initiative: Any, start: Any, end: Any) -> Any:
        calls.append((kpi_id, initiative.slug, start, end))
        if kpi_id != "C01":
            return None
        return {
            "numerator": 1000,
            "denominator": 8,
            "value": 125.0,
            "n": 8,
            "unit": "EUR per contact",
            "method": "unit-cost v1",
            "notes": "x",
        }

    mod = types.ModuleType("evidencehub.apps.operations.kpis")
    mod.compute = compute  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "evidencehub.apps.operations.kpis", mod)
    import evidencehub.apps.operations as ops_pkg

    monkeypatch.setattr(ops_pkg, "kpis", mod, raising=False)
    c01, _ = one(cast, "C01")
    assert (c01.value, c01.source, c01.unit) == (125.0, "operations", "EUR per contact")
    assert [str(m) for m in c01.methods] == [
        "evidencehub.kpis.engine v1",
        "unit-cost v1",
    ]
    s02, _ = one(cast, "S02")
    assert s02.status == "inputs_not_available"
    assert calls[0] == ("C01", "helpline-a", date(2026, 1, 1), date(2026, 12, 31))


def test_not_yet_kpi_says_so(cast: Any) -> None:
    e04, _ = one(cast, "E04")
    assert e04.status == "not_computed_yet"


def test_programme_funnel_kpis(cast: Any) -> None:
    from evidencehub.apps.collect.models import CollectionSettings

    i = cast.initiative_a
    CollectionSettings.objects.create(initiative=i, modules=["m1", "m2", "m3"])
    d = date(2026, 6, 1)
    rollup(i, d, "programme_landing", 200, visitor_days=150)
    rollup(i, d, "module_started", 50, module="m1")
    rollup(i, d, "module_started", 30, module="m2")
    rollup(i, d, "module_started", 20, module="m3")
    rollup(i, d, "module_completed", 10, module="m3")
    rollup(i, d, "self_assessment_started", 40)
    rollup(i, d, "self_assessment_completed", 30)
    rollup(i, d, "page_view", 100, channel="onion", visitor_days=25)
    rollup(i, d, "page_view", 300, channel="web", visitor_days=75)
    e01, _ = one(cast, "E01")
    assert (e01.numerator, e01.denominator) == (50, 200)
    e03, _ = one(cast, "E03")
    assert (e03.numerator, e03.denominator) == (10, 50)
    e02, cells = one(cast, "E02")
    assert (e02.numerator, e02.denominator) == (20, 50)
    assert {c.group: c.numerator for c in cells} == {"m1": 50, "m2": 30, "m3": 20}
    r04, _ = one(cast, "R04")
    assert (r04.numerator, r04.denominator) == (30, 40)
    r09, _ = one(cast, "R09")
    assert (r09.numerator, r09.denominator) == (25, 100)


def test_more_questionnaire_kpis(cast: Any, when: Any) -> None:
    i = cast.initiative_a
    # GAD-7 falls 5, 4, 3 -> 2 of 3 reliably improved (>= 4)
    responses(
        i,
        "gad7",
        [(15, 10), (12, 8), (9, 6)],
        base_when=when["jan"],
        later_when=when["mar"],
    )
    w04, _ = one(cast, "W04")
    assert (w04.numerator, w04.denominator) == (2, 3)
    # K10 bands 10/16/22/30: 25->20 (down), 18->17 (same), 35->28 (down)
    responses(
        i,
        "k10",
        [(25, 20), (18, 17), (35, 28)],
        base_when=when["jan"],
        later_when=when["mar"],
    )
    w05, _ = one(cast, "W05")
    assert (w05.numerator, w05.denominator) == (2, 3)
    d01, _ = one(cast, "D01")
    assert (d01.numerator, d01.denominator) == (12, 12)
    d04, _ = one(cast, "D04")
    assert (d04.numerator, d04.denominator) == (6, 6)


def test_usability_mean(cast: Any, when: Any) -> None:
    from evidencehub.apps.instruments.models import (
        InstrumentVersion,
        Questionnaire,
        Response,
        ResponseScore,
    )

    v = InstrumentVersion.objects.create(
        instrument_id="sus", version="1", title="SUS", origin="catalogue", definition={}
    )
    q = Questionnaire.objects.create(
        initiative=cast.initiative_a, instrument_version=v, occasion="single", title="t"
    )
    for score in (60, 70, 80):
        r = Response.objects.create(questionnaire=q, submitted_hour=when["jan"])
        ResponseScore.objects.create(
            response=r,
            total=score,
            valid=True,
            method_id="m",
            method_version="1",
            instrument_id="sus",
            instrument_version="1",
        )
    a02, _ = one(cast, "A02")
    assert a02.value == pytest.approx(70)
    assert a02.lower == pytest.approx(70 - 4.3027 * 5.7735, abs=1e-3)
    assert a02.details["share_at_or_above_68"] == pytest.approx(2 / 3)


def test_s04_evidence_level(cast: Any, when: Any) -> None:
    s04, _ = one(cast, "S04")
    assert s04.details["eif"] == "NL2"
    assert "linked pre/post pairs: 0 of the 30 needed" in s04.details["missing"]
