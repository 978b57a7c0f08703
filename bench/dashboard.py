"""Benchmark of the initiative dashboard page (issue 9), in one run on this
machine.

Loads the synthetic demo into a new database, computes the demo initiatives'
KPIs for the year before and each quarter too (so trends have periods to
draw), then requests, with Django's test client and a signed-in member:

1. the dashboard page of every demo initiative: totals, by channel, and the
   outside view (every figure through the release pipeline);
2. the dashboard API (JSON with every Vega-Lite spec);
3. baseline: the existing scorecard page of the same initiatives, measured in
   the same run.

Usage: ``.venv/bin/python bench/dashboard.py [--requests 200]
[--database-url postgres://...] [--keep]``. Default database: a new SQLite
file in a temporary directory. Prints a Markdown table of p50/p95 in ms and
the ratio of each p95 to the baseline's. Target from the issue: p95 under
300 ms per page on the demo data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
YEAR = 2026
TARGET_MS = 300.0


def _setup(database_url: str | None, var: Path) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ["EVIDENCEHUB_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "evidencehub.config.settings_test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load() -> list[str]:
    from evidencehub.apps.initiatives.models import Initiative
    from evidencehub.apps.kpis.services import compute_and_store
    from evidencehub.core.kpis.results import parse_period
    from evidencehub.demo.loader import load_demo

    load_demo()
    slugs = []
    for initiative in Initiative.objects.filter(slug__startswith="demo-"):
        slugs.append(initiative.slug)
        labels = [str(YEAR - 1), *(f"{YEAR}-Q{q}" for q in range(1, 5))]
        for label in labels:
            compute_and_store(initiative=initiative, period=parse_period(label))
    return sorted(slugs)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _measure(client: Any, urls: list[str], requests: int) -> list[float]:
    for url in urls:  # warm caches and templates once
        assert client.get(url).status_code == 200, url
    times = []
    for i in range(requests):
        url = urls[i % len(urls)]
        t0 = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, (url, resp.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="evidencehub-bench-dashboard-"))
    try:
        _setup(args.database_url, var)
        t0 = time.perf_counter()
        slugs = _load()
        load_s = time.perf_counter() - t0
        from django.test import Client

        from evidencehub.apps.accounts.models import User
        from evidencehub.apps.initiatives.selectors import initiatives_for_user

        user = User.objects.get(email="admin@demo.example")
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        # admin@demo.example belongs to the first organisation only
        mine = set(initiatives_for_user(user=user).values_list("slug", flat=True))
        own = [s for s in slugs if s in mine]
        page = "/initiatives/{}/dashboard/?period=" + str(YEAR)
        cases = {
            "scorecard page (baseline)": [
                f"/initiatives/{s}/kpis/scorecard/?period={YEAR}" for s in own
            ],
            "dashboard page, totals": [page.format(s) for s in own],
            "dashboard page, by channel": [
                page.format(s) + "&breakdown=channel" for s in own
            ],
            "dashboard page, outside view": [
                page.format(s) + "&view=outside" for s in own
            ],
            "dashboard API (JSON)": [
                f"/api/v1/initiatives/{s}/dashboard/?period={YEAR}" for s in own
            ],
        }
        results = {
            name: _measure(client, urls, args.requests) for name, urls in cases.items()
        }
        base = _p(results["scorecard page (baseline)"], 0.95)
        engine = os.environ["DATABASE_URL"].split(":", 1)[0]
        print(
            f"Dashboard benchmark: {engine}, initiatives {', '.join(own)}, "
            f"{args.requests} requests per row (demo loaded and computed in "
            f"{load_s:.1f} s)\n"
        )
        print("| request | p50 ms | p95 ms | p95 / baseline | p95 < 300 ms |")
        print("| --- | ---: | ---: | ---: | :---: |")
        for name, times in results.items():
            p95 = _p(times, 0.95)
            print(
                f"| {name} | {statistics.median(times):.1f} | {p95:.1f} | "
                f"{p95 / base:.2f} | {'yes' if p95 < TARGET_MS else 'NO'} |"
            )
    finally:
        if args.keep:
            print(f"\nkept: {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
