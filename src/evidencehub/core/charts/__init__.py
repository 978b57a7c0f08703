"""Charts as data: one Vega-Lite spec per chart, drawn by vega-embed in pages
and turned into SVG for PDFs by vl-convert, each with an accessible table.

Contract (pages and the PDF report rely on these names and shapes):

- ``ChartTable(caption, columns, rows)``: the chart's figures as text cells.
- ``Chart(id, title, description, spec, table)``: ``spec`` is a complete
  Vega-Lite v6 spec (JSON-serialisable dict, data inline as ``values``).
- ``render_svg(spec) -> str``: the SVG document of a spec, with no browser
  and no network (vl-convert).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


@dataclass(frozen=True)
class ChartTable:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    spec: Mapping[str, Any]
    table: ChartTable


def render_svg(spec: Mapping[str, Any]) -> str:
    """SVG text of a Vega-Lite spec (vl-convert 1.9, Vega-Lite 6.4)."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(dict(spec), vl_version="6.4"))
