"""Exports of KPI results: CSV (a zip), XLSX and JSON, each with a data
dictionary and provenance.

Shapes:

- ``build_export(...) -> ExportData``: ``about`` (provenance of the file),
  ``tables`` (``kpi_results``: one row per KPI total; ``kpi_results_by_breakdown``:
  one row per breakdown cell) and ``dictionary`` (every column: name, meaning,
  unit, type).
- ``serialise(data, fmt) -> bytes`` for ``fmt`` in ``FORMATS``:
  ``csv`` is a zip holding ``kpi_results.csv``, ``kpi_results_by_breakdown.csv``,
  ``data_dictionary.csv`` and ``about.csv`` (one download, the dictionary never
  separated from the data); ``xlsx`` has the sheets "KPI results", "Data
  dictionary", "By breakdown" and "About"; ``json`` is one object with the keys
  ``about``, ``dictionary`` and ``tables``.

An ``outside`` export passes the release pipeline
(``evidencehub.apps.disclosure.selectors.released_results``): withheld figures
are blank and say why, and the numerator column is left out, since a count of
people inside an otherwise large denominator can be small. An ``internal``
export says so in ``about`` and in every row.

Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) are prefixed with ``'``
(OWASP, "CSV Injection", 2023).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from evidencehub import __version__
from evidencehub.apps.disclosure.selectors import (
    Audience,
    release_policy,
    released_results,
)
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.kpis.models import StoredResult
from evidencehub.apps.kpis.selectors import stored
from evidencehub.core.kpis.definitions import load_catalogue
from evidencehub.core.kpis.results import Period

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
EXTENSIONS = {"csv": "zip", "xlsx": "xlsx", "json": "json"}
TABLES = ("kpi_results", "kpi_results_by_breakdown")
SHEET_TITLES = {
    "kpi_results": "KPI results",
    "kpi_results_by_breakdown": "By breakdown",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INTERNAL_NOTICE = (
    "INTERNAL: these figures have not passed disclosure control. "
    "Keep them inside the organisation."
)
OUTSIDE_NOTICE = (
    "Released for outside use: every figure passed the release pipeline; "
    "figures resting on fewer than {threshold} people or contacts are withheld."
)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    unit: str
    type: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "meaning": self.meaning,
            "unit": self.unit,
            "type": self.type,
        }


COLUMNS: tuple[Column, ...] = (
    Column("initiative", "Initiative identifier (slug).", "", "text"),
    Column("period", "Period label (2026, 2026-Q1, 2026-03 or a range).", "", "text"),
    Column("period_start", "First day of the period.", "date", "date (ISO 8601)"),
    Column(
        "period_end", "Last day of the period, included.", "date", "date (ISO 8601)"
    ),
    Column("kpi_id", "KPI identifier in the shared catalogue.", "", "text"),
    Column("kpi_version", "Version of the KPI definition used.", "", "text"),
    Column("kpi_name", "Name of the KPI.", "", "text"),
    Column("breakdown", "Dimension of a breakdown cell; empty for totals.", "", "text"),
    Column("group", "Value of the breakdown dimension for this cell.", "", "text"),
    Column(
        "status",
        "ok, no_data, inputs_not_available or not_computed_yet.",
        "",
        "text",
    ),
    Column(
        "value", "The KPI value; empty when withheld or missing.", "see unit", "number"
    ),
    Column(
        "lower",
        "Lower end of the 95% interval, where one applies.",
        "see unit",
        "number",
    ),
    Column(
        "upper",
        "Upper end of the 95% interval, where one applies.",
        "see unit",
        "number",
    ),
    Column(
        "numerator",
        "Count above the line of a ratio (internal exports only).",
        "count",
        "number",
    ),
    Column("denominator", "Count below the line of a ratio.", "count", "number"),
    Column(
        "n",
        "Number of units (people, contacts, pairs) the value rests on.",
        "count",
        "integer",
    ),
    Column("unit", "Unit of value, lower and upper.", "", "text"),
    Column("methods", "Methods with versions, separated by '; '.", "", "text"),
    Column(
        "source",
        "Data used: rollups, contact_records, aggregate_figures, responses or "
        "operations.",
        "",
        "text",
    ),
    Column(
        "suppressed", "True when disclosure control withheld the figure.", "", "boolean"
    ),
    Column("suppression_reason", "Why a figure was withheld.", "", "text"),
    Column("notes", "How the figure was made, in words.", "", "text"),
    Column(
        "computed_at", "When the figure was computed.", "UTC", "date-time (ISO 8601)"
    ),
    Column("audience", "internal (not protected) or outside (released).", "", "text"),
)


@dataclass
class ExportData:
    about: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    dictionary: list[Column]

    @property
    def rows(self) -> int:
        return sum(len(t) for t in self.tables.values())


def row_count(*, initiative: Initiative, period: Period) -> int:
    """How many rows an export of this initiative and period holds."""
    return StoredResult.objects.filter(
        organisation_id=initiative.organisation_id,
        initiative=initiative,
        period_start=period.start,
        period_end=period.end,
    ).count()


def _number(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def build_export(
    *,
    initiative: Initiative,
    period: Period,
    audience: Audience,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ExportData:
    """Stored KPI results of ``initiative`` for ``period`` as tables, as
    ``audience`` may see them."""
    results = stored(initiative=initiative, period=period, with_groups=True)
    released = released_results(results=results, audience=audience)
    catalogue = load_catalogue()
    columns = [
        c
        for c in COLUMNS
        if not (audience is Audience.OUTSIDE and c.name == "numerator")
    ]
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    total = len(released)
    for i, rel in enumerate(released, 1):
        r = rel.result
        kpi = catalogue.get(r.kpi_id)
        methods = [*r.methods, *(m for m in rel.methods if m not in r.methods)]
        row: dict[str, Any] = {
            "initiative": initiative.slug,
            "period": r.period.label,
            "period_start": r.period.start.isoformat(),
            "period_end": r.period.end.isoformat(),
            "kpi_id": r.kpi_id,
            "kpi_version": r.kpi_version,
            "kpi_name": kpi.name if kpi else "",
            "breakdown": r.breakdown,
            "group": r.group,
            "status": r.status,
            "value": _number(r.value),
            "lower": _number(r.lower),
            "upper": _number(r.upper),
            "numerator": _number(r.numerator),
            "denominator": _number(r.denominator),
            "n": None if rel.suppressed else r.n,
            "unit": r.unit,
            "methods": "; ".join(str(m) for m in methods),
            "source": r.source,
            "suppressed": rel.suppressed,
            "suppression_reason": " ".join(rel.reasons),
            "notes": r.notes,
            "computed_at": _iso(r.computed_at),
            "audience": audience.value,
        }
        row = {c.name: row[c.name] for c in columns}
        tables["kpi_results_by_breakdown" if r.breakdown else "kpi_results"].append(row)
        if progress is not None:
            progress(i, total, "rows")
    for rows in tables.values():
        rows.sort(key=lambda x: (x["kpi_id"], x["breakdown"], x["group"]))
    threshold = release_policy().threshold
    moment = now or timezone.now()
    about: dict[str, Any] = {
        "title": f"KPI results: {initiative.name}, {period.label}",
        "organisation": initiative.organisation.name,
        "initiative": initiative.slug,
        "period": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "audience": audience.value,
        "notice": INTERNAL_NOTICE
        if audience is Audience.INTERNAL
        else OUTSIDE_NOTICE.format(threshold=threshold),
        "suppression": (
            f"evidencehub.disclosure.threshold v1, threshold {threshold}"
            if audience is Audience.OUTSIDE
            else "none (internal)"
        ),
        "suppressed_figures": sum(1 for r in released if r.suppressed),
        "rows": sum(len(t) for t in tables.values()),
        "generated_at": moment.isoformat(),
        "generator": f"Prevention Evidence Hub {__version__}",
        "kpis": sorted({f"{r.kpi_id} v{r.kpi_version}" for r in results}),
    }
    if not results:
        about["note"] = (
            "No KPI results are stored for this period; compute them first "
            "(evidencehub kpi compute)."
        )
    return ExportData(about=about, tables=tables, dictionary=columns)


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV
    Injection): prefix ``'``. Numbers, booleans and ``None`` pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    # UTF-8 with BOM so spreadsheet programs read accented names correctly.
    return out.getvalue().encode("utf-8-sig")


def _about_rows(about: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"key": k, "value": "; ".join(v) if isinstance(v, list) else v}
        for k, v in about.items()
    ]


def to_csv_zip(data: ExportData) -> bytes:
    fields = [c.name for c in data.dictionary]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, rows in data.tables.items():
            z.writestr(f"{name}.csv", _csv(rows, fields))
        z.writestr(
            "data_dictionary.csv",
            _csv(
                [c.as_dict() for c in data.dictionary],
                ["name", "meaning", "unit", "type"],
            ),
        )
        z.writestr("about.csv", _csv(_about_rows(data.about), ["key", "value"]))
    return buf.getvalue()


def to_xlsx(data: ExportData) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]

    wb = Workbook()
    fields = [c.name for c in data.dictionary]
    sheets: list[tuple[str, list[str], list[dict[str, Any]]]] = [
        (SHEET_TITLES["kpi_results"], fields, data.tables["kpi_results"]),
        (
            "Data dictionary",
            ["name", "meaning", "unit", "type"],
            [c.as_dict() for c in data.dictionary],
        ),
        (
            SHEET_TITLES["kpi_results_by_breakdown"],
            fields,
            data.tables["kpi_results_by_breakdown"],
        ),
        ("About", ["key", "value"], _about_rows(data.about)),
    ]
    first = True
    for title, names, rows in sheets:
        ws = wb.active if first and wb.active is not None else wb.create_sheet()
        first = False
        ws.title = title
        ws.append(names)
        for row in rows:
            ws.append([safe_cell(row.get(n)) for n in names])
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_json(data: ExportData) -> bytes:
    doc = {
        "about": data.about,
        "dictionary": [c.as_dict() for c in data.dictionary],
        "tables": data.tables,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")


def serialise(data: ExportData, fmt: str) -> bytes:
    """The export as a file. Raises ``ValueError`` for an unknown format."""
    if fmt == "csv":
        return to_csv_zip(data)
    if fmt == "xlsx":
        return to_xlsx(data)
    if fmt == "json":
        return to_json(data)
    raise ValueError(f"format: must be one of {', '.join(FORMATS)}.")


def filename(
    *, initiative: Initiative, period: Period, audience: Audience, fmt: str
) -> str:
    label = period.label.replace("..", "_to_")
    return f"{initiative.slug}-{label}-{audience.value}.{EXTENSIONS[fmt]}"
