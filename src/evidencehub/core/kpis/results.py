"""Engine contracts: periods and results. Pure Python; the SQL that fills
these lives in ``evidencehub.apps.kpis.engine``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from evidencehub.core.stats import WILSON_ID, WILSON_VERSION, wilson_interval

ENGINE_METHOD = ("evidencehub.kpis.engine", "1")
# Breakdowns the engine may group by, and the most groups it will return (a
# larger dimension is folded into "other": PSI's cap on category combos,
# reference/anchor_platforms.md §1.6, protects speed and anonymity alike).
BREAKDOWNS = ("channel", "locale")
MAX_GROUPS = 12


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """A closed date range ``start..end`` with a label (``2026``, ``2026-Q1``,
    ``2026-03`` or ``2026-01-05..2026-02-01``)."""

    start: date
    end: date
    kind: str
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == "year":
            return parse_period(str(self.start.year - 1))
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            y, q = (self.start.year, q - 1) if q > 1 else (self.start.year - 1, 4)
            return parse_period(f"{y}-Q{q}")
        if self.kind == "month":
            prev = self.start - timedelta(days=1)
            return parse_period(f"{prev.year}-{prev.month:02d}")
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        return parse_period(f"{start.isoformat()}..{end.isoformat()}")


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def parse_period(text: str) -> Period:
    """``YYYY`` (calendar year), ``YYYY-Qn``, ``YYYY-MM`` or
    ``YYYY-MM-DD..YYYY-MM-DD`` (custom, both days included, at most 3 years).

    Raises:
        PeriodError: with a message saying which forms are accepted.
    """
    t = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})", t):
            y = int(m[1])
            return Period(date(y, 1, 1), date(y, 12, 31), "year", t)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", t):
            y, q = int(m[1]), int(m[2])
            start = date(y, 3 * q - 2, 1)
            return Period(start, _month_end(y, 3 * q), "quarter", t)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", t):
            y, mo = int(m[1]), int(m[2])
            return Period(date(y, mo, 1), _month_end(y, mo), "month", t)
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", t):
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if end < start:
                raise PeriodError("The period ends before it starts.")
            if (end - start).days > 3 * 366:
                raise PeriodError("A custom period lasts at most 3 years.")
            return Period(start, end, "custom", t)
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(f"Not a valid date in {t!r}.") from None
    raise PeriodError(
        "Use a year (2026), a quarter (2026-Q1), a month (2026-03) or a range "
        "(2026-01-01..2026-06-30)."
    )


@dataclass(frozen=True)
class Method:
    id: str
    version: str

    def __str__(self) -> str:
        return f"{self.id} v{self.version}"


STATUS_OK = "ok"
STATUS_NO_DATA = "no_data"
STATUS_INPUTS_MISSING = "inputs_not_available"
STATUS_NOT_IMPLEMENTED = "not_computed_yet"


@dataclass(frozen=True)
class KpiResult:
    """One KPI for one initiative and period (optionally one breakdown cell).

    ``value = numerator / denominator * factor`` for ratios; ``n`` is the
    number of units the value rests on (the denominator of a proportion, the
    linked pairs of a change). ``lower``/``upper`` is the 95% interval where
    one applies (Wilson for proportions, t for mean change), else ``None``.
    ``source`` says which data was used: ``rollups``, ``events``,
    ``contact_records``, ``aggregate_figures``, ``responses``,
    ``operations`` or ``""``.
    """

    kpi_id: str
    kpi_version: str
    period: Period
    status: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    lower: float | None = None
    upper: float | None = None
    n: int = 0
    unit: str = ""
    methods: tuple[Method, ...] = (Method(*ENGINE_METHOD),)
    source: str = ""
    breakdown: str = ""
    group: str = ""
    notes: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    computed_at: datetime | None = None

    @property
    def has_value(self) -> bool:
        return self.status == STATUS_OK and self.value is not None

    def provenance(self) -> str:
        """ "R03 v1; wilson v1; 2026; n=120" - how the figure was made."""
        methods = "; ".join(str(m) for m in self.methods)
        return (
            f"{self.kpi_id} v{self.kpi_version}; {methods}; {self.period.label}; "
            f"n={self.n}; source: {self.source or 'none'}"
        )


def proportion_result(
    *,
    kpi_id: str,
    kpi_version: str,
    period: Period,
    numerator: int,
    denominator: int,
    factor: float = 100.0,
    unit: str = "%",
    source: str,
    notes: str = "",
    breakdown: str = "",
    group: str = "",
) -> KpiResult:
    """A proportion with its Wilson 95% interval (Wilson 1927), scaled by
    ``factor``. A zero denominator gives ``status="no_data"``."""
    if denominator <= 0:
        return KpiResult(
            kpi_id,
            kpi_version,
            period,
            STATUS_NO_DATA,
            numerator=numerator,
            denominator=denominator,
            unit=unit,
            source=source,
            notes=notes or "Nothing to divide by in this period.",
            breakdown=breakdown,
            group=group,
        )
    p = wilson_interval(min(numerator, denominator), denominator)
    return KpiResult(
        kpi_id,
        kpi_version,
        period,
        STATUS_OK,
        value=numerator / denominator * factor,
        numerator=numerator,
        denominator=denominator,
        lower=p.lower * factor,
        upper=p.upper * factor,
        n=denominator,
        unit=unit,
        methods=(Method(*ENGINE_METHOD), Method(WILSON_ID, WILSON_VERSION)),
        source=source,
        notes=notes,
        breakdown=breakdown,
        group=group,
    )


def rate_result(
    *,
    kpi_id: str,
    kpi_version: str,
    period: Period,
    numerator: float,
    denominator: float,
    factor: float,
    unit: str,
    source: str,
    notes: str = "",
) -> KpiResult:
    """A rate without an interval (e.g. per 1,000 contacts)."""
    if denominator <= 0:
        return KpiResult(
            kpi_id, kpi_version, period, STATUS_NO_DATA, unit=unit, source=source
        )
    return KpiResult(
        kpi_id,
        kpi_version,
        period,
        STATUS_OK,
        value=numerator / denominator * factor,
        numerator=numerator,
        denominator=denominator,
        n=int(denominator),
        unit=unit,
        source=source,
        notes=notes,
    )


def count_result(
    *,
    kpi_id: str,
    kpi_version: str,
    period: Period,
    count: int,
    unit: str,
    source: str,
    notes: str = "",
    breakdown: str = "",
    group: str = "",
) -> KpiResult:
    return KpiResult(
        kpi_id,
        kpi_version,
        period,
        STATUS_OK,
        value=float(count),
        numerator=count,
        n=count,
        unit=unit,
        source=source,
        notes=notes,
        breakdown=breakdown,
        group=group,
    )


def cap_groups(
    groups: dict[str, tuple[float, float]], limit: int = MAX_GROUPS
) -> dict[str, tuple[float, float]]:
    """Keep the ``limit - 1`` largest groups (by denominator, then numerator)
    and fold the rest into ``"other"``."""
    if len(groups) <= limit:
        return dict(groups)
    ranked = sorted(groups.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    kept = dict(ranked[: limit - 1])
    rest = ranked[limit - 1 :]
    kept["other"] = (sum(v[0] for _, v in rest), sum(v[1] for _, v in rest))
    return kept
