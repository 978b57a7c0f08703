"""Funding, staff and policy KPIs on hand-computed examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from evidencehub.core.operations import funding, policy, staff
from evidencehub.core.operations.funding import FundingLine

Y = (date(2025, 1, 1), date(2025, 12, 31))


def _line(
    funder: str, amount: int, start: date = Y[0], end: date = Y[1], **kw: bool
) -> FundingLine:
    return FundingLine(funder, Decimal(amount), "EUR", start, end, **kw)


def test_concentration_largest_share_and_hhi() -> None:
    # 60/30/10: largest 0.6; HHI 0.36 + 0.09 + 0.01 = 0.46
    c = funding.concentration(
        [_line("a", 60000), _line("b", 30000), _line("c", 10000)], start=Y[0], end=Y[1]
    )
    assert c is not None
    assert c.largest_funder == "a"
    assert c.largest_share == Decimal("0.6000")
    assert c.hhi == Decimal("0.4600")
    assert c.funders == 3
    # two grants of the same funder add up; 4 equal funders -> 1/4
    equal = [_line(k, 25) for k in "wxyz"]
    assert funding.concentration(equal, start=Y[0], end=Y[1]).hhi == Decimal("0.2500")  # type: ignore[union-attr]
    assert funding.concentration([], start=Y[0], end=Y[1]) is None


def test_concentration_prorates_multi_year_grants() -> None:
    # a 2-year grant of 731 days (2025-2026): 365/730 of it falls in 2025
    two_year = _line("a", 730000, date(2025, 1, 1), date(2026, 12, 31))
    c = funding.concentration([two_year, _line("b", 365000)], start=Y[0], end=Y[1])
    assert c is not None
    assert c.income == Decimal("730000.00")
    assert c.largest_share == Decimal("0.5000")


def test_runway() -> None:
    # 120,000 for 2025 (day-even); as of 2025-06-30 there remain 184/365
    # = 60,493.15; at 10,000 a month -> 6.0 months
    lines = [_line("a", 120000)]
    assert funding.committed_after(lines, as_of=date(2025, 6, 30)).quantize(
        Decimal("0.01")
    ) == Decimal("60493.15")
    assert funding.funded_runway_months(
        lines, as_of=date(2025, 6, 30), monthly_cost=Decimal(10000)
    ) == Decimal("6.0")
    assert (
        funding.funded_runway_months(
            lines, as_of=date(2025, 6, 30), monthly_cost=Decimal(0)
        )
        is None
    )
    assert (
        funding.funded_runway_months(
            lines, as_of=date(2026, 1, 1), monthly_cost=Decimal(1)
        )
        == 0
    )


def test_funding_mix() -> None:
    mix = funding.funding_mix(
        [
            _line("a", 50, recurrent=True),
            _line("b", 730, date(2025, 1, 1), date(2026, 12, 31), restricted=True),
            _line("c", 585),
        ],
        start=Y[0],
        end=Y[1],
    )
    # in 2025: a 50, b 365, c 585 = 1000
    assert mix is not None
    assert mix.income == Decimal("1000.00")
    assert mix.recurrent_share == Decimal("0.0500")
    assert mix.multi_year_share == Decimal("0.3650")
    assert mix.multi_year_or_recurrent_share == Decimal("0.4150")
    assert mix.restricted_share == Decimal("0.3650")
    with pytest.raises(ValueError, match="currency"):
        funding.funding_mix(
            [_line("a", 1), FundingLine("b", Decimal(1), "GBP", *Y)],
            start=Y[0],
            end=Y[1],
        )


def test_recurrent_cover() -> None:
    lines = [_line("a", 30000, recurrent=True), _line("b", 90000)]
    assert funding.recurrent_cover(
        lines, cost=Decimal(120000), start=Y[0], end=Y[1]
    ) == (Decimal("25.0"))
    # capped at 100 % when recurrent income exceeds the costs
    assert funding.recurrent_cover(
        lines, cost=Decimal(20000), start=Y[0], end=Y[1]
    ) == (Decimal("100.0"))
    assert funding.recurrent_cover(lines, cost=Decimal(0), start=Y[0], end=Y[1]) is None


def test_months_after_founding_grant() -> None:
    assert (
        funding.months_after_founding_grant(
            founding_end=date(2025, 1, 31), as_of=date(2025, 7, 31)
        )
        == 6
    )
    assert (
        funding.months_after_founding_grant(
            founding_end=date(2025, 1, 31), as_of=date(2025, 7, 30)
        )
        == 5
    )
    assert (
        funding.months_after_founding_grant(
            founding_end=date(2025, 1, 31), as_of=date(2024, 7, 30)
        )
        == 0
    )


def test_training_coverage_and_kirkpatrick() -> None:
    p = staff.training_coverage(
        completed={"1": {"tip", "sts"}, "2": {"tip"}, "3": {"tip", "sts", "x"}},
        posts=["1", "2", "3", "4"],
        mandatory={"tip", "sts"},
    )
    assert p is not None and (p.successes, p.n) == (2, 4)
    assert staff.training_coverage(completed={}, posts=[], mandatory={"a"}) is None
    k = staff.kirkpatrick(
        [
            staff.TrainingRecordValues(
                5, Decimal(50), Decimal(80), Decimal(4), Decimal(7)
            ),
            staff.TrainingRecordValues(3, Decimal(60), Decimal(70)),
            staff.TrainingRecordValues(4),
        ]
    )
    assert k.l1_mean == Decimal("4.00")
    assert k.l1_share_4_plus == Decimal("0.67")
    assert (k.knowledge_n, k.knowledge_gain) == (2, Decimal("20.00"))
    assert (k.confidence_n, k.confidence_change) == (1, Decimal("3.00"))


def test_supervision_turnover_sickness() -> None:
    # 72 h over 3 months with 4 FTE -> 6 h per FTE per month
    assert staff.supervision_dose(
        hours=Decimal(72), mean_fte=Decimal(4), months=Decimal(3)
    ) == Decimal("6.00")
    assert (
        staff.supervision_dose(hours=Decimal(1), mean_fte=Decimal(0), months=Decimal(1))
        is None
    )
    # 2 leavers, headcount 9 -> 11, mean 10 -> 20 %
    assert staff.turnover_percent(
        leavers=2, headcount_start=9, headcount_end=11
    ) == Decimal("20.00")
    assert staff.sickness_days_per_fte(
        days=Decimal(45), mean_fte=Decimal("4.5")
    ) == Decimal("10.00")


def test_staff_survey_suppressed_below_threshold() -> None:
    nine = [Decimal(20)] * 9
    assert staff.aggregate_or_suppress(nine, threshold=10) is None
    ten = [*nine, Decimal(30)]
    agg = staff.aggregate_or_suppress(ten, threshold=10, flagged=3)
    assert agg is not None
    assert (agg.n, agg.mean, agg.share_flagged) == (
        10,
        Decimal("21.00"),
        Decimal("0.30"),
    )
    with pytest.raises(ValueError, match="threshold"):
        staff.aggregate_or_suppress(ten, threshold=0)


def test_policy_catalogue_and_coverage() -> None:
    goals = {g.id: g for g in policy.catalogue()}
    for required in (
        "eu_dir_2011_93_art22",
        "lanzarote_art7",
        "eu_csa_strategy_2020_prevention",
        "sdg_16_2",
    ):
        assert required in goals
    assert sum(1 for g in goals.values() if g.framework == "WHO INSPIRE") == 7
    assert all(g.source and g.year for g in goals.values())
    assert policy.mapping_coverage(["a", "b", "c", " "], ["a", "c", "gone"]) == (2, 3)
    assert policy.mapping_coverage([], ["a"]) is None
    with pytest.raises(ValueError, match="duplicate"):
        policy.parse_goals(
            {"goals": [{"id": "x", "framework": "f", "title": "t", "source": "s"}] * 2}
        )
    with pytest.raises(ValueError, match="source"):
        policy.parse_goals({"goals": [{"id": "x", "framework": "f", "title": "t"}]})
