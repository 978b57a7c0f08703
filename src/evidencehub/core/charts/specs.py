"""Builders of dashboard charts from plain figures: each returns a
:class:`~evidencehub.core.charts.Chart` whose Vega-Lite spec and accessible
table carry the same figures.

A figure is a :class:`Bar` (label, value, optional 95% interval, optional
group). A bar whose value is ``None`` is withheld or missing: it is left out
of the spec's data (nothing unreleased is ever drawn) and its table row says
why, in ``note``.

Specs follow the Vega-Lite 6 grammar (Satyanarayan et al., "Vega-Lite: A
Grammar of Interactive Graphics", IEEE TVCG 2017). Intervals are drawn as
rules from ``lower`` to ``upper`` as computed by the KPI engine (Wilson 1927
for proportions, t for mean change); nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evidencehub.core.charts import VEGA_LITE_SCHEMA, Chart, ChartTable

WIDTH = 460
BAR_STEP = 26
# Colour-blind-safe categorical palette (Okabe & Ito, "Color Universal
# Design", 2008), in the order the groups appear.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
CONFIG: dict[str, Any] = {
    "font": "system-ui, sans-serif",
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 220},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 320},
    "view": {"stroke": None},
}


@dataclass(frozen=True)
class Bar:
    """One figure: ``value`` in ``unit``; ``lower``/``upper`` its 95%
    interval or ``None``; ``note`` says why a ``None`` value is missing."""

    label: str
    value: float | None
    lower: float | None = None
    upper: float | None = None
    n: int | None = None
    group: str = ""
    note: str = ""


def number(value: float | None, unit: str = "") -> str:
    """``80.6%``, ``2,204 contacts``, ``95.24 EUR per contact``; ``""`` for
    ``None``."""
    if value is None:
        return ""
    if unit == "%":
        return f"{value:,.1f}%"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def interval_text(bar: Bar, unit: str) -> str:
    if bar.value is None or bar.lower is None or bar.upper is None:
        return ""
    return f"{number(bar.lower, unit)} to {number(bar.upper, unit)}"


def _base(description: str) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": WIDTH,
        "config": CONFIG,
        "usermeta": {"embedOptions": {"actions": False}},
    }


def _rows(bars: Sequence[Bar], unit: str) -> tuple[tuple[str, ...], ...]:
    grouped = any(b.group for b in bars)
    rows: list[tuple[str, ...]] = []
    for b in bars:
        cells = [b.label]
        if grouped:
            cells.append(b.group)
        cells += [
            number(b.value, unit) or b.note or "No data",
            interval_text(b, unit),
            "" if b.n is None or b.value is None else f"{b.n:,}",
        ]
        rows.append(tuple(cells))
    return tuple(rows)


def _columns(bars: Sequence[Bar]) -> tuple[str, ...]:
    group = ("Group",) if any(b.group for b in bars) else ()
    return ("Measure", *group, "Value", "95% interval", "n")


def _values(bars: Sequence[Bar]) -> list[dict[str, Any]]:
    return [
        {
            "label": b.label,
            "group": b.group or "All",
            "value": b.value,
            "lower": b.lower,
            "upper": b.upper,
            "text": number(b.value, ""),
        }
        for b in bars
        if b.value is not None
    ]


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    unit: str,
) -> Chart:
    """Horizontal bars of ``bars`` in ``unit``, with 95% intervals as rules
    where known and one colour per group. Labels keep the order given (a
    funnel reads top to bottom), never sorted by value. Percent scales run
    0 to 100."""
    values = _values(bars)
    grouped = any(b.group for b in bars)
    x: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": unit or "value",
    }
    if unit == "%":
        x["scale"] = {"domain": [0, 100]}
    elif values and all(float(v["value"]).is_integer() for v in values):
        # whole numbers (counts of KPIs, of people) get whole ticks only
        top = max(int(v["value"]) for v in values)
        x["axis"] = {"format": ",d", "tickMinStep": 1}
        if 0 <= top <= 12:
            x["axis"]["values"] = list(range(top + 1))
    y: dict[str, Any] = {
        "field": "label",
        "type": "nominal",
        "title": None,
        "sort": list(dict.fromkeys(b.label for b in bars)),
    }
    colour: dict[str, Any] = {
        "field": "group",
        "type": "nominal",
        "title": "Group",
        "scale": {"range": list(PALETTE)},
        "legend": {"orient": "bottom"} if grouped else None,
    }
    encoding: dict[str, Any] = {
        "y": y,
        "x": x,
        "color": colour,
        "tooltip": [
            {"field": "label", "title": "Measure"},
            {"field": "group", "title": "Group"},
            {"field": "value", "title": "Value", "format": ",.1f"},
        ],
    }
    if grouped:
        encoding["yOffset"] = {"field": "group", "type": "nominal"}
    layers: list[dict[str, Any]] = [{"mark": {"type": "bar"}, "encoding": encoding}]
    if any(v["lower"] is not None for v in values):
        layers.append(
            {
                "transform": [{"filter": "datum.lower != null"}],
                "mark": {"type": "rule", "color": "#222", "strokeWidth": 1.5},
                "encoding": {
                    "y": y,
                    **({"yOffset": encoding["yOffset"]} if grouped else {}),
                    "x": {"field": "lower", "type": "quantitative"},
                    "x2": {"field": "upper"},
                },
            }
        )
    labels = len({b.label for b in bars}) * (len({b.group for b in bars}) or 1)
    spec = _base(description) | {
        "title": title,
        "height": {"step": BAR_STEP} if not grouped else max(60, BAR_STEP * labels),
        "data": {"values": values},
        "layer": layers,
    }
    table = ChartTable(title, _columns(bars), _rows(bars, unit))
    return Chart(id, title, description, spec, table)


def trend_chart(
    *, id: str, title: str, description: str, bars: Sequence[Bar], unit: str
) -> Chart:
    """One line per measure (``group``) over periods (``label``, in the
    order given), with the 95% interval as a band where known."""
    values = _values(bars)
    x = {
        "field": "label",
        "type": "ordinal",
        "title": "Period",
        "sort": list(dict.fromkeys(b.label for b in bars)),
        "axis": {"labelAngle": 0},
    }
    colour = {
        "field": "group",
        "type": "nominal",
        "title": "Measure",
        "scale": {"range": list(PALETTE)},
        "legend": {"orient": "bottom"},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative", "title": unit},
                "color": colour,
                "tooltip": [
                    {"field": "group", "title": "Measure"},
                    {"field": "label", "title": "Period"},
                    {"field": "value", "title": "Value", "format": ",.1f"},
                ],
            },
        }
    ]
    if any(v["lower"] is not None for v in values):
        layers.insert(
            0,
            {
                "transform": [{"filter": "datum.lower != null"}],
                "mark": {"type": "rule", "strokeWidth": 2, "opacity": 0.6},
                "encoding": {
                    "x": x,
                    "y": {"field": "lower", "type": "quantitative", "title": unit},
                    "y2": {"field": "upper"},
                    "color": colour,
                },
            },
        )
    spec = _base(description) | {
        "title": title,
        "height": 220,
        "data": {"values": values},
        "layer": layers,
    }
    rows = tuple(
        (
            b.group,
            b.label,
            number(b.value, unit) or b.note or "No data",
            interval_text(b, unit),
            "" if b.n is None or b.value is None else f"{b.n:,}",
        )
        for b in bars
    )
    table = ChartTable(title, ("Measure", "Period", "Value", "95% interval", "n"), rows)
    return Chart(id, title, description, spec, table)


def parts_chart(
    *, id: str, title: str, description: str, parts: Sequence[Bar], unit: str
) -> Chart:
    """One stacked bar of counts split into ordered parts (e.g. the
    reliable-change classes of Jacobson & Truax, 1991), on a count axis.
    Withheld parts are left out of the bar and say so in the table."""
    values = [
        {"part": p.label, "value": p.value, "order": i}
        for i, p in enumerate(parts)
        if p.value is not None
    ]
    spec = _base(description) | {
        "title": title,
        "height": 60,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            # counts, not shares: a share of the shown parts alone would
            # overstate each part whenever one is withheld
            "x": {
                "field": "value",
                "type": "quantitative",
                "stack": "zero",
                "title": unit or "Count",
                "axis": {"format": ",d", "tickMinStep": 1},
            },
            "color": {
                "field": "part",
                "type": "nominal",
                "title": None,
                "sort": [p.label for p in parts],
                "scale": {"range": list(PALETTE)},
                "legend": {"orient": "bottom"},
            },
            "order": {"field": "order"},
            "tooltip": [
                {"field": "part", "title": "Class"},
                {"field": "value", "title": unit or "Count", "format": ","},
            ],
        },
    }
    rows = tuple((p.label, number(p.value, "") or p.note or "No data") for p in parts)
    table = ChartTable(title, ("Class", unit or "Count"), rows)
    return Chart(id, title, description, spec, table)
