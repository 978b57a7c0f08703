"""Full economic cost of an initiative and unit costs (domain_kpis §5.1, §5.2).

Cost categories follow §5.1: staff time (FTE x loaded annual salary x months /
12), clinical supervision, training, technology and telephony, translation,
licences, an overhead allocation, and volunteer time at a shadow wage
(hours x shadow hourly wage).

Method ids: ``evidencehub.operations.cost_total`` v1 (days-overlap pro-rating),
``evidencehub.operations.unit_cost`` v1,
``evidencehub.operations.cost_per_reliable_improvement`` v1 (Wilson interval of the
improvement rate carried through), and
``evidencehub.operations.break_even`` v1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from evidencehub.core.stats.proportions import wilson_interval

CATEGORIES: dict[str, str] = {
    "staff": "Staff (FTE x loaded salary)",
    "supervision": "Clinical supervision",
    "training": "Training",
    "technology": "Technology and telephony",
    "translation": "Translation",
    "licences": "Licences",
    "overheads": "Overheads",
    "volunteer": "Volunteer time (shadow wage)",
}
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round half up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def staff_cost(
    *, fte: Decimal, annual_loaded_salary: Decimal, months: Decimal
) -> Decimal:
    """FTE x loaded annual salary (salary plus employer on-costs) x months / 12.

    Raises:
        ValueError: a negative input, or FTE above 10 (one line is one post group).
    """
    if fte < 0 or annual_loaded_salary < 0 or months < 0:
        raise ValueError("fte: staff cost inputs cannot be negative")
    if fte > 10:
        raise ValueError("fte: enter at most 10 FTE per line")
    return money(fte * annual_loaded_salary * months / Decimal(12))


def volunteer_cost(*, hours: Decimal, shadow_wage: Decimal) -> Decimal:
    """Volunteer hours valued at a shadow hourly wage (opportunity-cost
    valuation; §5.1).

    Raises:
        ValueError: negative hours or wage.
    """
    if hours < 0 or shadow_wage < 0:
        raise ValueError("hours: volunteer inputs cannot be negative")
    return money(hours * shadow_wage)


@dataclass(frozen=True)
class CostLine:
    category: str
    start: date
    end: date  # inclusive
    amount: Decimal
    currency: str


def _days(start: date, end: date) -> int:
    return (end - start).days + 1


def overlap_days(a_start: date, a_end: date, b_start: date, b_end: date) -> int:
    """Days (inclusive) shared by two inclusive date ranges; 0 if none."""
    lo, hi = max(a_start, b_start), min(a_end, b_end)
    return max(0, (hi - lo).days + 1)


@dataclass(frozen=True)
class CostTotal:
    total: Decimal
    currency: str
    by_category: dict[str, Decimal]
    lines: int


def total_cost(
    lines: Iterable[CostLine], *, start: date, end: date
) -> CostTotal | None:
    """Cost falling in [start, end] (inclusive). A line that only partly
    overlaps the period counts in proportion to the days it overlaps
    (e.g. a 365-day licence of 3,650 counts 300 in a 30-day month).
    None when no line overlaps.

    Raises:
        ValueError: end before start, or lines in more than one currency.
    """
    if end < start:
        raise ValueError("end: the period ends before it starts")
    by_cat: dict[str, Decimal] = {}
    currencies: set[str] = set()
    n = 0
    for line in lines:
        shared = overlap_days(line.start, line.end, start, end)
        if shared == 0:
            continue
        currencies.add(line.currency)
        part = line.amount * Decimal(shared) / Decimal(_days(line.start, line.end))
        by_cat[line.category] = by_cat.get(line.category, Decimal(0)) + part
        n += 1
    if not n:
        return None
    if len(currencies) > 1:
        raise ValueError("currency: costs are in more than one currency")
    rounded = {k: money(v) for k, v in by_cat.items()}
    return CostTotal(
        money(sum(by_cat.values(), Decimal(0))), currencies.pop(), rounded, n
    )


def unit_cost(total: Decimal, count: int | None) -> Decimal | None:
    """total ÷ count, to cents; None when count is missing or zero (C01-C03)."""
    if not count:
        return None
    return money(total / Decimal(count))


@dataclass(frozen=True)
class ReliableImprovementCost:
    value: Decimal
    lower: Decimal | None  # from the upper bound of the rate
    upper: Decimal | None  # from the lower bound of the rate; None if that is 0
    rate: float
    rate_lower: float
    rate_upper: float
    improvements: Decimal  # completers x rate


def cost_per_reliable_improvement(
    *,
    total: Decimal,
    completers: int,
    improved: int,
    linked: int,
    confidence: float = 0.95,
) -> ReliableImprovementCost | None:
    """C04 = total ÷ (completers x p̂), p̂ = improved ÷ linked completers
    (domain_kpis §5.1). The Wilson interval of p̂ (Wilson 1927) is carried
    through: lower cost = total ÷ (completers x upper p), upper cost = total ÷
    (completers x lower p). Worked example §5.1: 120,000 / (600 x 45/150) =
    666.67, interval ≈ 529.6 to 860.6.

    None when there are no completers, no linked completers or no improvement.

    Raises:
        ValueError: improved outside 0..linked.
    """
    if completers <= 0 or linked <= 0:
        return None
    p = wilson_interval(improved, linked, confidence)
    if improved == 0:
        return None
    c = Decimal(completers)
    value = money(total / (c * Decimal(improved) / Decimal(linked)))
    lower = money(total / (c * Decimal(str(p.upper))))
    upper = money(total / (c * Decimal(str(p.lower)))) if p.lower > 0 else None
    return ReliableImprovementCost(
        value=value,
        lower=lower,
        upper=upper,
        rate=p.estimate,
        rate_lower=p.lower,
        rate_upper=p.upper,
        improvements=(c * Decimal(improved) / Decimal(linked)).quantize(Decimal("0.1")),
    )


@dataclass(frozen=True)
class PublishedUnitCost:
    """A published cost of child sexual abuse per victim."""

    key: str
    amount: Decimal
    currency: str
    price_year: str
    what: str
    source: str


PUBLISHED_UNIT_COSTS: dict[str, PublishedUnitCost] = {
    "uk_home_office_2021": PublishedUnitCost(
        "uk_home_office_2021",
        Decimal("89240"),
        "GBP",
        "2018/19",
        "lifetime cost per victim of contact child sexual abuse, England and Wales "
        "(excludes online and non-contact abuse; not an annual cost)",
        "Home Office (2021) The economic and social cost of contact child sexual "
        "abuse; per-victim figure = £10.1bn / 113,144 victims",
    ),
    "us_letourneau_2018_female": PublishedUnitCost(
        "us_letourneau_2018_female",
        Decimal("282734"),
        "USD",
        "2015",
        "average lifetime cost per non-fatal female victim, United States",
        "Letourneau et al. (2018) Child Abuse & Neglect 79:413",
    ),
    "us_letourneau_2018_male": PublishedUnitCost(
        "us_letourneau_2018_male",
        Decimal("74691"),
        "USD",
        "2015",
        "average lifetime cost per non-fatal male victim, United States "
        "(an underestimate: productivity data for males were missing)",
        "Letourneau et al. (2018) Child Abuse & Neglect 79:413",
    ),
}


@dataclass(frozen=True)
class BreakEven:
    cases: Decimal  # to one decimal place
    annual_cost: Decimal
    unit: PublishedUnitCost
    statement: str


def break_even(
    *, annual_cost: Decimal, currency: str, unit: PublishedUnitCost
) -> BreakEven:
    """C05 threshold = annual programme cost ÷ published cost per victim
    (domain_kpis §5.2: £300,000 / £89,240 = 3.4). A threshold, never a claim
    of cases prevented.

    Raises:
        ValueError: the cost and the published unit cost are in different
            currencies (no exchange rate is applied), or the cost is negative.
    """
    if currency != unit.currency:
        raise ValueError(
            f"currency: costs are in {currency}, the published unit cost in "
            f"{unit.currency}; no exchange rate is applied"
        )
    if annual_cost < 0:
        raise ValueError("annual_cost: cannot be negative")
    cases = (annual_cost / unit.amount).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    statement = (
        f"At {currency} {annual_cost:,.0f} a year, the service pays for itself if it "
        f"prevents {cases} cases, valued at {unit.currency} {unit.amount:,.0f} each "
        f"({unit.what}; {unit.price_year} prices; source: {unit.source}). This is a "
        "threshold, not a claim that cases were prevented."
    )
    return BreakEven(cases, annual_cost, unit, statement)


def annualise(total: Decimal, *, start: date, end: date) -> Decimal:
    """Scale a period's cost to 365 days (a 365- or 366-day period is kept)."""
    days = _days(start, end)
    if days in (365, 366):
        return total
    return money(total * Decimal(365) / Decimal(days))
