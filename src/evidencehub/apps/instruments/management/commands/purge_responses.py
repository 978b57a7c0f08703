"""``evidencehub purge_responses``: apply response retention (free text
removed, the link to user-held codes cut); answers and scores are kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evidencehub.apps.instruments.services import responses_purge_run


class Command(BaseCommand):
    help = (
        "For questionnaire responses older than each organisation's response "
        "retention (default 730 days): remove free-text answers and cut the "
        "link to user-held codes. Answers, scores and every figure stay."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        result = responses_purge_run()
        self.stdout.write(
            f"Unlinked {result.unlinked} responses from their codes; removed "
            f"free text from {result.texts}."
        )
        for slug, n in sorted(result.per_organisation.items()):
            self.stdout.write(f"  {slug}: {n} responses")
