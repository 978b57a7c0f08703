"""Periods, scorecard classification, trend, 'counting is not benefit' and
evidence levels reached."""

from __future__ import annotations

from datetime import date

import pytest

from evidencehub.core.evidence import EifLevel, evidence_ceiling
from evidencehub.core.kpis import KpiResult, PeriodError, load_catalogue, parse_period
from evidencehub.core.kpis.evidence import evidence_reached
from evidencehub.core.kpis.results import cap_groups, proportion_result
from evidencehub.core.kpis.scorecard import classify, counting_is_not_benefit, trend
from evidencehub.core.kpis.stats import mean_interval


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "month"),
        ("2026-01-05..2026-02-01", date(2026, 1, 5), date(2026, 2, 1), "custom"),
    ],
)
def test_periods(text: str, start: date, end: date, kind: str) -> None:
    p = parse_period(text)
    assert (p.start, p.end, p.kind) == (start, end, kind)


def test_previous_periods() -> None:
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-01-11..2026-01-20").previous().end == date(2026, 1, 10)


@pytest.mark.parametrize("bad", ["26", "2026-13", "2026-Q5", "2026-02-01..2026-01-01"])
def test_bad_periods(bad: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(bad)


P = parse_period("2026")


def res(num: int, den: int) -> KpiResult:
    return proportion_result(
        kpi_id="R03",
        kpi_version="1",
        period=P,
        numerator=num,
        denominator=den,
        source="x",
    )


def test_classify() -> None:
    # 80/100: Wilson 71.1-86.7
    r = res(80, 100)
    assert classify(r, target=70, direction="at_least", min_n=10) == "met"
    assert classify(r, target=90, direction="at_least", min_n=10) == "not_met"
    assert classify(r, target=80, direction="at_least", min_n=10) == "inconclusive"
    assert classify(r, target=90, direction="at_most", min_n=10) == "met"
    assert classify(r, target=70, direction="decrease", min_n=10) == "not_met"
    assert classify(r, target=None, direction="at_least", min_n=10) == "no_target"
    assert classify(res(8, 9), target=10, direction="at_least", min_n=10) == (
        "insufficient_data"
    )
    assert classify(None, target=10, direction="at_least", min_n=0) == (
        "insufficient_data"
    )
    assert (
        classify(r, target=70, direction="at_least", min_n=10, unit_ok=False)
        == "unit_mismatch"
    )
    with pytest.raises(ValueError, match="direction"):
        classify(r, target=1, direction="sideways", min_n=0)


def test_units_compatible() -> None:
    from evidencehub.core.kpis.scorecard import units_compatible

    assert units_compatible("%", "%")
    assert units_compatible("", "points (0-10)")
    assert units_compatible("contacts/year", "contacts")
    assert not units_compatible("%", "points (0-10)")


def test_trend() -> None:
    assert trend([50, 60], "higher") == "improving"
    assert trend([50, 60], "lower") == "worsening"
    assert trend([50, 50.2], "higher") == "stable"
    assert trend([60, None, 50], "neutral") == "down"
    assert trend([60], "higher") == ""


def test_counting_is_not_benefit() -> None:
    cat = load_catalogue()
    counts = [cat["R01"], cat["R02"]]
    w = counting_is_not_benefit(counts, {})
    assert w is not None and w.code == "no_outcome_kpi"
    with_outcome = [*counts, cat["W02"]]
    w = counting_is_not_benefit(with_outcome, {"W02": res(3, 5)})  # n 5 < 20
    assert w is not None and w.code == "no_outcome_data"
    assert counting_is_not_benefit(with_outcome, {"W02": res(10, 25)}) is None


def test_evidence_reached() -> None:
    pre_post = evidence_ceiling("pre_post_user_codes")
    e = evidence_reached(ceiling=pre_post, linked_pairs=24)
    assert e.eif == EifLevel.NL2 and e.sms is None
    assert "linked pre/post pairs: 24 of the 30 needed" in e.missing
    e = evidence_reached(ceiling=pre_post, linked_pairs=31)
    assert (e.eif, e.sms) == (EifLevel.LEVEL_2, 1)
    assert "comparison group" in e.missing[0]
    e = evidence_reached(
        ceiling=evidence_ceiling("routine_monitoring"), linked_pairs=40
    )
    assert (e.eif, e.sms) == (EifLevel.NL2, None)
    e = evidence_reached(ceiling=None, linked_pairs=0)
    assert any("evaluation plan" in m for m in e.missing)


def test_cap_groups() -> None:
    groups = {f"g{i}": (float(i), float(i * 10)) for i in range(20)}
    capped = cap_groups(groups, limit=5)
    assert len(capped) == 5
    assert capped["other"] == (sum(range(16)), sum(range(16)) * 10)


def test_mean_interval() -> None:
    m = mean_interval([60, 70, 80])
    # mean 70, sd 10, se 5.774, t(2) 4.303
    assert m.estimate == pytest.approx(70)
    assert m.lower == pytest.approx(70 - 4.3027 * 5.7735, abs=1e-3)
    with pytest.raises(ValueError, match="2 values"):
        mean_interval([1])
