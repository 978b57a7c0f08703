"""Benchmark of the KPI engine (issue 5), in one run on this machine.

Builds 10 million synthetic events (7 initiatives of 4 organisations over two
years; the measured initiative holds 40% of them) and 100,000 scored
questionnaire responses, rolls the events up into daily rollups with one
``INSERT ... SELECT`` (the same cells ``collect.services.rollup_run`` makes),
then measures, for the engine-computed KPIs of the online self-help core set
for one initiative-year:

1. the engine (``kpis.services.compute_and_store``: SQL, statistics, storing
   results, run state and audit);
2. hand-written SQL over the same rollups and responses (no storing);
3. the same figures scanned from raw events (COUNT DISTINCT visitor per day,
   counts by type and module);
4. what an analyst does today: export the initiative-year's rows with pandas
   and compute the same set there (end to end).

Usage: ``.venv/bin/python bench/kpis.py [--events 10000000] [--responses
100000] [--database-url postgres://...] [--keep]``. Default database: a new
SQLite file in a temporary directory. Prints a Markdown table; median of 3.
Targets from the issue: engine within 1.5x of hand-written SQL, at least 10x
faster than the raw scan, faster than pandas, under 1 s on SQLite and 0.3 s on
PostgreSQL.
"""

# ruff: noqa: S608 - SQL built from constants of this file only
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
YEAR = 2025
START = date(2025, 1, 1)
MODULES = [f"module-{i}" for i in range(1, 9)]
# (type, module or "", weight out of 20)
TYPES = (
    [("page_view", "")] * 10
    + [("programme_landing", "")] * 3
    + [("module_started", "m")] * 3
    + [("module_completed", "m")] * 2
    + [("self_assessment_started", ""), ("self_assessment_completed", "")]
)


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


def _timed(func: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _make_world() -> tuple[Any, list[int]]:
    from evidencehub.apps.accounts.models import Organisation
    from evidencehub.apps.collect.models import CollectionSettings
    from evidencehub.apps.initiatives.models import Initiative

    ids = []
    for o in range(4):
        org, _c = Organisation.objects.get_or_create(
            slug=f"bench-org-{o}", defaults={"name": f"Bench org {o}", "country": "DE"}
        )
        for j in range(2 if o else 1):
            ini, _c = Initiative.objects.get_or_create(
                slug=f"bench-{o}-{j}",
                defaults={
                    "organisation": org,
                    "name": f"Bench {o}-{j} (synthetic)",
                    "intervention_type": "online_self_help",
                    "prevention_level": "secondary",
                    "delivery_mode": "online",
                },
            )
            CollectionSettings.objects.get_or_create(
                initiative=ini, defaults={"modules": MODULES}
            )
            ids.append(ini.pk)
    return Initiative.objects.get(slug="bench-0-0"), ids


def _events(n: int, ids: list[int]) -> float:
    """Insert ``n`` events in one statement; initiative k = i mod 10 where
    0-3 is the measured one."""
    from django.db import connection

    mapping = [ids[0]] * 4 + ids[1:7]
    pg = connection.vendor == "postgresql"
    ini = "CASE " + " ".join(f"WHEN k = {k} THEN {v}" for k, v in enumerate(mapping))
    ini += " END"
    typ = (
        "CASE "
        + " ".join(f"WHEN t = {k} THEN '{name}'" for k, (name, _m) in enumerate(TYPES))
        + " END"
    )
    has_mod = (
        "(" + " OR ".join(f"t = {k}" for k, (_n, m) in enumerate(TYPES) if m) + ")"
    )
    # module k reached with falling probability: floor(8 * u^2) + 1
    module = (
        f"CASE WHEN {has_mod} THEN 'module-' || CAST(1 + (((i * 17) % 1000) * "
        "((i * 17) % 1000)) * 8 / 1000000 AS TEXT) ELSE '' END"
    )
    day = (
        "(DATE '2025-01-01' + CAST(d AS INTEGER))"
        if pg
        else "date('2025-01-01', '+' || d || ' days')"
    )
    occurred = f"CAST({day} AS TIMESTAMP)" if pg else f"{day} || ' 00:00:00'"
    numbers = (
        f"SELECT i, i % 10 AS k, (i * 13) % 20 AS t, (i * 37) % 730 AS d "
        f"FROM generate_series(0, {n - 1}) AS s(i)"
        if pg
        else "SELECT i, i % 10 AS k, (i * 13) % 20 AS t, (i * 37) % 730 AS d FROM s"
    )
    sql = (
        ""
        if pg
        else f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s "
        f"WHERE i < {n - 1}) "
    )
    sql += (
        "INSERT INTO collect_event (initiative_id, occurred, day, type, module, "
        "channel, locale, referrer, campaign, value, visitor, client_id_hash, source) "
        f"SELECT {ini}, {occurred}, {day}, {typ}, {module}, "
        "CASE WHEN (i * 3) % 5 = 0 THEN 'onion' ELSE 'web' END, "
        "CASE (i * 11) % 3 WHEN 0 THEN 'en' WHEN 1 THEN 'nl' ELSE 'fr' END, "
        "'', '', NULL, 'v' || CAST((i * 7) % 150000 AS TEXT), NULL, 'demo' "
        f"FROM ({numbers}) AS g"
    )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql)
    return time.perf_counter() - t0


def _rollups() -> float:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO collect_dailyrollup (initiative_id, day, type, module, "
            "channel, locale, events, visitor_days, value_count, value_sum) "
            "SELECT initiative_id, day, type, module, channel, locale, COUNT(*), "
            "COUNT(DISTINCT visitor), COUNT(value), COALESCE(SUM(value), 0) "
            "FROM collect_event GROUP BY initiative_id, day, type, module, channel, "
            "locale"
        )
        cur.execute(
            "INSERT INTO collect_dailytotal (initiative_id, day, events, visitor_days) "
            "SELECT initiative_id, day, COUNT(*), COUNT(DISTINCT visitor) "
            "FROM collect_event GROUP BY initiative_id, day"
        )
    return time.perf_counter() - t0


def _responses(n: int, ids: list[int]) -> None:
    from evidencehub.apps.instruments.models import (
        InstrumentVersion,
        Questionnaire,
        Response,
        ResponseScore,
    )

    qs: dict[tuple[int, str, str], Questionnaire] = {}
    for inst in ("swemwbs", "core10"):
        v, _c = InstrumentVersion.objects.get_or_create(
            organisation=None,
            instrument_id=inst,
            version="1",
            defaults={"title": inst, "origin": "catalogue", "definition": {}},
        )
        for ini in ids:
            for occ in ("baseline", "end"):
                qs[(ini, inst, occ)], _c = Questionnaire.objects.get_or_create(
                    initiative_id=ini,
                    instrument_version=v,
                    occasion=occ,
                    defaults={"title": f"{inst} {occ} (synthetic)"},
                )
    mapping = [ids[0]] * 4 + ids[1:7]
    rows, scores = [], []
    for i in range(n):
        pair = i // 2
        ini = mapping[pair % 10]
        inst = "swemwbs" if pair % 3 else "core10"
        occ = "baseline" if i % 2 == 0 else "end"
        when = datetime(2024, 12, 1, tzinfo=UTC) + timedelta(hours=(pair * 53) % 9000)
        if occ == "end":
            when += timedelta(days=40)
        pre = 14 + (pair * 7) % 14 if inst == "swemwbs" else 8 + (pair * 5) % 25
        change = ((pair * 13) % 11) - 3
        score = pre + change if occ == "end" else pre
        if inst == "core10":
            score = max(0, pre - change) if occ == "end" else pre
        rows.append(
            Response(
                questionnaire=qs[(ini, inst, occ)],
                submitted_hour=when,
                code_hash=f"b{pair}" if pair % 5 else "",
                synthetic=True,
            )
        )
        scores.append((inst, score))
    made = Response.objects.bulk_create(rows, batch_size=5000)
    ResponseScore.objects.bulk_create(
        [
            ResponseScore(
                response=r,
                total=s,
                valid=True,
                method_id="sum",
                method_version="1",
                instrument_id=inst,
                instrument_version="1",
            )
            for r, (inst, s) in zip(made, scores, strict=True)
        ],
        batch_size=5000,
    )


def _engine_ids() -> list[str]:
    from evidencehub.core.kpis import load_catalogue

    cat = load_catalogue()
    return [k.id for k in cat.core_set("online_self_help") if k.computed_by == "engine"]


def _hand_sql(ini: Any, period: Any) -> dict[str, float]:
    """The same figures with the fewest queries a person would write."""
    from django.db import connection

    from evidencehub.core.stats import Criterion, classify_pairs, paired_change

    p = [ini.pk, period.start, period.end]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT SUM(visitor_days) FROM collect_dailytotal WHERE initiative_id = %s "
            "AND day >= %s AND day <= %s",
            p,
        )
        out = {"R01": float(cur.fetchone()[0] or 0)}
        cur.execute(
            "SELECT type, module, SUM(events) FROM collect_dailyrollup WHERE "
            "initiative_id = %s AND day >= %s AND day <= %s GROUP BY type, module",
            p,
        )
        c = {(t, m): float(v) for t, m, v in cur.fetchall()}
        cur.execute(
            "SELECT s.instrument_id, r.code_hash, q.occasion, s.total, "
            "CASE WHEN r.submitted_hour >= %s THEN 1 ELSE 0 END "
            "FROM instruments_response r JOIN instruments_questionnaire q ON "
            "q.id = r.questionnaire_id JOIN instruments_responsescore s ON "
            "s.response_id = r.id WHERE q.initiative_id = %s AND r.submitted_hour < %s "
            "ORDER BY r.submitted_hour, r.id",
            [period.start, ini.pk, period.end + timedelta(days=1)],
        )
        resp = cur.fetchall()
    started = sum(v for (t, _m), v in c.items() if t == "module_started")
    out["R04"] = c.get(("self_assessment_completed", ""), 0) / c.get(
        ("self_assessment_started", ""), 1
    )
    out["E01"] = c.get(("module_started", "module-1"), 0) / max(
        c.get(("programme_landing", ""), 1), 1
    )
    out["E03"] = c.get(("module_completed", "module-8"), 0) / max(
        c.get(("module_started", "module-1"), 1), 1
    )
    out["started"] = started
    base: dict[tuple[str, str], float] = {}
    later: dict[tuple[str, str], float] = {}
    for inst, code, occ, total, in_period in resp:
        if not code:
            continue
        if occ == "baseline":
            base.setdefault((inst, code), float(total))
        elif in_period:
            later[(inst, code)] = float(total)
    sw = [(base[k], v) for k, v in later.items() if k[0] == "swemwbs" and k in base]
    pc = paired_change([a for a, _ in sw], [b for _, b in sw])
    out["W01"] = pc.mean_change.estimate
    out["W02"] = sum(1 for a, b in sw if b - a >= 2.77) / len(sw)
    core = [(base[k], v) for k, v in later.items() if k[0] == "core10" and k in base]
    crit = Criterion(threshold=6, source="", lower_is_better=True, cutoff=11)
    cl = classify_pairs(core, crit)
    out["W09"] = cl.counts["deteriorated"] / cl.n
    out["D02"] = (len(sw) + len(core)) / len(later)
    return out


def _raw_scan(ini: Any, period: Any) -> dict[str, float]:
    from django.db import connection

    p = [ini.pk, period.start, period.end]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT SUM(n) FROM (SELECT day, COUNT(DISTINCT visitor) AS n FROM "
            "collect_event WHERE initiative_id = %s AND day >= %s AND day <= %s "
            "GROUP BY day) AS d",
            p,
        )
        out = {"R01": float(cur.fetchone()[0] or 0)}
        cur.execute(
            "SELECT type, module, COUNT(*) FROM collect_event WHERE initiative_id = %s "
            "AND day >= %s AND day <= %s GROUP BY type, module",
            p,
        )
        out["cells"] = len(cur.fetchall())
    return out


def _pandas(ini: Any, period: Any) -> dict[str, float]:
    import pandas as pd
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT day, type, module, visitor FROM collect_event WHERE "
            "initiative_id = %s AND day >= %s AND day <= %s",
            [ini.pk, period.start, period.end],
        )
        ev = pd.DataFrame(cur.fetchall(), columns=["day", "type", "module", "visitor"])
        cur.execute(
            "SELECT s.instrument_id, r.code_hash, q.occasion, s.total, "
            "r.submitted_hour "
            "FROM instruments_response r JOIN instruments_questionnaire q ON "
            "q.id = r.questionnaire_id JOIN instruments_responsescore s ON "
            "s.response_id = r.id WHERE q.initiative_id = %s AND r.submitted_hour < %s",
            [ini.pk, period.end + timedelta(days=1)],
        )
        rs = pd.DataFrame(
            cur.fetchall(), columns=["inst", "code", "occ", "total", "when"]
        )
    out = {"R01": float(ev.groupby("day")["visitor"].nunique().sum())}
    c = ev.groupby(["type", "module"]).size()
    out["E01"] = c.get(("module_started", "module-1"), 0) / c.get(
        ("programme_landing", ""), 1
    )
    rs = rs[rs["code"] != ""]
    rs["total"] = rs["total"].astype(float)
    b = rs[rs["occ"] == "baseline"].groupby(["inst", "code"])["total"].first()
    later = rs[(rs["occ"] == "end")]
    later = later[pd.to_datetime(later["when"], utc=True).dt.date >= period.start]
    a = later.groupby(["inst", "code"])["total"].last()
    j = pd.concat([b.rename("pre"), a.rename("post")], axis=1, join="inner")
    sw = j.loc["swemwbs"]
    out["W01"] = float((sw["post"] - sw["pre"]).mean())
    out["W02"] = float(((sw["post"] - sw["pre"]) >= 2.77).mean())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--responses", type=int, default=100_000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument(
        "--dir", default=None, help="data directory to keep and reuse (SQLite)"
    )
    args = ap.parse_args()
    var = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="kpibench-"))
    var.mkdir(parents=True, exist_ok=True)
    args.keep = args.keep or bool(args.dir)
    try:
        _setup(args.database_url, var)
        from django.db import connection

        from evidencehub.apps.collect.models import Event
        from evidencehub.apps.kpis.services import compute_and_store
        from evidencehub.core.kpis import parse_period

        ini, ids = _make_world()
        t_load = t_roll = 0.0
        if not Event.objects.exists():  # else: reuse the data of an earlier run
            t_load = _events(args.events, ids)
            t_roll = _rollups()
            _responses(args.responses, ids)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        period = parse_period(str(YEAR))
        kpi_ids = _engine_ids()
        t_engine, (_run, results) = _timed(
            lambda: compute_and_store(initiative=ini, period=period, kpi_ids=kpi_ids)
        )
        t_hand, hand = _timed(lambda: _hand_sql(ini, period))
        t_raw, raw = _timed(lambda: _raw_scan(ini, period))
        t_pd, pdv = _timed(lambda: _pandas(ini, period))
        got = {r.kpi_id: r.value for r in results if not r.breakdown}
        assert got["R01"] == hand["R01"] == raw["R01"] == pdv["R01"], (
            got,
            hand,
            raw,
            pdv,
        )
        assert abs((got["W01"] or 0) - hand["W01"]) < 1e-9
        assert abs((got["W01"] or 0) - pdv["W01"]) < 1e-9
        assert abs((got["E01"] or 0) - 100 * hand["E01"]) < 1e-9
        print(
            f"\nDatabase: {connection.vendor}; {args.events:,} events "
            f"(load {t_load:.1f} s, rollups {t_roll:.1f} s); "
            f"{args.responses:,} responses; KPIs: {', '.join(kpi_ids)}\n"
        )
        print("| measure | seconds (median of 3) | engine is |")
        print("|---|---|---|")
        print(f"| engine (compute + store) | {t_engine:.3f} | — |")
        print(
            f"| hand-written SQL over rollups | {t_hand:.3f} | "
            f"{t_engine / t_hand:.2f}x its time (target <= 1.5x) |"
        )
        print(
            f"| raw event scan | {t_raw:.3f} | {t_raw / t_engine:.1f}x faster "
            "(target >= 10x) |"
        )
        print(
            f"| pandas export + compute | {t_pd:.3f} | {t_pd / t_engine:.1f}x faster |"
        )
    finally:
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
