"""Sustainability and funding KPIs (domain_kpis §2.9).

* S01 funding concentration: the largest funder's share of income in the
  period, and the Herfindahl-Hirschman index HHI = Σ sᵢ² over funders' shares
  sᵢ (Herfindahl 1950; Hirschman 1945; U.S. DoJ/FTC Horizontal Merger
  Guidelines 2010 §5.3 use the same sum on percentage shares, 0-10,000). We
  report shares as fractions, so HHI is in (0, 1]; 1 = a single funder,
  1/k = k equal funders.
* S02 funded runway: committed funding not yet spent at ``as_of`` (the part of
  each grant after ``as_of``, pro-rated by days) ÷ average monthly cost.
* S03 maintenance: months operating after the end of the founding grant (yes
  when ≥ 6) and the share of income from recurrent sources; also the share of
  income from multi-year grants (lasting more than 366 days).

Income in a period is each grant pro-rated by the days it overlaps the period
(method ``evidencehub.operations.funding`` v1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from evidencehub.core.operations.costs import overlap_days

SHARE = Decimal("0.0001")


@dataclass(frozen=True)
class FundingLine:
    funder: str  # a stable key: funder id or the normalised free name
    amount: Decimal
    currency: str
    start: date
    end: date  # inclusive
    recurrent: bool = False
    restricted: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def multi_year(self) -> bool:
        return self.days > 366


def _currency(lines: Sequence[FundingLine]) -> str:
    currencies = {line.currency for line in lines}
    if len(currencies) > 1:
        raise ValueError("currency: funding is in more than one currency")
    return currencies.pop() if currencies else ""


def income_in_period(line: FundingLine, start: date, end: date) -> Decimal:
    """The part of a grant falling in [start, end], pro-rated by days."""
    shared = overlap_days(line.start, line.end, start, end)
    return line.amount * Decimal(shared) / Decimal(line.days)


@dataclass(frozen=True)
class Concentration:
    income: Decimal
    currency: str
    shares: dict[str, Decimal]
    largest_funder: str
    largest_share: Decimal
    hhi: Decimal
    funders: int


def concentration(
    lines: Iterable[FundingLine], *, start: date, end: date
) -> Concentration | None:
    """S01 for [start, end]; None when no income falls in the period.

    Raises:
        ValueError: more than one currency.
    """
    items = list(lines)
    currency = _currency(items)
    by_funder: dict[str, Decimal] = {}
    for line in items:
        part = income_in_period(line, start, end)
        if part > 0:
            by_funder[line.funder] = by_funder.get(line.funder, Decimal(0)) + part
    income = sum(by_funder.values(), Decimal(0))
    if income <= 0:
        return None
    shares = {k: v / income for k, v in by_funder.items()}
    largest = max(sorted(shares), key=lambda k: shares[k])
    hhi = sum((s * s for s in shares.values()), Decimal(0))
    return Concentration(
        income=income.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        currency=currency,
        shares={
            k: v.quantize(SHARE, rounding=ROUND_HALF_UP) for k, v in shares.items()
        },
        largest_funder=largest,
        largest_share=shares[largest].quantize(SHARE, rounding=ROUND_HALF_UP),
        hhi=hhi.quantize(SHARE, rounding=ROUND_HALF_UP),
        funders=len(shares),
    )


def committed_after(lines: Iterable[FundingLine], *, as_of: date) -> Decimal:
    """Funding committed for days after ``as_of`` (pro-rated by days)."""
    total = Decimal(0)
    for line in lines:
        if line.end > as_of:
            first = max(line.start, date.fromordinal(as_of.toordinal() + 1))
            total += income_in_period(line, first, line.end)
    return total


def funded_runway_months(
    lines: Iterable[FundingLine], *, as_of: date, monthly_cost: Decimal
) -> Decimal | None:
    """S02 = committed funding after ``as_of`` ÷ monthly cost, in months to
    one decimal. None when the monthly cost is not positive.

    Example: 60,000 still committed and 10,000 a month of cost → 6.0 months.
    """
    if monthly_cost <= 0:
        return None
    remaining = committed_after(list(lines), as_of=as_of)
    return (remaining / monthly_cost).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Mix:
    income: Decimal
    recurrent_share: Decimal
    multi_year_share: Decimal
    multi_year_or_recurrent_share: Decimal
    restricted_share: Decimal


def funding_mix(lines: Iterable[FundingLine], *, start: date, end: date) -> Mix | None:
    """Shares of the period's income that are recurrent, multi-year, either,
    and restricted (fractions to 4 places). None without income.

    Raises:
        ValueError: more than one currency.
    """
    items = list(lines)
    _currency(items)
    parts = [(line, income_in_period(line, start, end)) for line in items]
    income = sum((p for _, p in parts), Decimal(0))
    if income <= 0:
        return None

    def share(pred: object) -> Decimal:
        chosen = sum((p for line, p in parts if pred(line)), Decimal(0))  # type: ignore[operator]
        return (chosen / income).quantize(SHARE, rounding=ROUND_HALF_UP)

    return Mix(
        income=income.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        recurrent_share=share(lambda x: x.recurrent),
        multi_year_share=share(lambda x: x.multi_year),
        multi_year_or_recurrent_share=share(lambda x: x.recurrent or x.multi_year),
        restricted_share=share(lambda x: x.restricted),
    )


def whole_months_between(start: date, end: date) -> int:
    """Complete calendar months from ``start`` to ``end`` (0 if end ≤ start).
    2025-01-31 → 2025-07-31 is 6; → 2025-07-30 is 5."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(0, months)


def months_after_founding_grant(*, founding_end: date, as_of: date) -> int:
    """S03: whole months the service has operated since its founding grant
    ended (RE-AIM maintenance: ≥ 6 months counts as maintained)."""
    return whole_months_between(founding_end, as_of)


def recurrent_cover(
    lines: Iterable[FundingLine], *, cost: Decimal, start: date, end: date
) -> Decimal | None:
    """S03 second part: share of the period's costs covered by recurrent
    sources, in % to one decimal = min(recurrent income, cost) ÷ cost x 100.
    None when the cost is not positive.

    Example: recurrent income 30,000 against costs of 120,000 → 25.0.
    """
    if cost <= 0:
        return None
    recurrent = sum(
        (income_in_period(x, start, end) for x in lines if x.recurrent), Decimal(0)
    )
    return (min(recurrent, cost) / cost * 100).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
