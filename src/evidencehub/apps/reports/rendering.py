"""Rendering of the evaluation report (HTML and PDF).

Contract (share links and background jobs rely on it)::

    render_report(*, initiative, period, audience, language="en", fmt="html",
                  progress=None) -> bytes

``audience`` is ``evidencehub.apps.disclosure.selectors.Audience``: an
``OUTSIDE`` report shows only figures that passed the release pipeline (and no
count under the threshold anywhere, prose included); an ``INTERNAL`` report
says "Internal - not for sharing" on every page.
``fmt`` is ``"html"`` (a self-contained page) or ``"pdf"`` (A4, WeasyPrint).
``progress`` is an optional callable ``(done: int, total: int, step: str)``.

A consortium report (``render_consortium_report``) compares the initiatives of
one intervention type across a consortium's organisations from released
(protected) figures only, whoever asks for it.

Raises:
    ReportError: unknown ``fmt`` or ``language``, or an intervention type that
        does not exist (message names the parameter).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from evidencehub.apps.accounts.models import Consortium
from evidencehub.apps.collect.models import AggregateFigure
from evidencehub.apps.disclosure.presenters import reason_text
from evidencehub.apps.disclosure.selectors import (
    Audience,
    release_policy,
    released_results,
)
from evidencehub.apps.initiatives.models import (
    DeliveryMode,
    EvaluationPlan,
    Initiative,
    InterventionType,
    KpiTarget,
    LogicModel,
    PreventionLevel,
    TargetGroup,
)
from evidencehub.apps.initiatives.selectors import logic_model_diagram
from evidencehub.apps.kpis import selectors as kpi_selectors
from evidencehub.apps.kpis.presenters import STATUS_TEXT
from evidencehub.apps.operations.selectors import alignment_matrix
from evidencehub.apps.reports.selectors import dashboard
from evidencehub.core.charts import VEGA_LITE_SCHEMA, Chart, ChartTable, render_svg
from evidencehub.core.disclosure import ReleasedResult
from evidencehub.core.kpis.definitions import DOMAINS, KpiDefinition, load_catalogue
from evidencehub.core.kpis.evidence import EVIDENCE_METHOD, EvidenceReached
from evidencehub.core.kpis.results import Period

Progress = Callable[[int, int, str], None]
FORMATS = ("html", "pdf")
REPORT_METHOD = ("evidencehub.reports.evaluation_report", "1")
CONSORTIUM_METHOD = ("evidencehub.reports.consortium_report", "1")
PUBLISHED_SOURCE = "published"
CSS_PATH = Path(__file__).parent / "static" / "reports" / "report.css"
_STEPS = 4


class ReportError(ValueError):
    """A report cannot be made from these parameters; ``field`` names the
    parameter and ``str()`` starts with it (``"fmt: ..."``)."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")


# -- small helpers ---------------------------------------------------------------


def _check(fmt: str, language: str) -> None:
    if fmt not in FORMATS:
        raise ReportError("fmt", f"must be one of {', '.join(FORMATS)}, not {fmt!r}")
    languages = {code for code, _name in settings.LANGUAGES}
    if language not in languages:
        raise ReportError(
            "language",
            f"must be one of {', '.join(sorted(languages))}, not {language!r}",
        )


def _tick(progress: Progress | None, done: int, total: int, step: str) -> None:
    if progress is not None:
        progress(done, total, step)


def _num(value: float | None, digits: int = 1) -> str:
    """A number in the report language's format (``2,204.5`` / ``2.204,5``);
    whole numbers without decimals."""
    if value is None:
        return "—"
    places = 0 if abs(value) >= 1e6 or float(value).is_integer() else digits
    return formats.number_format(
        round(value, places), decimal_pos=places, use_l10n=True, force_grouping=True
    )


def protect_text(text: str, threshold: int) -> str:
    """Counts under ``threshold`` inside prose (``"3 of the 30 needed"``,
    ``"4 contacts with ..."``) become ``"fewer than <threshold>"``, so that an
    outside report carries no small cell in its sentences either."""

    def small(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if 0 < n < threshold:
            return _("fewer than %(t)d") % {"t": threshold} + match.group(2)
        return match.group(0)

    text = re.sub(r"\b(\d+)( of the \d+ needed)", small, text)
    return re.sub(r"^(\d+)( (?:contacts|linked|people|pairs))", small, text)


def words(text: str) -> str:
    """The report language's words for the fixed English labels other
    modules hand over (scorecard status and trend, result status, alignment
    status); unknown text is returned as it is."""
    table = {
        "Met": _("Met"),
        "Not met": _("Not met"),
        "Inconclusive": _("Inconclusive"),
        "Insufficient data": _("Insufficient data"),
        "No target set": _("No target set"),
        "Target unit differs from the KPI's unit": _(
            "Target unit differs from the KPI's unit"
        ),
        "improving": _("improving"),
        "worsening": _("worsening"),
        "stable": _("stable"),
        "up": _("up"),
        "down": _("down"),
        "computed": _("computed"),
        "no data for this period": _("no data for this period"),
        "inputs not available yet": _("inputs not available yet"),
        "not computed by the engine yet": _("not computed by the engine yet"),
        "KPI has a target": _("KPI has a target"),
        "KPI without target": _("KPI without target"),
        "no KPI": _("no KPI"),
    }
    return table.get(text, text)


@dataclass(frozen=True)
class Row:
    """One KPI line of a table, ready to print."""

    kpi_id: str
    kpi_version: str
    name: str
    domain: str
    level: str
    value: str
    interval: str
    n: str
    unit: str
    methods: str
    source: str
    period: str
    status: str
    withheld: bool
    reasons: tuple[str, ...]
    notes: str
    raw: float | None = None
    count: int | None = None


def _row(rel: ReleasedResult, kpi: KpiDefinition | None) -> Row:
    r = rel.result
    methods = "; ".join(str(m) for m in (*r.methods, *rel.methods))
    value = _num(r.value) if r.has_value else words(STATUS_TEXT.get(r.status, r.status))
    if rel.suppressed:
        value = _("withheld")
    interval = (
        _("%(lower)s to %(upper)s") % {"lower": _num(r.lower), "upper": _num(r.upper)}
        if r.lower is not None and r.upper is not None and not rel.suppressed
        else ""
    )
    return Row(
        kpi_id=r.kpi_id,
        kpi_version=r.kpi_version,
        name=_(kpi.name) if kpi else r.kpi_id,
        domain=DOMAINS.get(kpi.domain, "") if kpi else "",
        level=kpi.level if kpi else "",
        value=value,
        interval=interval,
        n=_("withheld") if rel.suppressed else _num(r.n),
        unit=r.unit,
        methods=methods,
        source=r.source or "—",
        period=r.period.label,
        status=r.status,
        withheld=rel.suppressed,
        reasons=tuple(reason_text(x) for x in rel.reasons),
        notes=r.notes,
        raw=None if rel.suppressed else r.value,
        count=None if rel.suppressed else r.n,
    )


# -- charts ----------------------------------------------------------------------


def _interval_chart(rows: Sequence[tuple[Row, ReleasedResult]]) -> Chart | None:
    """Proportions (unit ``%``) with their 95% intervals, one bar per KPI."""
    values = [
        {
            "kpi": f"{row.kpi_id} {row.name}",
            "value": round(rel.result.value or 0.0, 1),
            "lower": round(rel.result.lower or 0.0, 1),
            "upper": round(rel.result.upper or 0.0, 1),
        }
        for row, rel in rows
        if rel.result.unit == "%" and rel.result.has_value and not rel.suppressed
    ]
    if not values:
        return None
    title = _("Proportions with 95% CI")
    axis = {"labelLimit": 260, "title": None}
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "description": title,
        "width": 360,
        "data": {"values": values},
        "encoding": {"y": {"field": "kpi", "type": "nominal", "axis": axis}},
        "layer": [
            {
                "mark": {"type": "bar", "color": "#4f7cac"},
                "encoding": {
                    "x": {
                        "field": "value",
                        "type": "quantitative",
                        "scale": {"domain": [0, 100]},
                        "title": "%",
                    }
                },
            },
            {
                "mark": {"type": "rule", "color": "#1b2a3a"},
                "encoding": {
                    "x": {"field": "lower", "type": "quantitative"},
                    "x2": {"field": "upper"},
                },
            },
        ],
    }
    table = ChartTable(
        caption=title,
        columns=(_("KPI"), _("Value (%)"), _("95% CI")),
        rows=tuple(
            (
                str(v["kpi"]),
                f"{v['value']:.1f}",
                _("%(lower)s to %(upper)s")
                % {"lower": f"{v['lower']:.1f}", "upper": f"{v['upper']:.1f}"},
            )
            for v in values
        ),
    )
    return Chart("proportions", title, title, spec, table)


def _dashboard_charts(
    initiative: Initiative, period: Period, audience: Audience
) -> list[tuple[str, list[Chart]]]:
    """The dashboard's charts by section title (``reports.selectors``): the
    report draws the same Vega-Lite specs the pages draw."""
    board = dashboard(initiative=initiative, period=period, audience=audience)
    return [(s.title, list(s.charts)) for s in board.sections if s.charts]


@dataclass(frozen=True)
class DrawnChart:
    """A chart with its SVG as a ``data:`` URI: as an image the SVG is laid
    out once, not parsed and styled as part of the page, which halves the
    PDF time of a report with a dozen charts (``bench/report.py``)."""

    chart: Chart
    uri: str


# The font the PDF draws text in: vl-convert measures labels with the same
# font, so right-aligned axis labels are not cut at the chart's left edge.
PDF_FONT = "DejaVu Sans"


def _svg_uri(spec: Mapping[str, Any]) -> str:
    config = {**dict(spec.get("config") or {}), "font": PDF_FONT}
    svg = render_svg({**spec, "config": config, "padding": 8})
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _draw(charts: Iterable[Chart]) -> list[DrawnChart]:
    return [DrawnChart(c, _svg_uri(c.spec)) for c in charts]


# -- the evaluation report -----------------------------------------------------


@dataclass
class ReportData:
    initiative: Initiative
    period: Period
    audience: Audience
    rows: list[Row]
    charts: list[tuple[str, list[Chart]]]
    summary: list[str]
    limitations: list[str]
    evidence: EvidenceReached
    scorecard_lines: list[dict[str, str]]
    warning: str
    questions: list[dict[str, Any]]
    plan: EvaluationPlan | None
    logic_svg: str
    matrix: list[Any]
    definitions: list[KpiDefinition]
    published_sources: list[str]
    withheld: list[Row] = field(default_factory=list)
    threshold: int = 10


def _label(choices: Any, value: str, *, inline: bool = False) -> str:
    """The translated label of a choice; ``inline`` lower-cases it for use
    inside an English sentence (German nouns keep their capitals)."""
    try:
        text = str(choices(value).label)
    except ValueError:
        return value
    return text.lower() if inline and translation.get_language() == "en" else text


def _what_was_done(initiative: Initiative, period: Period) -> str:
    groups = ", ".join(
        _label(TargetGroup, g, inline=True) for g in initiative.target_groups or []
    )
    return _(
        "%(name)s is a %(type)s service (%(level)s prevention, %(mode)s) in "
        "%(countries)s. This report covers %(period)s (%(start)s to %(end)s)."
    ) % {
        "name": initiative.name,
        "type": _label(InterventionType, initiative.intervention_type, inline=True),
        "level": _label(PreventionLevel, initiative.prevention_level, inline=True),
        "mode": _label(DeliveryMode, initiative.delivery_mode, inline=True),
        "countries": ", ".join(initiative.countries or []) or "—",
        "period": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    } + (" " + _("It is for: %(groups)s.") % {"groups": groups} if groups else "")


def _figure_sentence(row: Row) -> str:
    ci = (
        _(" (95%% CI %(interval)s)") % {"interval": row.interval}
        if row.interval
        else ""
    )
    return _("%(name)s: %(value)s %(unit)s%(ci)s, n = %(n)s.") % {
        "name": row.name,
        "value": row.value,
        "unit": row.unit,
        "ci": ci,
        "n": row.n,
    }


def _summary(
    initiative: Initiative,
    period: Period,
    rows: list[Row],
    warning: str,
    ev: EvidenceReached,
) -> list[str]:
    """Plain-language summary: what was done, for whom, what the figures say
    (outcomes before counts, issue 5 "counting is not benefit") and how sure
    we are."""
    out = [_what_was_done(initiative, period)]
    shown = [r for r in rows if r.status == "ok" and not r.withheld]
    outcomes = [r for r in shown if r.level in ("outcome", "impact")]
    # Reach and engagement first among the rest: they say who was served.
    order = list(DOMAINS.values())
    others = sorted(
        (r for r in shown if r.level not in ("outcome", "impact")),
        key=lambda r: order.index(r.domain) if r.domain in order else len(order),
    )
    if warning:
        out.append(warning)
    if outcomes:
        out.append(
            _("What changed for the people served: ")
            + " ".join(_figure_sentence(r) for r in outcomes[:4])
        )
    else:
        out.append(
            _(
                "No outcome was measured for this period, so this report cannot "
                "say whether the service helped the people who used it."
            )
        )
    if others:
        out.append(
            _("How the service was used and delivered: ")
            + " ".join(_figure_sentence(r) for r in others[:4])
        )
    out.append(_how_sure(ev))
    return out


def _how_sure(ev: EvidenceReached) -> str:
    sms = ev.sms if ev.sms is not None else _("not rated")
    return _(
        "How sure we are: the evidence reached is EIF level %(eif)s (Maryland "
        "scale: %(sms)s). %(reason)s"
    ) % {"eif": ev.eif.value, "sms": sms, "reason": ev.reason}


def _limitations(
    data: ReportData, designs: list[str], releases: list[ReleasedResult]
) -> list[str]:
    """Methods and limitations written from the data: design, ceiling and
    level reached, pairing and response rates, suppression and noise."""
    ev = data.evidence
    out = [
        _("Designs in the evaluation plan: %(d)s.")
        % {"d": ", ".join(designs) or _("none yet")}
    ]
    if ev.ceiling is not None:
        out.append(
            _(
                "The strongest design can reach at most EIF level %(eif)s "
                "(Maryland scale %(sms)s): %(cond)s"
            )
            % {
                "eif": ev.ceiling.eif or "?",
                "sms": ev.ceiling.sms or "—",
                "cond": ev.ceiling.condition,
            }
        )
    out.append(_("Evidence reached now: EIF level %(e)s.") % {"e": ev.eif.value})
    out += [_("Missing for the next level: %(m)s") % {"m": m} for m in ev.missing]
    out += _quality_lines(data.rows)
    suppressed = [r for r in releases if r.suppressed]
    if data.audience is Audience.OUTSIDE:
        out.append(
            _(
                "Figures resting on fewer than %(t)d people or contacts are "
                "withheld (%(k)d in this report)."
            )
            % {"t": data.threshold, "k": len(suppressed)}
        )
        applied = sorted({m.id for r in releases for m in r.methods})
        if applied:
            out.append(
                _("Disclosure methods applied: %(m)s.") % {"m": ", ".join(applied)}
            )
    else:
        out.append(
            _(
                "This is an internal report: figures are shown as computed, "
                "without suppression or noise. Do not share it outside the "
                "organisation."
            )
        )
    return out


# Pairing, response and follow-up rates (catalogue ids): what the methods
# section reports on, whether or not the plan has targets for them.
QUALITY_KPIS = {
    "D01": "response",
    "D02": "pairing",
    "D04": "follow-up",
    "E10": "response",
}


def _quality_lines(rows: list[Row]) -> list[str]:
    quality = [
        r
        for r in rows
        if (r.kpi_id in QUALITY_KPIS or r.domain == DOMAINS["data_quality"])
        and r.status == "ok"
        and not r.withheld
    ]
    lines = [
        _("Data quality, %(name)s (%(id)s): %(value)s %(unit)s (n = %(n)s).")
        % {"name": r.name, "id": r.kpi_id, "value": r.value, "unit": r.unit, "n": r.n}
        for r in quality
    ]
    shown = {r.kpi_id for r in quality}
    absent = sorted(k for k in QUALITY_KPIS if k not in shown)
    if absent:
        lines.append(
            _(
                "Not available for this period: pairing, response or follow-up "
                "rates %(ids)s. Without them, the figures cannot be checked for "
                "missing answers or for who dropped out."
            )
            % {"ids": ", ".join(absent)}
        )
    not_ok = [r.kpi_id for r in rows if r.status != "ok"]
    if not_ok:
        lines.append(
            _("KPIs without a figure for this period: %(k)s.")
            % {"k": ", ".join(not_ok)}
        )
    return lines


def _published_sources(initiative: Initiative, period: Period) -> list[str]:
    """Citations of the services' own published figures the report uses."""
    notes = (
        AggregateFigure.objects.filter(
            initiative=initiative,
            source_system=PUBLISHED_SOURCE,
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
        .order_by("note")
        .values_list("note", flat=True)
        .distinct()
    )
    return [n for n in notes if n]


def _plan(initiative: Initiative) -> tuple[EvaluationPlan | None, list[dict[str, Any]]]:
    plan = EvaluationPlan.objects.filter(initiative=initiative).first()
    if plan is None:
        return None, []
    questions = []
    for q in plan.questions.all().order_by("position", "id"):
        targets: list[KpiTarget] = list(q.kpi_targets.all())
        questions.append(
            {
                "text": q.text,
                "design": q.get_design_display(),
                "notes": q.design_notes,
                "targets": [
                    {
                        "kpi_id": t.kpi_id,
                        "direction": t.get_direction_display(),
                        "value": ""
                        if t.target_value is None
                        else _num(float(t.target_value)),
                        "unit": t.unit,
                    }
                    for t in targets
                ],
            }
        )
    return plan, questions


def _logic_svg(initiative: Initiative) -> str:
    model = LogicModel.objects.filter(initiative=initiative).first()
    if model is None:
        return ""
    if model.as_core().is_empty():
        return ""
    return logic_model_diagram(model)


def _scorecard_lines(
    initiative: Initiative, period: Period, withheld: set[str]
) -> tuple[list[dict[str, str]], str]:
    card = kpi_selectors.scorecard(initiative=initiative, period=period)
    lines = []
    for ln in card.lines:
        hidden = ln.target.kpi_id in withheld
        target = ln.target.target_value
        lines.append(
            {
                "kpi_id": ln.target.kpi_id,
                "name": _(ln.kpi.name) if ln.kpi else ln.target.kpi_id,
                "target": f"{ln.target.get_direction_display()} "
                + ("" if target is None else _num(float(target))),
                "status": _("withheld") if hidden else words(ln.status_label),
                "trend": "" if hidden else words(ln.trend),
            }
        )
    return lines, card.warning.message if card.warning else ""


def collect(
    *, initiative: Initiative, period: Period, audience: Audience
) -> ReportData:
    """Everything the report prints, with the release pipeline applied for
    ``audience``."""
    cat = load_catalogue()
    results = kpi_selectors.stored(initiative=initiative, period=period)
    results.sort(key=lambda r: r.kpi_id)
    releases = released_results(results=results, audience=audience)
    rows = [_row(rel, cat.get(rel.result.kpi_id)) for rel in releases]
    threshold = release_policy().threshold
    ev = kpi_selectors.evidence(initiative=initiative, period=period)
    if audience is Audience.OUTSIDE:
        ev = _protected_evidence(ev, threshold)
    withheld = {r.kpi_id for r in rows if r.withheld}
    lines, warning = _scorecard_lines(initiative, period, withheld)
    plan, questions = _plan(initiative)
    data = ReportData(
        initiative=initiative,
        period=period,
        audience=audience,
        rows=rows,
        charts=[],
        summary=[],
        limitations=[],
        evidence=ev,
        scorecard_lines=lines,
        warning=warning,
        questions=questions,
        plan=plan,
        logic_svg=_logic_svg(initiative),
        matrix=[
            {
                "goal": m.goal,
                "outcome": m.outcome,
                "kpi_id": m.kpi_id,
                "status_text": words(m.status),
            }
            for m in alignment_matrix(initiative=initiative)
        ],
        definitions=[k for k in (cat.get(r.kpi_id) for r in rows) if k is not None],
        published_sources=_published_sources(initiative, period),
        withheld=[r for r in rows if r.withheld],
        threshold=threshold,
    )
    designs = sorted({q["design"] for q in questions})
    data.summary = _summary(initiative, period, rows, warning, ev)
    data.limitations = _limitations(data, designs, releases)
    data.charts = _dashboard_charts(initiative, period, audience)
    overview = _interval_chart(list(zip(rows, releases, strict=True)))
    if not data.charts and overview is not None:
        # Each chart costs ~0.1 s of PDF time; the overview only stands in
        # when the dashboard has nothing to draw.
        data.charts = [(_("Overview"), [overview])]
    return data


def _protected_evidence(ev: EvidenceReached, threshold: int) -> EvidenceReached:
    return replace(
        ev,
        reason=protect_text(ev.reason, threshold),
        missing=tuple(protect_text(m, threshold) for m in ev.missing),
    )


def _css() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def _html(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, {**context, "css": _css()})


def html_to_pdf(html: str) -> bytes:
    """A4 tagged PDF of a self-contained page (WeasyPrint 70; no network:
    the page carries its CSS and charts inline, and only ``data:`` URIs are
    read)."""
    import weasyprint  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    # Only the charts' own data: URIs are read; nothing is fetched from anywhere.
    fetcher = URLFetcher(allowed_protocols=("data",))
    # Tagged PDF: headings, tables and reading order reach screen readers.
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return bytes(document.write_pdf(pdf_tags=True) or b"")


def render_report(
    *,
    initiative: Initiative,
    period: Period,
    audience: Audience,
    language: str = "en",
    fmt: str = "html",
    progress: Progress | None = None,
) -> bytes:
    """The evaluation report of one initiative and period as HTML or PDF bytes.

    Sections: cover, plain-language summary, initiative and logic model,
    evaluation plan, methods and limitations, KPI tables with provenance,
    charts (with their figures as tables), policy alignment matrix, appendix
    of definitions (see ``docs/reference/report-sections.md``).

    Raises:
        ReportError: ``fmt`` or ``language`` not supported.
    """
    _check(fmt, language)
    total = _STEPS if fmt == "pdf" else _STEPS - 1
    with translation.override(language):
        _tick(progress, 0, total, _("Collecting figures"))
        data = collect(initiative=initiative, period=period, audience=audience)
        _tick(progress, 1, total, _("Drawing charts"))
        drawn = [(title, _draw(charts)) for title, charts in data.charts]
        _tick(progress, 2, total, _("Laying out the report"))
        html = _html(
            "reports/report.html",
            {
                "d": data,
                "charts": drawn,
                "internal": audience is Audience.INTERNAL,
                "language": language,
                "generated": timezone.now().date(),
                "method": "{} v{}".format(*REPORT_METHOD),
                "evidence_method": "{} v{}".format(*EVIDENCE_METHOD),
            },
        )
        if fmt == "html":
            _tick(progress, 3, total, _("Done"))
            return html.encode("utf-8")
        _tick(progress, 3, total, _("Writing the PDF"))
        pdf = html_to_pdf(html)
        _tick(progress, 4, total, _("Done"))
        return pdf


# -- the consortium report ---------------------------------------------------------


@dataclass(frozen=True)
class ConsortiumColumn:
    initiative: Initiative
    cells: dict[str, Row]


def _consortium_columns(
    consortium: Consortium, intervention_type: str, period: Period
) -> list[ConsortiumColumn]:
    initiatives = Initiative.objects.filter(
        organisation__in=consortium.organisations.all(),
        intervention_type=intervention_type,
    ).order_by("organisation__name", "name")
    cat = load_catalogue()
    columns = []
    for ini in initiatives:
        results = kpi_selectors.stored(initiative=ini, period=period)
        releases = released_results(results=results, audience=Audience.OUTSIDE)
        cells = {
            rel.result.kpi_id: _row(rel, cat.get(rel.result.kpi_id)) for rel in releases
        }
        columns.append(ConsortiumColumn(ini, cells))
    return columns


def _comparison_rows(
    columns: list[ConsortiumColumn], intervention_type: str
) -> list[dict[str, Any]]:
    """One row per KPI of the type's core set (then any other KPI every
    initiative holds in the same version): values are comparable only when
    KPI id and version match."""
    cat = load_catalogue()
    ids = [k.id for k in cat.core_set(intervention_type)]
    seen = {kid for c in columns for kid in c.cells}
    ids += sorted(seen - set(ids))
    rows = []
    for kid in ids:
        kpi = cat.get(kid)
        cells = [c.cells.get(kid) for c in columns]
        versions = {c.kpi_version for c in cells if c is not None}
        if not any(cells):
            continue
        rows.append(
            {
                "kpi_id": kid,
                "name": _(kpi.name) if kpi else kid,
                "unit": kpi.unit if kpi else "",
                "cells": cells,
                "comparable": len(versions) <= 1,
            }
        )
    return rows


def _consortium_chart(
    columns: list[ConsortiumColumn], rows: list[dict[str, Any]]
) -> Chart | None:
    values = []
    for row in rows:
        for col, cell in zip(columns, row["cells"], strict=True):
            if cell is None or cell.raw is None or cell.unit != "%":
                continue
            if row["comparable"]:
                values.append(
                    {
                        "kpi": f"{row['kpi_id']} {row['name']}",
                        "initiative": col.initiative.name,
                        "value": round(cell.raw, 1),
                    }
                )
    if not values:
        return None
    title = _("Released proportions by initiative")
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "description": title,
        "data": {"values": values},
        "mark": "bar",
        "width": 320,
        "encoding": {
            "y": {"field": "kpi", "type": "nominal", "title": None},
            "yOffset": {"field": "initiative", "type": "nominal"},
            "x": {
                "field": "value",
                "type": "quantitative",
                "scale": {"domain": [0, 100]},
                "title": "%",
            },
            "color": {
                "field": "initiative",
                "type": "nominal",
                "title": _("Initiative"),
                "legend": {"orient": "bottom", "columns": 1},
            },
        },
    }
    table = ChartTable(
        caption=title,
        columns=(_("KPI"), _("Initiative"), _("Value (%)")),
        rows=tuple(
            (str(v["kpi"]), str(v["initiative"]), _num(float(v["value"])))
            for v in values
        ),
    )
    return Chart("consortium-proportions", title, title, spec, table)


def render_consortium_report(
    *,
    consortium: Consortium,
    intervention_type: str,
    period: Period,
    language: str = "en",
    fmt: str = "html",
    progress: Progress | None = None,
) -> bytes:
    """Initiatives of one ``intervention_type`` across ``consortium``'s
    organisations, side by side, from released figures only (the release
    pipeline for ``Audience.OUTSIDE``: no internal figure appears).

    Raises:
        ReportError: unknown ``intervention_type``, ``fmt`` or ``language``.
    """
    _check(fmt, language)
    if intervention_type not in InterventionType.values:
        raise ReportError(
            "intervention_type", f"must be one of {', '.join(InterventionType.values)}"
        )
    total = _STEPS if fmt == "pdf" else _STEPS - 1
    with translation.override(language):
        _tick(progress, 0, total, _("Collecting released figures"))
        columns = _consortium_columns(consortium, intervention_type, period)
        rows = _comparison_rows(columns, intervention_type)
        chart = _consortium_chart(columns, rows)
        _tick(progress, 1, total, _("Drawing charts"))
        drawn = _draw([chart] if chart else [])
        _tick(progress, 2, total, _("Laying out the report"))
        cat = load_catalogue()
        html = _html(
            "reports/report_consortium.html",
            {
                "consortium": consortium,
                "type_label": _label(InterventionType, intervention_type),
                "period": period,
                "columns": columns,
                "rows": rows,
                "charts": drawn,
                "threshold": release_policy().threshold,
                "language": language,
                "generated": timezone.now().date(),
                "method": "{} v{}".format(*CONSORTIUM_METHOD),
                "definitions": [
                    k for k in (cat.get(r["kpi_id"]) for r in rows) if k is not None
                ],
            },
        )
        if fmt == "html":
            _tick(progress, 3, total, _("Done"))
            return html.encode("utf-8")
        _tick(progress, 3, total, _("Writing the PDF"))
        pdf = html_to_pdf(html)
        _tick(progress, 4, total, _("Done"))
        return pdf


__all__ = [
    "FORMATS",
    "Progress",
    "ReportError",
    "collect",
    "html_to_pdf",
    "protect_text",
    "render_consortium_report",
    "render_report",
]
