"""Cost KPIs on hand-computed examples (domain_kpis §5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from evidencehub.core.operations import costs
from evidencehub.core.operations.costs import CostLine


def test_staff_and_volunteer_cost() -> None:
    # 2.5 FTE x 60,000 x 3 / 12 = 37,500
    assert costs.staff_cost(
        fte=Decimal("2.5"), annual_loaded_salary=Decimal(60000), months=Decimal(3)
    ) == Decimal("37500.00")
    # 400 h x 18.50 = 7,400
    assert costs.volunteer_cost(hours=Decimal(400), shadow_wage=Decimal("18.5")) == (
        Decimal("7400.00")
    )
    with pytest.raises(ValueError, match="fte"):
        costs.staff_cost(fte=Decimal(-1), annual_loaded_salary=Decimal(1), months=1)  # type: ignore[arg-type]


def test_total_cost_prorates_partial_overlap() -> None:
    lines = [
        # 365-day licence of 3,650 = 10 a day; 30 days of June fall in the period
        CostLine(
            "licences", date(2025, 1, 1), date(2025, 12, 31), Decimal(3650), "EUR"
        ),
        CostLine("staff", date(2025, 6, 1), date(2025, 6, 30), Decimal(5000), "EUR"),
        CostLine("staff", date(2025, 7, 1), date(2025, 7, 31), Decimal(5000), "EUR"),
    ]
    total = costs.total_cost(lines, start=date(2025, 6, 1), end=date(2025, 6, 30))
    assert total is not None
    assert total.total == Decimal("5300.00")
    assert total.by_category == {
        "licences": Decimal("300.00"),
        "staff": Decimal("5000.00"),
    }
    assert total.lines == 2
    assert costs.total_cost(lines, start=date(2030, 1, 1), end=date(2030, 1, 2)) is None


def test_total_cost_refuses_mixed_currencies() -> None:
    lines = [
        CostLine("staff", date(2025, 1, 1), date(2025, 1, 31), Decimal(1), "EUR"),
        CostLine("staff", date(2025, 1, 1), date(2025, 1, 31), Decimal(1), "GBP"),
    ]
    with pytest.raises(ValueError, match="currency"):
        costs.total_cost(lines, start=date(2025, 1, 1), end=date(2025, 1, 31))


def test_unit_costs_of_the_worked_example() -> None:
    # §5.1: €120,000; 4,000 activated users; 600 completers
    assert costs.unit_cost(Decimal(120000), 4000) == Decimal("30.00")  # C02
    assert costs.unit_cost(Decimal(120000), 600) == Decimal("200.00")  # C03
    assert costs.unit_cost(Decimal(120000), 0) is None
    assert costs.unit_cost(Decimal(120000), None) is None


def test_cost_per_reliable_improvement_worked_example() -> None:
    # §5.1: 120,000 / (600 x 0.30) = 666.67. Wilson 95% for 45/150 by hand:
    # centre = (0.3 + 1.96²/300) / (1 + 1.96²/150) = 0.30499,
    # half = 1.96/1.025611 x sqrt(0.3 x 0.7/150 + 1.96²/90000) = 0.07259,
    # so 0.2324-0.3776 and the cost 120000/(600 x 0.3776) = 529.7 to
    # 120000/(600 x 0.2324) = 860.6 (§5.1: "≈ €530 to €860").
    r = costs.cost_per_reliable_improvement(
        total=Decimal(120000), completers=600, improved=45, linked=150
    )
    assert r is not None
    assert r.value == Decimal("666.67")
    assert r.rate == pytest.approx(0.30)
    assert r.rate_lower == pytest.approx(0.2324, abs=5e-4)
    assert r.rate_upper == pytest.approx(0.3776, abs=5e-4)
    assert r.lower is not None and r.upper is not None
    assert abs(r.lower - Decimal("529.7")) < 1
    assert abs(r.upper - Decimal("860.6")) < 1
    assert r.improvements == Decimal("180.0")


def test_cost_per_reliable_improvement_edges() -> None:
    none = costs.cost_per_reliable_improvement
    assert none(total=Decimal(1), completers=0, improved=1, linked=2) is None
    assert none(total=Decimal(1), completers=10, improved=0, linked=20) is None
    with pytest.raises(ValueError, match="successes"):
        none(total=Decimal(1), completers=10, improved=30, linked=20)


def test_break_even_examples_from_the_brief() -> None:
    uk = costs.PUBLISHED_UNIT_COSTS["uk_home_office_2021"]
    be = costs.break_even(annual_cost=Decimal(300000), currency="GBP", unit=uk)
    assert be.cases == Decimal("3.4")  # 300,000 / 89,240 = 3.36
    assert "pays for itself if it prevents 3.4 cases" in be.statement
    assert "2018/19" in be.statement and "Home Office (2021)" in be.statement
    assert "not a claim" in be.statement
    us = costs.PUBLISHED_UNIT_COSTS["us_letourneau_2018_female"]
    assert costs.break_even(
        annual_cost=Decimal(500000), currency="USD", unit=us
    ).cases == (Decimal("1.8"))
    with pytest.raises(ValueError, match="currency"):
        costs.break_even(annual_cost=Decimal(1), currency="EUR", unit=uk)


def test_annualise() -> None:
    # 10,000 over 73 days -> x 5
    assert costs.annualise(
        Decimal(10000), start=date(2025, 1, 1), end=date(2025, 3, 14)
    ) == (Decimal("50000.00"))
    assert (
        costs.annualise(Decimal(7), start=date(2024, 1, 1), end=date(2024, 12, 31)) == 7
    )
