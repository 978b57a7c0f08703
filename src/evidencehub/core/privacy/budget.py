"""The yearly privacy-loss budget (method ``evidencehub.privacy.budget`` v1).

Losses add up: k releases with ε₁…ε_k cost ε₁ + … + ε_k together (basic
sequential composition, Dwork & Roth 2014, Thm 3.16; δs add the same way).
An organisation has ``budget`` ε per calendar year; a release that would take
the year's total above it is refused. Parallel releases over disjoint people
(one figure per peer in a benchmark) cost each group only its own ε (McSherry
2009, Thm 4).
"""

from __future__ import annotations

BUDGET_ID = "evidencehub.privacy.budget"
BUDGET_VERSION = "1"
DEFAULT_EPSILON_PER_YEAR = 2.0
# Float sums of ε drift by ~1e-16 per addition; a release exactly filling the
# budget must not be refused for that.
TOLERANCE = 1e-9


class BudgetExceeded(ValueError):
    """The release would take the year's privacy loss over the budget."""

    def __init__(self, *, spent: float, cost: float, budget: float, year: int) -> None:
        self.spent, self.cost, self.budget, self.year = spent, cost, budget, year
        super().__init__(
            f"This release needs ε = {cost:g}, but only ε = "
            f"{max(0.0, budget - spent):g} of the {year} budget of ε = {budget:g} "
            "is left. Nothing was released and nothing was charged."
        )


def fits(*, spent: float, cost: float, budget: float) -> bool:
    """True when ``spent + cost ≤ budget`` (with a float tolerance)."""
    return spent + cost <= budget + TOLERANCE


def check(*, spent: float, cost: float, budget: float, year: int) -> None:
    """Raises:
    BudgetExceeded: when ``cost`` does not fit."""
    if not fits(spent=spent, cost=cost, budget=budget):
        raise BudgetExceeded(spent=spent, cost=cost, budget=budget, year=year)
