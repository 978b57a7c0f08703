"""``evidencehub purge``: roll up, then delete raw events past retention and
salts older than 48 hours."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evidencehub.apps.collect.services import purge_run


class Command(BaseCommand):
    help = (
        "Roll up new events, then delete raw events older than each "
        "organisation's retention period (default 90 days) and daily salts "
        "older than 48 hours. Daily rollups are kept."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        result = purge_run()
        self.stdout.write(
            f"Purged {result.events} raw events and {result.salts} old salts."
        )
        for slug, n in sorted(result.per_organisation.items()):
            self.stdout.write(f"  {slug}: {n} events")
