"""``evidencehub kpi list|compute|docs|strings|export|import``."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.kpis.docs import (
    DOCS_PATH,
    STRINGS_PATH,
    render_catalogue_strings,
    render_reference,
)
from evidencehub.apps.kpis.presenters import result_dict, value_text
from evidencehub.apps.kpis.services import compute_and_store
from evidencehub.core.kpis.definitions import (
    KpiDefinitionError,
    export_package,
    import_package,
    load_catalogue,
)
from evidencehub.core.kpis.results import BREAKDOWNS, PeriodError, parse_period

CSV_FIELDS = [
    "kpi_id",
    "kpi_version",
    "period",
    "status",
    "value",
    "numerator",
    "denominator",
    "lower",
    "upper",
    "n",
    "unit",
    "methods",
    "source",
    "breakdown",
    "group",
    "notes",
]


class Command(BaseCommand):
    help = "The KPI catalogue and engine."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="List the catalogue.")
        ls.add_argument("--domain", default="")
        ls.add_argument("--format", choices=["table", "json"], default="table")
        c = sub.add_parser("compute", help="Compute and store KPIs.")
        c.add_argument("--initiative", required=True, help="initiative slug")
        c.add_argument("--period", required=True, help="2026, 2026-Q1, 2026-03, a..b")
        c.add_argument("--kpi", nargs="*", default=None, help="KPI ids (default all)")
        c.add_argument("--breakdown", choices=BREAKDOWNS, default="")
        c.add_argument("--format", choices=["table", "json", "csv"], default="table")
        d = sub.add_parser("docs", help="Write docs/reference/kpis.md.")
        d.add_argument("--check", action="store_true", help="fail if stale")
        t = sub.add_parser(
            "strings", help="Write apps/kpis/catalogue_strings.py for translation."
        )
        t.add_argument("--check", action="store_true", help="fail if stale")
        sub.add_parser("export", help="Print the catalogue as a JSON package.")
        i = sub.add_parser("import", help="Validate a JSON package.")
        i.add_argument("path")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(**opts)

    def _list(self, **opts: Any) -> None:
        kpis = load_catalogue().search(domain=opts["domain"])
        if opts["format"] == "json":
            self.stdout.write(json.dumps([k.as_dict() for k in kpis], indent=2))
            return
        for k in kpis:
            self.stdout.write(
                f"{k.id:<5} v{k.version:<3} {k.level:<8} {k.anonymity} "
                f"{k.computed_by:<10} {k.name}"
            )

    def _compute(self, **opts: Any) -> None:
        initiative = Initiative.objects.filter(slug=opts["initiative"]).first()
        if initiative is None:
            raise CommandError(f"No initiative {opts['initiative']!r}.")
        try:
            period = parse_period(opts["period"])
            _run, results = compute_and_store(
                initiative=initiative,
                period=period,
                kpi_ids=opts["kpi"] or None,
                breakdown=opts["breakdown"],
            )
        except PeriodError as exc:
            raise CommandError(f"--period: {exc}") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        rows = [result_dict(r) for r in results]
        if opts["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
        elif opts["format"] == "csv":
            w = csv.DictWriter(
                self.stdout, fieldnames=CSV_FIELDS, extrasaction="ignore"
            )
            w.writeheader()
            for row in rows:
                w.writerow({**row, "methods": "; ".join(row["methods"])})
        else:
            for r in results:
                label = r.kpi_id + (
                    f" [{r.breakdown}={r.group}]" if r.breakdown else ""
                )
                self.stdout.write(
                    f"{label:<22} {value_text(r):<48} n={r.n:<7} {r.source or '-'}"
                )
            self.stdout.write(
                f"{initiative.slug} {period.label}: {len(results)} results stored."
            )

    def _docs(self, **opts: Any) -> None:
        text = render_reference(load_catalogue())
        if opts["check"]:
            current = (
                DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.exists() else ""
            )
            if current != text:
                raise CommandError(f"{DOCS_PATH} is stale: run `evidencehub kpi docs`.")
            self.stdout.write("up to date")
            return
        DOCS_PATH.parent.mkdir(parents=True, exist_ok=True)
        DOCS_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {DOCS_PATH}")

    def _strings(self, **opts: Any) -> None:
        text = render_catalogue_strings(load_catalogue())
        current = (
            STRINGS_PATH.read_text(encoding="utf-8") if STRINGS_PATH.exists() else ""
        )
        if opts["check"]:
            if current != text:
                raise CommandError(
                    f"{STRINGS_PATH} is stale: run `evidencehub kpi strings`, "
                    "then makemessages and translate the new entries."
                )
            self.stdout.write("up to date")
            return
        STRINGS_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {STRINGS_PATH}")

    def _export(self, **opts: Any) -> None:
        sys.stdout.write(export_package(load_catalogue()) + "\n")

    def _import(self, **opts: Any) -> None:
        try:
            cat = import_package(Path(opts["path"]).read_text(encoding="utf-8"))
        except (OSError, KpiDefinitionError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"valid package: {len(cat.kpis)} KPIs")
