"""Benchmark of funder search (issue 8), in one run on this machine.

Generates 100,000 calls (each with a deadline) and 1,000,000 past grants in a
fresh SQLite database (or PostgreSQL with ``--database-url``), then measures,
over the same queries:

1. ``search_calls`` (the selector behind the search page, the API and the
   CLI: full text + facet filters + default status filter + sort + total count
   (up to 1,000) + one page of 20 with deadlines + the "closed calls also
   match" count when fewer than 20 open calls match)
   against the bare engine query (FTS5 ``MATCH ... ORDER BY rank LIMIT 20`` /
   PostgreSQL ``@@ ... ORDER BY ts_rank LIMIT 20``) on the same data; prints p50,
   p95 and the p95 ratio;
2. ``search_grants`` over the 1,000,000 past grants against the bare query;
3. ``facet_counts`` p95 (reported separately: it is a second request of the page).

Usage: ``.venv/bin/python bench/funders.py [--calls 100000] [--grants 1000000]
[--queries 200] [--database-url URL] [--keep] [--reuse DIR]``. Prints a Markdown table.
Targets from the issue: search p95 < 50 ms on SQLite and <= 2x the bare query.
"""

from __future__ import annotations

import argparse
import json
import os
import random
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
TOPIC_WORDS = [
    "prevention",
    "online",
    "helpline",
    "child",
    "protection",
    "violence",
    "abuse",
    "exploitation",
    "research",
    "evaluation",
    "youth",
    "family",
    "therapy",
    "digital",
    "safety",
    "community",
    "training",
    "trauma",
    "victims",
    "support",
    "awareness",
    "school",
    "deterrence",
    "perpetrators",
    "treatment",
    "counselling",
    "hotline",
    "grooming",
    "wellbeing",
    "mental",
    "health",
    "outreach",
    "parents",
    "teachers",
    "platforms",
    "moderation",
    "evidence",
    "capacity",
    "network",
    "regional",
    "national",
    "innovation",
    "pilot",
    "scaling",
    "partnership",
    "data",
    "survivors",
    "harm",
    "reduction",
]
CODES = ("CERV", "HORIZON", "DIGITAL", "ISF", "EU4H", "SAFE", "PREV")
COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "GB",
    "CH",
    "NO",
]
THEMES = [
    "csa_prevention",
    "online_safety",
    "violence_against_children",
    "gender_based_violence",
    "child_protection",
    "victim_support",
    "perpetrator_prevention",
    "helplines",
    "research_evaluation",
    "mental_health",
    "children_youth",
    "capacity_building",
]
FUNDER_TYPES = [
    "eu",
    "national_government",
    "private_foundation",
    "corporate",
    "lottery",
    "multi_donor_fund",
    "research_council",
    "charity",
]


def filler(rng: random.Random, n: int) -> list[str]:
    syllables = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ra",
        "su",
        "ti",
        "ve",
        "zo",
        "ba",
        "de",
        "fi",
        "gu",
        "ha",
        "je",
    ]
    return [
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        for _ in range(n)
    ]


def setup(args: argparse.Namespace, workdir: Path) -> None:
    os.environ["EVIDENCEHUB_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = (
        args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "evidencehub.config.settings_test"
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def generate(args: argparse.Namespace) -> dict[str, float]:
    from django.db import connection, transaction

    from evidencehub.apps.funding.models import Call, Funder, PastGrant
    from evidencehub.core.funding.text import index_text

    rng = random.Random(8)
    vocabulary = TOPIC_WORDS + filler(rng, 5000)
    now = datetime.now(UTC)
    timings: dict[str, float] = {}

    def sentence(k: int) -> str:
        words = rng.choices(TOPIC_WORDS, k=k // 2) + rng.choices(
            vocabulary, k=k - k // 2
        )
        rng.shuffle(words)
        return " ".join(words)

    started = time.perf_counter()
    funders = [
        Funder(
            key=f"bench-funder-{i}",
            name=f"Bench funder {i} {sentence(3)}",
            origin="demo",
            funder_type=rng.choice(FUNDER_TYPES),
            search_text=index_text(f"bench funder {i}"),
        )
        for i in range(2000)
    ]
    with transaction.atomic():
        Funder.objects.bulk_create(funders, batch_size=2000)
    funder_ids = list(Funder.objects.values_list("id", flat=True))
    batch: list[Call] = []
    for i in range(args.calls):
        word = rng.choice(TOPIC_WORDS).upper()
        code = f"{rng.choice(CODES)}-{rng.randint(2021, 2027)}-{word}-{i}"
        title = f"Call {i}: {sentence(6)}"
        themes = rng.sample(THEMES, rng.randint(1, 4))
        countries = sorted(rng.sample(COUNTRIES, rng.randint(1, 6)))
        body = sentence(30)
        low = rng.choice([None, 5000, 20000, 50000, 100000, 500000])
        status = rng.choices(
            ["closed", "open", "forthcoming", "rolling"], [60, 30, 6, 4]
        )[0]
        offset = rng.randint(-700, -1) if status == "closed" else rng.randint(1, 400)
        due = now + timedelta(days=offset)
        batch.append(
            Call(
                key=f"bench-call-{i}",
                name=title,
                call_identifier=code,
                funder_id=rng.choice(funder_ids),
                funder_type=rng.choice(FUNDER_TYPES),
                countries=countries,
                global_scope=rng.random() < 0.1,
                themes=themes,
                eligibility=sentence(12),
                status=status,
                first_deadline_at=due,
                last_deadline_at=due,
                min_grant=low,
                max_grant=None if low is None else low * rng.choice([2, 3, 5, 10]),
                currency="EUR",
                eligible_org_types=rng.sample(
                    ["non_profit", "charity", "public_body", "university"], 2
                ),
                origin="demo",
                search_text=index_text(title, code, body, themes),
            )
        )
        if len(batch) == 5000:
            _save_calls(batch)
            batch = []
    if batch:
        _save_calls(batch)
    timings["generate calls (s)"] = time.perf_counter() - started

    started = time.perf_counter()
    grants: list[PastGrant] = []
    start_day = date(2010, 1, 1)
    for i in range(args.grants):
        title = sentence(5)
        description = sentence(14)
        funder = f"Bench funder {i % 2000}"
        recipient = f"Recipient {rng.randint(1, 200000)}"
        grants.append(
            PastGrant(
                identifier=f"360G-bench-{i}",
                title=title,
                description=description,
                currency="GBP",
                amount_awarded=rng.randint(500, 500000),
                award_date=start_day + timedelta(days=rng.randint(0, 5500)),
                funding_org_id=f"360G-bench-{i % 2000}",
                funding_org_name=funder,
                recipient_id=f"GB-CHC-{i}",
                recipient_name=recipient,
                data={},
                search_text=index_text(title, description, funder, recipient),
            )
        )
        if len(grants) == 10000:
            with transaction.atomic():
                PastGrant.objects.bulk_create(grants)
            grants = []
    if grants:
        with transaction.atomic():
            PastGrant.objects.bulk_create(grants)
    timings["generate past grants (s)"] = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            for table in ("funding_call_fts", "funding_pastgrant_fts"):
                sql = f"INSERT INTO {table}({table}) VALUES ('optimize')"  # noqa: S608
                cursor.execute(sql)
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return timings


def _save_calls(batch: list[Any]) -> None:
    """Insert calls with their one deadline each. The deadline columns of the
    call are set before the insert: an UPDATE afterwards would recompute
    PostgreSQL's generated search vector of every row."""
    from django.db import transaction

    from evidencehub.apps.funding.models import Call, Deadline

    with transaction.atomic():
        created = Call.objects.bulk_create(batch)
        Deadline.objects.bulk_create(
            Deadline(
                call_id=call.pk,
                due_date=call.last_deadline_at.date(),
                due_at=call.last_deadline_at,
            )
            for call in created
        )


def queries(n: int) -> list[dict[str, Any]]:
    rng = random.Random(80)
    out: list[dict[str, Any]] = []
    for i in range(n):
        words = " ".join(rng.sample(TOPIC_WORDS, rng.choice([1, 2, 2, 3])))
        if i % 10 == 0:
            words = f"{rng.choice(CODES)}-{rng.randint(2021, 2027)}"
        params: dict[str, Any] = {"q": words}
        if rng.random() < 0.5:
            params["country"] = rng.choice(COUNTRIES)
        if rng.random() < 0.3:
            params["theme"] = rng.choice(THEMES)
        if rng.random() < 0.2:
            params["sort"] = rng.choice(["deadline", "amount"])
        out.append(params)
    return out


def measure(
    label: str, fn: Callable[[dict[str, Any]], Any], items: list[dict[str, Any]]
) -> dict[str, Any]:
    for params in items[:5]:  # warm caches
        fn(params)
    samples = []
    for params in items:
        started = time.perf_counter()
        fn(params)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "label": label,
        "p50": statistics.median(samples),
        "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
        "max": samples[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--grants", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", default="", help="a directory kept by --keep: measure only"
    )
    args = parser.parse_args()
    if args.reuse:
        workdir = Path(args.reuse)
        args.keep = True
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-funders-"))
    try:
        setup(args, workdir)
        timings = {} if args.reuse else generate(args)
        from django.db import connection

        from evidencehub.apps.funding.search import bare_full_text_ids
        from evidencehub.apps.funding.selectors import (
            facet_counts,
            search_calls,
            search_grants,
        )

        items = queries(args.queries)
        results = [
            measure("search_calls (page + count + filters)", search_calls, items),
            measure(
                "bare FTS on calls (top 20)",
                lambda p: bare_full_text_ids("funding_call", p["q"]),
                items,
            ),
            measure("search_grants (top 20)", lambda p: search_grants(p["q"]), items),
            measure(
                "bare FTS on past grants (top 20)",
                lambda p: bare_full_text_ids("funding_pastgrant", p["q"]),
                items,
            ),
            measure("facet_counts", facet_counts, items[: max(20, args.queries // 4)]),
        ]
        by = {r["label"]: r for r in results}
        ratio_calls = (
            by["search_calls (page + count + filters)"]["p95"]
            / by["bare FTS on calls (top 20)"]["p95"]
        )
        ratio_grants = (
            by["search_grants (top 20)"]["p95"]
            / by["bare FTS on past grants (top 20)"]["p95"]
        )
        print(
            f"## Funder search benchmark ({connection.vendor}, {args.calls:,} calls, "
            f"{args.grants:,} past grants, {args.queries} queries)\n"
        )
        for name, value in timings.items():
            print(f"- {name}: {value:.1f}")
        print("\n| measure | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|")
        for r in results:
            print(
                f"| {r['label']} | {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.2f} |"
            )
        print(
            f"\nsearch_calls p95 / bare p95 = **{ratio_calls:.2f}x** "
            "(target <= 2x; p95 target < 50 ms)"
        )
        print(f"search_grants p95 / bare p95 = **{ratio_grants:.2f}x**")
        print(
            "\n"
            + json.dumps(
                {
                    "ratio_calls": round(ratio_calls, 2),
                    "ratio_grants": round(ratio_grants, 2),
                }
            )
        )
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
