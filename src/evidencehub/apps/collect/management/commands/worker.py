"""``evidencehub worker``: the scheduled runner of the default install (no
Redis, no Celery). Every ``--interval`` seconds it rolls up new events; once
an hour (and at start) it purges raw events past retention and salts older
than 48 hours, and applies questionnaire-response retention. Stop it with
Ctrl+C or SIGTERM."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from evidencehub.apps.collect.services import purge_run, rollup_run
from evidencehub.apps.instruments.services import responses_purge_run


class Command(BaseCommand):
    help = "Run rollups every few minutes and the purge every hour, until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=300, help="seconds")
        parser.add_argument("--purge-every", type=int, default=3600, help="seconds")
        parser.add_argument(
            "--once", action="store_true", help="one rollup and one purge, then exit"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        stop = {"now": False}

        def on_signal(signum: int, frame: Any) -> None:
            stop["now"] = True

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        next_purge = 0.0
        while True:
            if not connection.in_atomic_block:  # (tests run inside a transaction)
                close_old_connections()
            try:
                if time.monotonic() >= next_purge:
                    result = purge_run()
                    self.stdout.write(
                        f"purge: {result.events} events, {result.salts} salts"
                    )
                    answers = responses_purge_run()
                    self.stdout.write(
                        f"purge: {answers.unlinked} responses unlinked from codes, "
                        f"{answers.texts} free-text answers removed"
                    )
                    next_purge = time.monotonic() + opts["purge_every"]
                rolled = rollup_run()
                if rolled.events:
                    self.stdout.write(f"rollup: {rolled.events} events")
            except DatabaseError as exc:  # keep running; try again next round
                self.stderr.write(f"worker: database error, will retry: {exc}")
            if opts["once"] or stop["now"]:
                return
            deadline = time.monotonic() + opts["interval"]
            while time.monotonic() < deadline and not stop["now"]:
                time.sleep(0.5)
            if stop["now"]:
                return
