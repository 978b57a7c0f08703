"""``evidencehub rollup``: refresh the daily rollups incrementally."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evidencehub.apps.collect.services import rollup_rebuild, rollup_run


class Command(BaseCommand):
    help = "Roll up events that arrived since the last run (incremental)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            metavar="SLUG",
            help="recompute every day of this initiative that still has raw events",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["rebuild"]:
            from evidencehub.apps.initiatives.models import Initiative

            initiative = Initiative.objects.get(slug=opts["rebuild"])
            days = rollup_rebuild(initiative=initiative)
            self.stdout.write(f"Rebuilt {days} days of {initiative.slug}.")
            return
        result = rollup_run()
        self.stdout.write(
            f"Rolled up {result.events} events into {result.days} initiative-days."
        )
