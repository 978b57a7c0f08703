"""Benchmark of anonymous collection (issue 3), in one run on this machine.

Measures, against baselines taken in the same run:

1. events/s accepted through real HTTP (gunicorn, `evidencehub.config.wsgi`)
   in batches of 100, versus a raw ``executemany`` of the same rows, in the
   same batches and with the same per-batch commit and SQLite settings
   (WAL, synchronous=FULL), into the same database;
2. p50/p95 latency of single-event requests;
3. peak memory (max RSS) of ``evidencehub import events`` on a generated
   10-million-row CSV file, versus the peak memory of a bare Django process.

Usage: ``.venv/bin/python bench/collect.py [--batches 400] [--clients 2]
[--singles 500] [--import-rows 10000000] [--keep]``. Prints a Markdown table.
Targets from the issue: >= 5,000 events/s on SQLite, >= 0.5 x raw, import peak
< 300 MB.
"""

# ruff: noqa: S603 - runs this repository's own Python and commands
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
ORIGIN = "https://bench.example"
SETTINGS = """
from evidencehub.config.settings_test import *  # noqa
EVIDENCEHUB_COLLECT_CLIENT_REQUESTS_PER_MINUTE = 10**9
EVIDENCEHUB_COLLECT_KEY_EVENTS_PER_MINUTE = 10**12
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
"""


def _env(var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": f"{var}:{REPO / 'src'}",
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "EVIDENCEHUB_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'bench.sqlite3'}",
        }
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _manage(var: Path, code: str) -> str:
    out = subprocess.run(
        [PYTHON, "-c", "import django; django.setup()\n" + code],
        env=_env(var),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


SETUP = """
from evidencehub.apps.accounts.models import User
from evidencehub.apps.accounts.services import organisation_create
from evidencehub.apps.initiatives.services import initiative_create
from evidencehub.apps.collect.services import key_create, collection_settings_update
u = User.objects.create_user("bench@example.org", "a-long-bench-password")
o = organisation_create(actor=u, name="Bench", slug="bench", country="DE")
i = initiative_create(actor=u, organisation=o, name="Bench", slug="bench",
    intervention_type="online_self_help", prevention_level="secondary",
    delivery_mode="online", target_groups=["own_thoughts_or_behaviour"],
    countries=["DE"], languages=["de"])
collection_settings_update(actor=u, initiative=i, modules=["m1", "m2", "m3"])
k = key_create(actor=u, initiative=i, kind="site", name="b",
    allowed_origins=["https://bench.example"])
print(k.token, i.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _event(rng: random.Random) -> dict[str, object]:
    ev: dict[str, object] = {
        "type": rng.choice(["page_view", "module_started", "module_completed"]),
        "channel": rng.choice(["web", "onion"]),
        "locale": rng.choice(["de", "en", "nl-BE"]),
    }
    if ev["type"] != "page_view":
        ev["module"] = rng.choice(["m1", "m2", "m3"])
    return ev


def _post(port: int, body: bytes, ip: str) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/api/v1/collect",
        body=body,
        headers={
            "Content-Type": "text/plain",
            "Origin": ORIGIN,
            "User-Agent": UA,
            "X-Bench-Ip": ip,
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - start


def _http_batches(port: int, key: str, batches: int, clients: int) -> float:
    rng = random.Random(1)
    bodies = [
        json.dumps({"key": key, "events": [_event(rng) for _ in range(100)]}).encode()
        for _ in range(batches)
    ]
    failures: list[int] = []

    def worker(part: list[bytes], n: int) -> None:
        for j, body in enumerate(part):
            status, _ = _post(port, body, f"198.51.{n}.{j % 250}")
            if status != 200:
                failures.append(status)

    parts = [bodies[i::clients] for i in range(clients)]
    threads = [
        threading.Thread(target=worker, args=(p, n)) for n, p in enumerate(parts)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"{len(failures)} batches failed: {sorted(set(failures))}")
    return batches * 100 / elapsed


def _raw_baseline(db: Path, initiative_id: int, batches: int) -> float:
    """The same rows, adapted exactly as the app stores them, inserted with
    sqlite3 executemany, one transaction (and commit) per batch of 100."""
    rng = random.Random(1)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    visitor = "0" * 32
    rows = [
        [
            (
                initiative_id,
                now.strftime("%Y-%m-%d %H:%M:%S"),
                now.date().isoformat(),
                ev["type"],
                ev.get("module", ""),
                ev["channel"],
                ev["locale"],
                "",
                "",
                None,
                visitor,
                None,
                "snippet",
            )
            for ev in (_event(rng) for _ in range(100))
        ]
        for _ in range(batches)
    ]
    sql = (
        "INSERT INTO collect_event (initiative_id, occurred, day, type, module, "
        "channel, locale, referrer, campaign, value, visitor, client_id_hash, source) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"
    )
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    start = time.perf_counter()
    for batch in rows:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, batch)
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return batches * 100 / elapsed


def _singles(port: int, key: str, n: int) -> tuple[float, float]:
    rng = random.Random(2)
    latencies = []
    for i in range(n):
        body = json.dumps({"key": key, **_event(rng)}).encode()
        status, seconds = _post(port, body, f"203.0.113.{i % 250}")
        if status != 200:
            raise SystemExit(f"single event failed with {status}")
        latencies.append(seconds * 1000)
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))]


def _write_import_file(path: Path, rows: int) -> None:
    rng = random.Random(3)
    now = datetime.now(UTC)
    times = [
        (now - timedelta(hours=h)).strftime("%Y-%m-%dT%H:00:00Z")
        for h in range(1, 24 * 60)
    ]
    types = ["page_view", "module_started", "module_completed", "resource_downloaded"]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("type,module,channel,locale,time\n")
        chunk = []
        for i in range(rows):
            t = types[i % 4]
            module = f"m{i % 3 + 1}" if t.startswith("module") else ""
            chunk.append(f"{t},{module},web,de,{rng.choice(times)}\n")
            if len(chunk) == 100_000:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))


PEAK = """
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:])
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("PEAK_KB", peak_kb, "RC", proc.returncode, flush=True)
"""


def _peak(var: Path, argv: list[str]) -> tuple[float, float, int]:
    start = time.perf_counter()
    out = subprocess.run(
        [PYTHON, "-c", PEAK, *argv],
        env=_env(var),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    line = [x for x in out.stdout.splitlines() if x.startswith("PEAK_KB")][-1]
    parts = line.split()
    if parts[3] != "0":
        raise SystemExit(f"import failed: {out.stdout[-2000:]} {out.stderr[-2000:]}")
    return int(parts[1]) / 1024, elapsed, int(parts[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=400)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument("--import-rows", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="evidencehub-bench-"))
    (var / "bench_settings.py").write_text(
        SETTINGS + '\nEVIDENCEHUB_CLIENT_IP_HEADER = "HTTP_X_BENCH_IP"\n'
    )
    db = var / "bench.sqlite3"
    results: list[tuple[str, str]] = []
    server = None
    try:
        subprocess.run(
            [PYTHON, "-m", "evidencehub", "migrate", "-v", "0"],
            env=_env(var),
            check=True,
        )
        token, initiative_id = _manage(var, SETUP).split()
        port = _free_port()
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "evidencehub.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            env=_env(var),
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        _http_batches(port, token, 20, 1)  # warm up both workers
        http_rate = _http_batches(port, token, args.batches, args.clients)
        raw_rate = _raw_baseline(db, int(initiative_id), args.batches)
        p50, p95 = _singles(port, token, args.singles)
        results += [
            ("HTTP, batches of 100 (events/s)", f"{http_rate:,.0f}"),
            ("raw executemany, same rows and batches (events/s)", f"{raw_rate:,.0f}"),
            ("ratio HTTP / raw", f"{http_rate / raw_rate:.2f}"),
            ("single events, p50 latency (ms)", f"{p50:.1f}"),
            ("single events, p95 latency (ms)", f"{p95:.1f}"),
        ]
        server.terminate()
        server.wait(timeout=20)
        server = None
        if args.import_rows:
            path = var / "events.csv"
            t0 = time.perf_counter()
            _write_import_file(path, args.import_rows)
            gen = time.perf_counter() - t0
            base_mb, _, _ = _peak(var, [PYTHON, "-m", "evidencehub", "check"])
            peak_mb, seconds, _ = _peak(
                var,
                [
                    PYTHON,
                    "-m",
                    "evidencehub",
                    "import",
                    "events",
                    str(path),
                    "--initiative",
                    "bench",
                    "--no-progress",
                ],
            )
            results += [
                (
                    f"import of {args.import_rows:,} rows "
                    f"({path.stat().st_size / 1e6:,.0f} MB): peak RSS (MB)",
                    f"{peak_mb:,.0f}",
                ),
                (
                    "bare Django process (`evidencehub check`): peak RSS (MB)",
                    f"{base_mb:,.0f}",
                ),
                (
                    "import wall time (s, validation pass + import pass)",
                    f"{seconds:,.0f}",
                ),
                ("import rows/s (both passes)", f"{args.import_rows / seconds:,.0f}"),
                ("(file generation, s)", f"{gen:,.0f}"),
            ]
    finally:
        if server is not None:
            server.terminate()
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)
        else:
            print(f"kept {var}", file=sys.stderr)
    print(
        f"# bench/collect.py — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}"
    )
    print()
    print("| measure | value |")
    print("| --- | ---: |")
    for name, value in results:
        print(f"| {name} | {value} |")
    _ = resource  # the child measures with getrusage


if __name__ == "__main__":
    main()
