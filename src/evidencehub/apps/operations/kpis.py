"""KPIs of the cost (C), sustainability/funding (S), staff (ST),
accessibility (A) and policy (P) domains of ``reference/domain_kpis.md`` §2,
computed from organisation inputs for the KPI engine.

``compute(kpi_id=..., initiative=..., start=..., end=...)`` returns None for
ids this module does not handle; otherwise a dict with ``numerator``,
``denominator``, ``value``, ``n`` (Decimal, int or None), ``unit``,
``method`` ("id@version") and ``notes``. ``value`` is None when the inputs are
missing, and ``notes`` says what is missing. Some results add ``lower`` and
``upper`` (C04 interval) or ``hhi`` (S01).

Counts owned by other apps (answered contacts, activated users, completers,
reliable improvements) come from their selectors; a caller may override them
with ``counts={"contacts": n, "activated": n, "completers": n,
"improved": n, "linked": n}``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.operations import selectors
from evidencehub.core.operations import costs, funding, staff
from evidencehub.core.operations.policy import mapping_coverage

VERSION = "1"
HANDLED = (
    "C01",
    "C02",
    "C03",
    "C04",
    "C05",
    "S01",
    "S02",
    "S03",
    "ST01",
    "ST02",
    "ST08",
    "ST09",
    "A01",
    "A03",
    "P01",
)
PCT = Decimal("0.1")


def _method(kpi: str) -> str:
    return f"evidencehub.operations.{kpi.lower()}@{VERSION}"


def _result(
    kpi: str,
    *,
    numerator: Any = None,
    denominator: Any = None,
    value: Any = None,
    n: int | None = None,
    unit: str = "",
    notes: str = "",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "n": n,
        "unit": unit,
        "method": _method(kpi),
        "notes": notes,
        **extra,
    }


def _months(start: datetime.date, end: datetime.date) -> Decimal:
    days = (end - start).days + 1
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1:
        return Decimal((end.year - start.year) * 12 + end.month - start.month + 1)
    return (Decimal(days) * 12 / Decimal(365)).quantize(Decimal("0.01"))


def _pct(num: int, den: int) -> Decimal:
    return (Decimal(num) * 100 / Decimal(den)).quantize(PCT, rounding=ROUND_HALF_UP)


def _total(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> costs.CostTotal | None:
    return costs.total_cost(
        selectors.cost_lines(initiative=initiative), start=start, end=end
    )


def _unit(
    kpi: str,
    initiative: Initiative,
    start: datetime.date,
    end: datetime.date,
    counts: Mapping[str, int],
    key: str,
    what: str,
    getter: Callable[..., tuple[int | None, str]],
) -> dict[str, Any]:
    total = _total(initiative, start, end)
    count: int | None
    if key in counts:
        count, source = counts[key], "given by the caller"
    else:
        count, source = getter(initiative=initiative, start=start, end=end)
    unit = f"{total.currency if total else 'currency'} per {what}"
    if total is None:
        return _result(
            kpi,
            denominator=count,
            n=count,
            unit=unit,
            notes="No costs entered for the period.",
        )
    value = costs.unit_cost(total.total, count)
    notes = f"Full economic cost of the period ÷ {what}s ({source})."
    if value is None:
        notes += f" No {what}s counted for the period."
    return _result(
        kpi,
        numerator=total.total,
        denominator=count,
        value=value,
        n=count,
        unit=unit,
        notes=notes,
    )


def _c04(
    initiative: Initiative,
    start: datetime.date,
    end: datetime.date,
    counts: Mapping[str, int],
) -> dict[str, Any]:
    total = _total(initiative, start, end)
    if "completers" in counts:
        n_comp: int | None = counts["completers"]
        comp_src = "given by the caller"
    else:
        n_comp, comp_src = selectors.completers(
            initiative=initiative, start=start, end=end
        )
    if "improved" in counts and "linked" in counts:
        ri: tuple[int, int, str] | None = (
            counts["improved"],
            counts["linked"],
            "given by the caller",
        )
    else:
        ri = selectors.reliable_improvement(initiative=initiative)
    unit = f"{total.currency if total else 'currency'} per reliable improvement"
    missing = [
        what
        for what, ok in (
            ("costs", total),
            ("completers", n_comp),
            ("linked pre/post pairs", ri),
        )
        if not ok
    ]
    if missing or total is None or n_comp is None or ri is None:
        return _result("C04", unit=unit, notes="Missing: " + ", ".join(missing) + ".")
    improved, linked, src = ri
    r = costs.cost_per_reliable_improvement(
        total=total.total, completers=n_comp, improved=improved, linked=linked
    )
    if r is None:
        return _result(
            "C04",
            numerator=total.total,
            n=linked,
            unit=unit,
            notes="No reliable improvement among linked completers.",
        )
    upper = f"{r.upper}" if r.upper is not None else "unbounded"
    notes = (
        f"Total cost ÷ (completers {n_comp} x reliable-improvement rate "
        f"{improved}/{linked} = "
        f"{r.rate:.3f}, Wilson 95% CI {r.rate_lower:.3f}-{r.rate_upper:.3f}); "
        "cost interval "
        f"{r.lower}-{upper}. The rate comes from the linked responder subset ({src}), "
        "which may differ from all completers (selection bias, D02). "
        f"Completers: {comp_src}."
    )
    return _result(
        "C04",
        numerator=total.total,
        denominator=r.improvements,
        value=r.value,
        n=linked,
        unit=unit,
        notes=notes,
        lower=r.lower,
        upper=r.upper,
    )


_UNIT_FOR_CURRENCY = {"GBP": "uk_home_office_2021", "USD": "us_letourneau_2018_female"}


def _c05(
    initiative: Initiative,
    start: datetime.date,
    end: datetime.date,
    unit_key: str | None,
) -> dict[str, Any]:
    total = _total(initiative, start, end)
    if total is None:
        return _result("C05", unit="cases", notes="No costs entered for the period.")
    key = unit_key or _UNIT_FOR_CURRENCY.get(total.currency)
    if key is None or key not in costs.PUBLISHED_UNIT_COSTS:
        return _result(
            "C05",
            numerator=total.total,
            unit="cases",
            notes="No published cost of child sexual abuse per victim in "
            f"{total.currency} is shipped (GBP: Home Office 2021; USD: Letourneau "
            "et al. 2018); no exchange rate is applied.",
        )
    annual = costs.annualise(total.total, start=start, end=end)
    try:
        be = costs.break_even(
            annual_cost=annual,
            currency=total.currency,
            unit=costs.PUBLISHED_UNIT_COSTS[key],
        )
    except ValueError as exc:
        return _result(
            "C05", numerator=annual, unit="cases", notes=str(exc).split(": ", 1)[-1]
        )
    return _result(
        "C05",
        numerator=annual,
        denominator=be.unit.amount,
        value=be.cases,
        unit="cases per year",
        notes=be.statement,
    )


def _s01(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    unit = "index 0-1"
    try:
        c = funding.concentration(
            selectors.funding_lines(initiative=initiative), start=start, end=end
        )
    except ValueError as exc:
        return _result("S01", unit=unit, notes=str(exc).split(": ", 1)[-1])
    if c is None:
        return _result("S01", unit=unit, notes="No funding falls in the period.")
    name = selectors.funder_names(initiative=initiative).get(
        c.largest_funder, c.largest_funder
    )
    largest = (c.largest_share * 100).quantize(PCT)
    return _result(
        "S01",
        numerator=c.hhi,
        value=c.hhi,
        n=c.funders,
        unit=unit,
        notes=f"Herfindahl-Hirschman index = sum of squared funder shares of the "
        f"period's income (1 = one funder; {c.funders} equal funders would give "
        f"{(Decimal(1) / c.funders).quantize(Decimal('0.0001'))}). Largest funder: "
        f"{name}, {largest}% of income.",
        hhi=c.hhi,
        largest_share=largest,
    )


def _monthly_cost(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> Decimal | None:
    total = _total(initiative, start, end)
    if total is None:
        return None
    return total.total / _months(start, end)


def _s02(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    monthly = _monthly_cost(initiative, start, end)
    lines = selectors.funding_lines(initiative=initiative)
    remaining = funding.committed_after(lines, as_of=end).quantize(Decimal("0.01"))
    if monthly is None or monthly <= 0:
        return _result(
            "S02",
            numerator=remaining,
            unit="months",
            notes="No costs in the period to set a monthly cost.",
        )
    months = funding.funded_runway_months(lines, as_of=end, monthly_cost=monthly)
    return _result(
        "S02",
        numerator=remaining,
        denominator=monthly.quantize(Decimal("0.01")),
        value=months,
        unit="months",
        notes=f"Funding committed after {end} ÷ the period's average monthly cost.",
    )


def _s03(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    lines = selectors.funding_lines(initiative=initiative)
    total = _total(initiative, start, end)
    founding = (
        selectors.records(kind="funding", initiative=initiative)
        .filter(founding=True)
        .order_by("end")
        .last()
    )
    months = (
        funding.months_after_founding_grant(founding_end=founding.end, as_of=end)
        if founding is not None
        else None
    )
    try:
        mix = funding.funding_mix(lines, start=start, end=end)
    except ValueError:
        mix = None
    notes = []
    if months is None:
        notes.append("No founding grant marked.")
    else:
        verdict = (
            "maintained (at least 6 months)" if months >= 6 else "not 6 months yet"
        )
        notes.append(
            f"Operating {months} months after the founding grant ended on "
            f"{founding.end}: {verdict}."  # type: ignore[union-attr]
        )
    if mix is not None:
        notes.append(
            f"Of the period's income, {mix.recurrent_share * 100:.1f}% is recurrent, "
            f"{mix.multi_year_share * 100:.1f}% multi-year and "
            f"{mix.multi_year_or_recurrent_share * 100:.1f}% either."
        )
    extra: dict[str, Any] = {
        "months_after_founding_grant": months,
        "recurrent_share": mix.recurrent_share if mix else None,
        "multi_year_or_recurrent_share": (
            mix.multi_year_or_recurrent_share if mix else None
        ),
    }
    if total is None:
        notes.insert(0, "No costs in the period.")
        return _result("S03", unit="%", notes=" ".join(notes), **extra)
    if any(x.currency != total.currency for x in lines):
        notes.insert(0, "Funding and costs are in different currencies.")
        return _result("S03", unit="%", notes=" ".join(notes), **extra)
    cover = funding.recurrent_cover(lines, cost=total.total, start=start, end=end)
    recurrent = (
        (cover * total.total / 100).quantize(Decimal("0.01"))
        if cover is not None
        else None
    )
    notes.insert(0, "Share of the period's costs covered by recurrent sources.")
    return _result(
        "S03",
        numerator=recurrent,
        denominator=total.total,
        value=cover,
        unit="%",
        notes=" ".join(notes),
        **extra,
    )


def _st01(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    posts = selectors.posts_in_post(initiative=initiative, on=end)
    recs = selectors.records(kind="training", initiative=initiative).filter(
        date__lte=end
    )
    mandatory = {r.module for r in recs if r.mandatory}
    done: dict[str, set[str]] = {}
    for r in recs:
        if r.post_id is not None:
            done.setdefault(str(r.post_id), set()).add(r.module)
    p = staff.training_coverage(
        completed=done, posts=[str(x.pk) for x in posts], mandatory=mandatory
    )
    if p is None:
        return _result(
            "ST01",
            denominator=len(posts),
            n=len(posts),
            unit="%",
            notes="No posts in post or no mandatory modules recorded.",
        )
    return _result(
        "ST01",
        numerator=p.successes,
        denominator=p.n,
        value=_pct(p.successes, p.n),
        n=p.n,
        unit="%",
        notes=f"Posts in post on {end} that completed all {len(mandatory)} "
        "mandatory modules; "
        f"Wilson 95% CI {p.lower * 100:.1f}-{p.upper * 100:.1f}%.",
    )


def _st02(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    recs = selectors.records(kind="training", initiative=initiative).filter(
        date__gte=start, date__lte=end
    )
    k = staff.kirkpatrick(
        [
            staff.TrainingRecordValues(
                r.l1_rating,
                r.knowledge_pre,
                r.knowledge_post,
                r.confidence_pre,
                r.confidence_post,
            )
            for r in recs
        ]
    )
    notes = (
        f"Level 1: mean relevance {k.l1_mean} of 5 (n={k.l1_n}), share rating ≥4: "
        f"{k.l1_share_4_plus}. Level 2: mean knowledge gain {k.knowledge_gain} points "
        f"(n={k.knowledge_n}); mean confidence change {k.confidence_change} "
        f"(n={k.confidence_n})."
    )
    return _result(
        "ST02",
        value=k.knowledge_gain,
        n=k.knowledge_n,
        unit="points",
        notes="Value: mean pre-post knowledge gain (Kirkpatrick level 2). " + notes,
        l1_mean=k.l1_mean,
        l1_share_4_plus=k.l1_share_4_plus,
        knowledge_gain=k.knowledge_gain,
        confidence_change=k.confidence_change,
    )


def _periods(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> list[Any]:
    return list(
        selectors.records(kind="staffperiod", initiative=initiative).filter(
            period_start__gte=start, period_end__lte=end
        )
    )


def _st08(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    hours = sum(
        (p.supervision_hours for p in _periods(initiative, start, end)), Decimal(0)
    )
    fte = selectors.mean_fte(initiative=initiative, start=start, end=end)
    months = _months(start, end)
    value = staff.supervision_dose(hours=hours, mean_fte=fte, months=months)
    return _result(
        "ST08",
        numerator=hours,
        denominator=(fte * months).quantize(Decimal("0.01")),
        value=value,
        unit="hours per FTE per month",
        notes=f"Supervision hours ÷ (mean FTE {fte.normalize()} x "
        f"{months.normalize()} months).",
    )


def _st09(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    periods = _periods(initiative, start, end)
    if not periods:
        return _result(
            "ST09", unit="%", notes="No staff period recorded inside the period."
        )
    periods.sort(key=lambda p: p.period_start)
    leavers = sum(p.leavers for p in periods)
    hs, he = periods[0].headcount_start, periods[-1].headcount_end
    value = staff.turnover_percent(
        leavers=leavers, headcount_start=hs, headcount_end=he
    )
    sick = staff.sickness_days_per_fte(
        days=sum((p.sickness_days for p in periods), Decimal(0)),
        mean_fte=selectors.mean_fte(initiative=initiative, start=start, end=end),
    )
    return _result(
        "ST09",
        numerator=leavers,
        denominator=Decimal(hs + he) / 2,
        value=value,
        unit="%",
        notes=f"Leavers ÷ mean headcount x 100; sickness-absence days per FTE: {sick}.",
        sickness_days_per_fte=sick,
    )


def _a01(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    mats = [
        m
        for m in selectors.records(kind="material", initiative=initiative)
        if m.meets_target is not None
    ]
    if not mats:
        return _result("A01", unit="%", notes="No scored materials.")
    ok = sum(1 for m in mats if m.meets_target)
    langs = sorted({m.language for m in mats})
    return _result(
        "A01",
        numerator=ok,
        denominator=len(mats),
        value=_pct(ok, len(mats)),
        n=len(mats),
        unit="%",
        notes="Materials meeting their readability target with the formula of "
        "their language "
        f"({', '.join(langs)}); current texts, not period-specific.",
    )


def _a03(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    c = selectors.comprehension(initiative=initiative, start=start, end=end)
    if c is None:
        return _result(
            "A03",
            unit="%",
            notes="No answers to a comprehension-check questionnaire in the period.",
        )
    return _result(
        "A03",
        numerator=c.clear,
        denominator=c.answered,
        value=_pct(c.clear, c.answered),
        n=c.answered,
        unit="%",
        notes="Answers saying the information was clear (comprehension_check, "
        "item 'clear') ÷ answers to that item; Wilson 95% CI "
        f"{c.lower * 100:.1f}-{c.upper * 100:.1f}%.",
    )


def _p01(
    initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    outs = selectors.outcomes(initiative=initiative)
    tagged = [
        a.outcome for a in selectors.records(kind="alignment", initiative=initiative)
    ]
    cov = mapping_coverage(outs, tagged)
    if cov is None:
        return _result("P01", unit="%", notes="The logic model has no outcomes.")
    return _result(
        "P01",
        numerator=cov[0],
        denominator=cov[1],
        value=_pct(*cov),
        n=cov[1],
        unit="%",
        notes="Logic-model outcomes mapped to at least one policy goal.",
    )


def compute(
    *,
    kpi_id: str,
    initiative: Initiative,
    start: datetime.date,
    end: datetime.date,
    counts: Mapping[str, int] | None = None,
    unit_cost_key: str | None = None,
) -> dict[str, Any] | None:
    """The KPI ``kpi_id`` for ``initiative`` over [start, end] (inclusive), or
    None when this module does not handle ``kpi_id``.

    Raises:
        ValueError: ``end`` before ``start``.
    """
    kpi = kpi_id.upper()
    if kpi not in HANDLED:
        return None
    if end < start:
        raise ValueError("end: the period ends before it starts")
    given = dict(counts or {})
    if kpi == "C01":
        return _unit(
            "C01",
            initiative,
            start,
            end,
            given,
            "contacts",
            "answered contact",
            selectors.answered_contacts,
        )
    if kpi == "C02":
        return _unit(
            "C02",
            initiative,
            start,
            end,
            given,
            "activated",
            "engaged user",
            selectors.activated_users,
        )
    if kpi == "C03":
        return _unit(
            "C03",
            initiative,
            start,
            end,
            given,
            "completers",
            "completer",
            selectors.completers,
        )
    if kpi == "C04":
        return _c04(initiative, start, end, given)
    if kpi == "C05":
        return _c05(initiative, start, end, unit_cost_key)
    handlers = {
        "S01": _s01,
        "S02": _s02,
        "S03": _s03,
        "ST01": _st01,
        "ST02": _st02,
        "ST08": _st08,
        "ST09": _st09,
        "A01": _a01,
        "A03": _a03,
        "P01": _p01,
    }
    return handlers[kpi](initiative, start, end)


def compute_all(
    *, initiative: Initiative, start: datetime.date, end: datetime.date
) -> dict[str, dict[str, Any]]:
    """Every handled KPI for the period."""
    out = {}
    for kpi in HANDLED:
        result = compute(kpi_id=kpi, initiative=initiative, start=start, end=end)
        if result is not None:
            out[kpi] = result
    return out
