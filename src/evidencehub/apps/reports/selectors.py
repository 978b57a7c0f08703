"""Reads for the initiative dashboard: every figure of one initiative and
period, grouped into sections, released for the viewer's audience, each chart
a Vega-Lite spec with the same figures as an accessible table.

Contract (the dashboard page, its API and the PDF report rely on these):

- ``dashboard(*, initiative, period, audience, breakdown="") -> Dashboard``
- ``Dashboard(initiative, period, audience, breakdown, sections, internal)``
- ``Section(id, title, charts, figures, notes)``: ``charts`` are
  :class:`evidencehub.core.charts.Chart`; ``figures`` are the section's KPI
  results as released for the audience (``ReleasedResult``; withheld ones have
  ``suppressed=True`` and ``reasons``); ``notes`` are plain sentences;
  ``tables`` are further accessible tables with no chart (scorecard lines,
  materials).
- ``figure_rows(section) -> list[dict]``: the figures as display rows.
- ``DashboardError(field, message)``: a bad filter (``breakdown``).

Nothing an outside audience sees is computed from an unreleased figure: the
scorecard status, the charts and the tables all read the released results.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from evidencehub.apps.collect.models import CollectionSettings
from evidencehub.apps.disclosure.presenters import reason_text
from evidencehub.apps.disclosure.selectors import Audience, released_results
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.kpis import selectors as kpis
from evidencehub.apps.kpis.models import StoredResult
from evidencehub.apps.kpis.presenters import STATUS_TEXT
from evidencehub.apps.operations.selectors import records
from evidencehub.core.charts import Chart, ChartTable
from evidencehub.core.charts.specs import (
    Bar,
    bar_chart,
    interval_text,
    number,
    parts_chart,
    trend_chart,
)
from evidencehub.core.disclosure import ReleasedResult
from evidencehub.core.kpis.definitions import Catalogue, KpiDefinition, load_catalogue
from evidencehub.core.kpis.results import BREAKDOWNS, KpiResult, Period
from evidencehub.core.kpis.scorecard import LABELS, classify, units_compatible

DASHBOARD_METHOD = ("evidencehub.reports.dashboard", "1")
SECTION_IDS = (
    "scorecard",
    "reach",
    "trends",
    "outcomes",
    "harm",
    "cost",
    "staff",
    "readability",
    "evidence",
    "data_quality",
)
TITLES = {
    "scorecard": gettext_lazy("Scorecard: targets of the evaluation plan"),
    "reach": gettext_lazy("Reach and engagement"),
    "trends": gettext_lazy("Trends over periods"),
    "outcomes": gettext_lazy("Outcomes"),
    "harm": gettext_lazy("Harm indicators"),
    "cost": gettext_lazy("Cost per outcome"),
    "staff": gettext_lazy("Staff support"),
    "readability": gettext_lazy("Readability of materials"),
    "evidence": gettext_lazy("Evidence level and what is missing"),
    "data_quality": gettext_lazy("Data quality"),
}
DOMAINS_OF = {
    "reach": ("reach", "engagement"),
    "outcomes": ("wellbeing", "behaviour", "motivation"),
    "harm": ("harm",),
    "cost": ("cost",),
    "staff": ("staff",),
    "readability": ("accessibility",),
    "data_quality": ("data_quality",),
}
# Feedback response rate belongs with the other response rates.
EXTRA_KPIS = {"data_quality": ("E10",)}
CLASS_LABELS = {
    "recovered": gettext_lazy("Recovered (reliable and clinically significant)"),
    "improved": gettext_lazy("Reliably improved"),
    "unchanged": gettext_lazy("No reliable change"),
    "deteriorated": gettext_lazy("Reliably deteriorated"),
}
BREAKDOWN_LABELS = {
    "channel": gettext_lazy("channel"),
    "locale": gettext_lazy("language"),
}
MAX_TRENDS = 6
MAX_CHARTS = 4
WITHHELD_FOR_SAFETY = gettext_lazy(
    "Withheld so that another withheld figure cannot be worked out."
)


class DashboardError(ValueError):
    """A bad filter; ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(message)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    charts: list[Chart] = field(default_factory=list)
    figures: list[ReleasedResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tables: list[ChartTable] = field(default_factory=list)


@dataclass(frozen=True)
class Dashboard:
    initiative: Initiative
    period: Period
    audience: Audience
    breakdown: str
    sections: list[Section]

    @property
    def internal(self) -> bool:
        """Internal views show unprotected figures and must say so."""
        return self.audience is Audience.INTERNAL

    @property
    def method(self) -> str:
        return f"{DASHBOARD_METHOD[0]} v{DASHBOARD_METHOD[1]}"

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass
class _Data:
    """Everything the sections read, fetched once and already released."""

    initiative: Initiative
    period: Period
    audience: Audience
    breakdown: str
    catalogue: Catalogue
    totals: dict[str, ReleasedResult]
    groups: dict[str, list[ReleasedResult]]
    # unreleased totals: read only to build further cells that are then
    # released themselves (the release drops ``details``)
    raw: dict[str, KpiResult] = field(default_factory=dict)

    def kpi(self, kpi_id: str) -> KpiDefinition | None:
        return self.catalogue.get(kpi_id)

    def label(self, kpi_id: str) -> str:
        k = self.kpi(kpi_id)
        # names are English in core; shown in the reader's language
        return f"{_(k.name)} ({kpi_id})" if k else kpi_id


def dashboard(
    *,
    initiative: Initiative,
    period: Period,
    audience: Audience,
    breakdown: str = "",
) -> Dashboard:
    """All sections for ``initiative`` and ``period`` as ``audience`` may see
    them, in the order of ``SECTION_IDS``. ``breakdown`` (``""``, ``channel``
    or ``locale``) adds the stored breakdown cells to the charts.

    Raises:
        DashboardError: ``breakdown`` is not one the engine computes.
    """
    if breakdown not in ("", *BREAKDOWNS):
        raise DashboardError(
            "breakdown",
            f"Choose a breakdown from: {', '.join(BREAKDOWNS)} (or none).",
        )
    data = _load(initiative, period, audience, breakdown)
    sections = [
        _scorecard(data),
        _domain_section(data, "reach", funnel=_funnel(data)),
        _trends(data),
        _outcomes(data),
        _domain_section(data, "harm"),
        _domain_section(data, "cost"),
        _domain_section(data, "staff"),
        _readability(data),
        _evidence(data),
        _domain_section(data, "data_quality"),
    ]
    return Dashboard(initiative, period, audience, breakdown, sections)


def _load(
    initiative: Initiative, period: Period, audience: Audience, breakdown: str
) -> _Data:
    rows = kpis.stored(initiative=initiative, period=period, with_groups=True)
    totals_raw = [r for r in rows if not r.breakdown]
    released = released_results(
        results=[
            *totals_raw,
            *(r for r in rows if breakdown and r.breakdown == breakdown),
        ],
        audience=audience,
    )
    # the module funnel is released on its own, so that secondary suppression
    # weighs module cells against their total and not against channel cells
    funnel = [r for r in rows if r.breakdown == "module"]
    if funnel:
        released += released_results(
            results=[*(r for r in totals_raw if r.kpi_id == funnel[0].kpi_id), *funnel],
            audience=audience,
        )[-len(funnel) :]
    totals = {r.result.kpi_id: r for r in released if not r.result.breakdown}
    groups: dict[str, list[ReleasedResult]] = defaultdict(list)
    for r in released:
        if r.result.breakdown:
            groups[f"{r.result.kpi_id}:{r.result.breakdown}"].append(r)
    order = _module_order(initiative) if funnel else {}
    for key, cells in groups.items():
        if key.endswith(":module"):  # the programme's order, not the alphabet
            cells.sort(
                key=lambda r: (order.get(r.result.group, len(order)), r.result.group)
            )
        else:
            cells.sort(key=lambda r: r.result.group)
    raw = {r.kpi_id: r for r in totals_raw}
    return _Data(
        initiative,
        period,
        audience,
        breakdown,
        load_catalogue(),
        totals,
        dict(groups),
        raw,
    )


def _module_order(initiative: Initiative) -> dict[str, int]:
    """Position of each module key in the initiative's programme (the order
    set in its collection settings)."""
    keys = (
        CollectionSettings.objects.filter(
            initiative=initiative,
            initiative__organisation_id=initiative.organisation_id,
        )
        .values_list("modules", flat=True)
        .first()
    )
    return {str(k): i for i, k in enumerate(keys or [])}


def _why(r: ReleasedResult) -> str:
    if r.suppressed:
        return reason_text(r.reasons[0]) if r.reasons else _("Withheld.")
    return STATUS_TEXT.get(r.result.status, r.result.status).capitalize()


def _bar(r: ReleasedResult, label: str, group: str = "") -> Bar:
    res = r.result
    shown = not r.suppressed and res.has_value
    return Bar(
        label=label,
        value=res.value if shown else None,
        lower=res.lower if shown else None,
        upper=res.upper if shown else None,
        n=res.n if shown else None,
        group=group,
        note="" if shown else _why(r),
    )


def _kpis_of(data: _Data, section_id: str) -> list[str]:
    domains = DOMAINS_OF.get(section_id, ())
    extra = EXTRA_KPIS.get(section_id, ())
    return [
        k.id
        for k in data.catalogue.kpis
        if (k.domain in domains or k.id in extra) and k.id in data.totals
    ]


def _unit_charts(data: _Data, section_id: str, ids: Sequence[str]) -> list[Chart]:
    """One bar chart per unit (values of different units never share an
    axis); with a breakdown, each KPI's cells are the bars' groups."""
    by_unit: dict[str, list[Bar]] = defaultdict(list)
    for kid in ids:
        total = data.totals[kid]
        unit = total.result.unit
        cells = data.groups.get(f"{kid}:{data.breakdown}", []) if data.breakdown else []
        if cells:
            by_unit[unit] += [
                _bar(c, data.label(kid), c.result.group or "-") for c in cells
            ]
        else:
            by_unit[unit].append(
                _bar(total, data.label(kid), _("All") if cells else "")
            )
    charts = []
    for i, (unit, bars) in enumerate(by_unit.items()):
        if not any(b.value is not None for b in bars) or i >= MAX_CHARTS:
            continue
        title = f"{TITLES[section_id]} ({unit})" if unit else str(TITLES[section_id])
        charts.append(
            bar_chart(
                id=f"{section_id}-{i + 1}",
                title=title,
                description=_describe(bars, unit),
                bars=bars,
                unit=unit,
            )
        )
    return charts


def _describe(bars: Iterable[Bar], unit: str, kind: str = "") -> str:
    """A sentence a screen reader can read in place of the chart."""
    no_data = _("no data")
    parts = [
        f"{b.label}{' ' + b.group if b.group else ''}: "
        f"{number(b.value, unit) if b.value is not None else b.note or no_data}"
        for b in bars
    ]
    return (kind or _("Bar chart.")) + " " + "; ".join(parts) + "."


def _common_notes(data: _Data, figures: Sequence[ReleasedResult]) -> list[str]:
    notes = []
    withheld = sum(1 for f in figures if f.suppressed)
    if withheld:
        notes.append(
            ngettext(
                "%(n)d figure withheld to protect the people behind small numbers.",
                "%(n)d figures withheld to protect the people behind small numbers.",
                withheld,
            )
            % {"n": withheld}
        )
    if (
        data.breakdown
        and figures
        and not any(
            f"{f.result.kpi_id}:{data.breakdown}" in data.groups for f in figures
        )
    ):
        notes.append(
            _(
                "No figures by %(breakdown)s are stored for this period; compute "
                "them on the KPI page to see them here."
            )
            % {"breakdown": str(BREAKDOWN_LABELS.get(data.breakdown, data.breakdown))}
        )
    if not figures:
        notes.append(_("No figures for this period yet."))
    return notes


def _domain_section(
    data: _Data, section_id: str, funnel: Chart | None = None
) -> Section:
    ids = _kpis_of(data, section_id)
    figures = [data.totals[k] for k in ids]
    charts = ([funnel] if funnel else []) + _unit_charts(data, section_id, ids)
    return Section(
        section_id,
        str(TITLES[section_id]),
        charts,
        figures,
        _common_notes(data, figures),
    )


def _funnel(data: _Data) -> Chart | None:
    """The module funnel (E02 by module): share of starters reaching each
    module, in programme order."""
    cells = data.groups.get("E02:module", [])
    if not cells:
        return None
    bars = [_bar(c, c.result.group) for c in cells]
    if not any(b.value is not None for b in bars):
        return None
    return bar_chart(
        id="reach-funnel",
        title=_("Engagement funnel: share of starters reaching each module (%)"),
        description=_describe(bars, "%"),
        bars=bars,
        unit="%",
    )


def _scorecard(data: _Data) -> Section:
    card = kpis.scorecard(initiative=data.initiative, period=data.period)
    rows: list[tuple[str, ...]] = []
    figures: list[ReleasedResult] = []
    counts: dict[str, int] = defaultdict(int)
    for ln in card.lines:
        released = data.totals.get(ln.target.kpi_id)
        result = released.result if released else None
        if released is not None:
            figures.append(released)
        # the status an audience sees rests on the figure it may see
        status = classify(
            result if released is None or not released.suppressed else None,
            target=None
            if ln.target.target_value is None
            else float(ln.target.target_value),
            direction=ln.target.direction,
            min_n=ln.kpi.min_n if ln.kpi else 0,
            unit_ok=units_compatible(ln.target.unit, ln.kpi.unit) if ln.kpi else True,
        )
        counts[LABELS[status]] += 1
        target = (
            ""
            if ln.target.target_value is None
            else f"{ln.target.get_direction_display()} "  # type: ignore[attr-defined]
            f"{number(float(ln.target.target_value), ln.target.unit)}"
        )
        bar = _bar(released, "") if released else Bar("", None, note=_("Not computed"))
        rows.append(
            (
                data.label(ln.target.kpi_id),
                target,
                number(bar.value, result.unit if result else "") or bar.note,
                interval_text(bar, result.unit if result else ""),
                LABELS[status],
            )
        )
    charts = []
    if counts:
        bars = [Bar(label, float(n)) for label, n in counts.items()]
        charts.append(
            bar_chart(
                id="scorecard-status",
                title=_("Targets by status (number of KPIs)"),
                description=_describe(bars, _("KPIs")),
                bars=bars,
                unit="KPIs",
            )
        )
    notes = [card.warning.message] if card.warning else []
    notes += _common_notes(data, figures) if figures else []
    table = ChartTable(
        _("Each target of the plan"),
        (_("KPI"), _("Target"), _("Value"), _("95% interval"), _("Status")),
        tuple(rows),
    )
    return Section(
        "scorecard",
        str(TITLES["scorecard"]),
        charts,
        figures,
        notes,
        [table] if rows else [],
    )


def _history(data: _Data, kpi_ids: Sequence[str]) -> list[KpiResult]:
    """Stored totals of this and earlier periods of the same kind; for a year
    with no earlier year stored, its quarters instead (a first year of data
    still shows how it went)."""
    rows = StoredResult.objects.filter(
        organisation_id=data.initiative.organisation_id,
        initiative=data.initiative,
        kpi_id__in=kpi_ids,
        breakdown="",
    )
    same_kind = rows.filter(
        period_kind=data.period.kind, period_end__lte=data.period.end
    )
    if data.period.kind == "year" and (
        same_kind.values("period_start").distinct().count() < 2
    ):
        same_kind = rows.filter(
            period_kind="quarter",
            period_start__gte=data.period.start,
            period_end__lte=data.period.end,
        )
    return [kpis.to_result(r) for r in same_kind.order_by("period_start", "kpi_id")]


def _trends(data: _Data) -> Section:
    """Stored totals of earlier periods of the same kind (or the quarters of
    a first year), for the KPIs with a value now (outcomes first), at most
    ``MAX_TRENDS`` of them."""
    now = [
        k
        for k, r in data.totals.items()
        if r.result.has_value and not r.suppressed and data.kpi(k) is not None
    ]
    now.sort(key=lambda k: (not data.catalogue[k].is_outcome, k))
    ids = now[:MAX_TRENDS]
    history = released_results(results=_history(data, ids), audience=data.audience)
    by_unit: dict[str, list[Bar]] = defaultdict(list)
    for r in history:
        by_unit[r.result.unit].append(
            _bar(r, r.result.period.label, data.label(r.result.kpi_id))
        )
    # a trend needs two periods: a measure with one point is left out
    points: dict[str, int] = defaultdict(int)
    for bars in by_unit.values():
        for b in bars:
            points[b.group] += b.value is not None
    by_unit = {
        unit: kept
        for unit, bars in by_unit.items()
        if (kept := [b for b in bars if points[b.group] >= 2])
    }
    charts = [
        trend_chart(
            id=f"trends-{i + 1}",
            title=_("Trends (%(unit)s)") % {"unit": unit} if unit else _("Trends"),
            description=_describe(bars, unit, kind=_("Line chart.")),
            bars=bars,
            unit=unit,
        )
        for i, (unit, bars) in enumerate(by_unit.items())
        if i < MAX_CHARTS
    ]
    notes = []
    if not charts:
        notes.append(
            _(
                "Fewer than two periods with figures are stored, so there is no "
                "trend to show yet. Compute earlier periods on the KPI page."
            )
        )
    return Section("trends", str(TITLES["trends"]), charts, history, notes)


def _classes(data: _Data) -> tuple[list[ReleasedResult], str] | None:
    """The reliable-change classes (Jacobson & Truax, 1991) of the first
    outcome KPI that has them, each class count released as its own cell."""
    for kid in ("W06", "W09", "W02"):
        total = data.raw.get(kid)
        if total is None or not total.has_value:
            continue
        classes = total.details.get("classes") or {}
        if not isinstance(classes, dict) or not sum(classes.values()):
            continue
        cells = [
            replace(
                total,
                breakdown="reliable_change",
                group=name,
                value=float(classes.get(name, 0)),
                n=int(classes.get(name, 0)),
                numerator=None,
                denominator=None,
                lower=None,
                upper=None,
                unit="people",
                details={"figure": "count"},
            )
            for name in CLASS_LABELS
        ]
        released = released_results(results=cells, audience=data.audience)
        return _secondary(released), kid
    return None


def _secondary(cells: list[ReleasedResult]) -> list[ReleasedResult]:
    """When exactly one class is withheld, also withhold the smallest shown
    one: otherwise the total would give the withheld one away (secondary
    suppression, Hundepool et al. 2012, ch. 5)."""
    hidden = [c for c in cells if c.suppressed]
    shown = [c for c in cells if not c.suppressed and c.result.n > 0]
    if len(hidden) != 1 or not shown:
        return cells
    smallest = min(shown, key=lambda c: c.result.n)
    blank = replace(smallest.result, value=None, n=0, details={})
    return [
        replace(c, result=blank, suppressed=True, reasons=(str(WITHHELD_FOR_SAFETY),))
        if c is smallest
        else c
        for c in cells
    ]


def _outcomes(data: _Data) -> Section:
    section = _domain_section(data, "outcomes")
    found = _classes(data)
    if found is None:
        return section
    cells, kid = found
    parts = [_bar(c, str(CLASS_LABELS[c.result.group])) for c in cells]
    chart = parts_chart(
        id="outcomes-reliable-change",
        title=_("Reliable change classification (%(kpi)s)") % {"kpi": data.label(kid)},
        description=_("Stacked bar.")
        + " "
        + "; ".join(f"{p.label}: {number(p.value) or p.note}" for p in parts)
        + ".",
        parts=parts,
        unit=_("People"),
    )
    note = _(
        "Reliable change follows Jacobson and Truax (1991): a change larger than "
        "the measure's own error is counted as reliable."
    )
    figures = [*section.figures, *cells]
    return replace(
        section,
        charts=[*section.charts, chart],
        figures=figures,
        notes=[*_common_notes(data, figures), note],
    )


def _readability(data: _Data) -> Section:
    section = _domain_section(data, "readability")
    materials = list(
        records(kind="material", initiative=data.initiative).values_list(
            "title", "language", "score", "target", "method", "meets_target"
        )
    )
    if not materials:
        return replace(
            section, notes=[*section.notes, _("No materials have been scored yet.")]
        )
    by_method: dict[str, list[Bar]] = defaultdict(list)
    rows = []
    not_scored = _("Not scored yet")
    answer = {True: _("Yes"), False: _("No"), None: ""}
    for title, lang, score, target, method, meets in materials:
        label = f"{title} ({lang})"
        value = None if score is None else float(score)
        by_method[method or _("not scored")].append(
            Bar(label, value, note="" if value is not None else not_scored)
        )
        rows.append(
            (
                label,
                method or _("not scored"),
                number(value) or not_scored,
                number(None if target is None else float(target)),
                answer[meets],
            )
        )
    charts = [
        bar_chart(
            id=f"readability-materials-{i + 1}",
            title=_("Readability score by material (%(method)s)") % {"method": method},
            description=_describe(bars, "points"),
            bars=bars,
            unit="points",
        )
        for i, (method, bars) in enumerate(by_method.items())
        if any(b.value is not None for b in bars) and i < MAX_CHARTS
    ]
    table = ChartTable(
        _("Materials and their readability"),
        (_("Material"), _("Formula"), _("Score"), _("Target"), _("Meets target")),
        tuple(rows),
    )
    return replace(
        section,
        charts=[*section.charts, *charts],
        tables=[*section.tables, table],
    )


def _evidence(data: _Data) -> Section:
    e = kpis.evidence(initiative=data.initiative, period=data.period)
    reached = float(e.sms or 0)
    ceiling = None if e.ceiling is None or e.ceiling.sms is None else e.ceiling.sms
    bars = [
        Bar(_("Reached now"), reached),
        Bar(
            _("Highest the plan's design allows"),
            None if ceiling is None else float(ceiling),
            note=_("Not rated"),
        ),
    ]
    chart = bar_chart(
        id="evidence-level",
        title=_("Maryland Scientific Methods Scale level (0 = description only)"),
        description=_describe(bars, ""),
        bars=bars,
        unit="level",
    )
    notes = [
        _("EIF evidence level reached: %(level)s.") % {"level": e.eif.value}
        + f" {e.reason}",
        *[_("Missing: %(item)s") % {"item": m} for m in e.missing],
    ]
    s04 = data.totals.get("S04")
    return Section(
        "evidence",
        str(TITLES["evidence"]),
        [chart],
        [s04] if s04 else [],
        notes,
    )


def figure_rows(
    section: Section, catalogue: Catalogue | None = None
) -> list[dict[str, Any]]:
    """The section's figures for display: ``kpi_id``, ``name``, ``group``,
    ``value`` (text), ``interval``, ``n``, ``withheld`` (bool), ``note`` and
    ``provenance`` (KPI id and version, methods, period, n)."""
    cat = catalogue or load_catalogue()
    out = []
    for f in section.figures:
        r = f.result
        kpi = cat.get(r.kpi_id)
        shown = not f.suppressed and r.has_value
        group = (
            r.period.label
            if section.id == "trends"
            else str(CLASS_LABELS.get(r.group, r.group))
        )
        out.append(
            {
                "kpi_id": r.kpi_id,
                "name": _(kpi.name) if kpi else r.kpi_id,
                "group": group,
                "value": number(r.value, r.unit) if shown else "",
                "interval": interval_text(_bar(f, ""), r.unit) if shown else "",
                "n": r.n if shown else None,
                "withheld": f.suppressed,
                "note": "" if shown else _why(f),
                "provenance": "; ".join(
                    [
                        f"{r.kpi_id} v{r.kpi_version}",
                        *(str(m) for m in (*r.methods, *f.methods)),
                        r.period.label,
                        *([f"n={r.n}"] if shown else []),
                    ]
                ),
            }
        )
    return out
