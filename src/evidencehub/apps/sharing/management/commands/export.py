"""``evidencehub export --initiative SLUG --period P --format csv|xlsx|json -o FILE
[--audience internal|outside]``: KPI results as a file, with data dictionary and
provenance. ``outside`` (the default) passes the release pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from evidencehub.apps.disclosure.selectors import Audience
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.sharing import exports
from evidencehub.apps.sharing.services import export_create
from evidencehub.core.kpis.results import PeriodError, parse_period

NO_ROWS = (
    " No KPI results are stored for this period: run `evidencehub kpi compute` first."
)


class Command(BaseCommand):
    help = "Export KPI results (csv = a zip with the data dictionary, xlsx, json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--initiative", required=True, help="initiative slug")
        parser.add_argument(
            "--period", required=True, help="2026, 2026-Q1, 2026-03, a..b"
        )
        parser.add_argument("--format", required=True, choices=exports.FORMATS)
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument(
            "--audience",
            choices=[a.value for a in Audience],
            default=Audience.OUTSIDE.value,
            help="outside (default): passes disclosure control; internal: marked so",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        initiative = (
            Initiative.objects.select_related("organisation")
            .filter(slug=opts["initiative"])
            .first()
        )
        if initiative is None:
            raise CommandError(f"--initiative: no initiative {opts['initiative']!r}.")
        try:
            period = parse_period(opts["period"])
        except PeriodError as exc:
            raise CommandError(f"--period: {exc}") from None
        target = Path(opts["output"])
        if not target.parent.is_dir():
            raise CommandError(f"-o: the folder {str(target.parent)!r} does not exist.")
        audience = Audience(opts["audience"])
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            disable=opts["quiet"],
            transient=True,
        ) as bar:
            task = bar.add_task("Exporting rows", total=None)

            def progress(done: int, total: int, step: str) -> None:
                bar.update(task, completed=done, total=total)

            out = export_create(
                actor=None,
                initiative=initiative,
                period=period,
                fmt=opts["format"],
                audience=audience,
                via="cli",
                progress=progress,
            )
        try:
            target.write_bytes(out.content)
        except OSError as exc:
            raise CommandError(
                f"-o: cannot write {str(target)!r}: {exc.strerror}"
            ) from None
        note = "" if out.rows else NO_ROWS
        self.stdout.write(
            f"Wrote {target} ({opts['format']}, {audience.value}, "
            f"{out.rows} rows).{note}"
        )
