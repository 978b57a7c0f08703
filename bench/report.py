"""Benchmark of the PDF evaluation report (issue 9), in one run on this machine.

Loads the synthetic demo (organisations, initiatives, a year of collection
data, questionnaires, operations and stored KPI results) into a new database,
then measures for the demo helpline's current calendar year:

1. ``render_report(fmt="pdf")`` end to end, internal audience: figures,
   dashboard charts through vl-convert, HTML, WeasyPrint;
2. the same for the outside audience (release pipeline applied);
3. baseline A: WeasyPrint on the same report HTML with the charts taken out;
4. baseline B: WeasyPrint on a trivial one-page document.

Usage: ``.venv/bin/python bench/report.py [--runs 3] [--database-url
postgres://...] [--keep]``. Default database: a new SQLite file in a temporary
directory. Prints a Markdown table of medians and the ratios against the
baselines measured in the same run. Target from the issue: under 5 s for one
initiative-year.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 5.0
SYNTHETIC_APPS = {"collect", "instruments", "operations", "kpis"}


def _setup(database_url: str | None, var: Path) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("EVIDENCEHUB_DEMO", "1")
    os.environ["EVIDENCEHUB_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "evidencehub.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load_demo() -> float:
    from evidencehub.demo.loader import EXTENSIONS, load_demo

    t0 = time.perf_counter()
    load_demo(extensions=False)
    for module in EXTENSIONS:
        if module.split(".")[2] in SYNTHETIC_APPS:
            importlib.import_module(module).load(reset=False)
    return time.perf_counter() - t0


def _timed(func: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _pages(pdf: bytes, var: Path) -> str:
    """Page count by pdfinfo (poppler-utils), or "?" without it."""
    tool = shutil.which("pdfinfo")
    if tool is None:
        return "?"
    path = var / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
        [tool, str(path)], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Pages:\s+(\d+)", out)
    return match[1] if match else "?"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    var = Path(tempfile.mkdtemp(prefix="reportbench-"))
    try:
        _setup(args.database_url, var)
        from django.utils import timezone

        from evidencehub.apps.disclosure.selectors import Audience
        from evidencehub.apps.initiatives.models import Initiative
        from evidencehub.apps.reports.rendering import html_to_pdf, render_report
        from evidencehub.core.kpis.results import parse_period

        t_load = _load_demo()
        initiative = Initiative.objects.get(slug="demo-helpline")
        period = parse_period(str(timezone.now().year))

        def report(audience: Audience, fmt: str = "pdf") -> bytes:
            return render_report(
                initiative=initiative, period=period, audience=audience, fmt=fmt
            )

        # One warm-up: imports, fonts and the vl-convert engine start once per
        # process, as in a running server or worker.
        report(Audience.INTERNAL)
        t_internal, pdf = _timed(lambda: report(Audience.INTERNAL), args.runs)
        t_outside, _o = _timed(lambda: report(Audience.OUTSIDE), args.runs)
        t_html, html = _timed(lambda: report(Audience.INTERNAL, "html"), args.runs)
        no_charts = re.sub(r'<img class="chart"[^>]*>', "", html.decode())
        t_layout, _n = _timed(lambda: html_to_pdf(no_charts), args.runs)
        trivial = '<html lang="en"><body><h1>Report</h1><p>One line.</p></body></html>'
        t_trivial, _t = _timed(lambda: html_to_pdf(trivial), args.runs)
        pages = _pages(pdf, var)

        print(f"Demo loaded in {t_load:.1f} s; {initiative.slug} {period.label};")
        print(f"median of {args.runs} runs; PDF of {pages} pages, {len(pdf):,} bytes.")
        print()
        print("| step | seconds | vs report HTML without charts | vs trivial page |")
        print("| --- | ---: | ---: | ---: |")
        rows = [
            ("report PDF, internal", t_internal),
            ("report PDF, outside", t_outside),
            ("report HTML only (figures, charts, template)", t_html),
            ("baseline A: WeasyPrint, report without charts", t_layout),
            ("baseline B: WeasyPrint, trivial page", t_trivial),
        ]
        for name, secs in rows:
            print(
                f"| {name} | {secs:.2f} | {secs / t_layout:.2f}x "
                f"| {secs / t_trivial:.0f}x |"
            )
        verdict = "met" if t_internal < TARGET_SECONDS else "NOT met"
        print()
        print(f"Target: under {TARGET_SECONDS:.0f} s per initiative-year: {verdict}.")
    finally:
        if args.keep:
            print(f"kept {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
