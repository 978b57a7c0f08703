"""``evidencehub report``: the evaluation report of one initiative and period,
or a consortium report, as PDF or HTML, with a progress bar.

Examples::

    evidencehub report --initiative demo-helpline --period 2026 -o report.pdf
    evidencehub report --initiative demo-helpline --period 2026 --format html \\
        --language de --audience outside -o bericht.html
    evidencehub report --consortium demo-consortium --type helpline \\
        --period 2026 -o consortium.pdf
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from evidencehub.apps.accounts.models import Consortium
from evidencehub.apps.disclosure.selectors import Audience
from evidencehub.apps.initiatives.models import Initiative, InterventionType
from evidencehub.apps.reports.rendering import (
    FORMATS,
    ReportError,
    render_consortium_report,
    render_report,
)
from evidencehub.core.kpis.results import Period, PeriodError, parse_period


def _output(path_text: str) -> Path:
    """The output file, checked before any work is done."""
    if "\x00" in path_text:
        raise CommandError("-o/--output: not a usable file name (NUL byte).")
    path = Path(path_text).expanduser()
    if path.is_dir():
        raise CommandError(f"-o/--output: {path} is a folder; give a file name.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"-o/--output: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK) or (
        path.exists() and not os.access(path, os.W_OK)
    ):
        raise CommandError(f"-o/--output: cannot write to {path}.")
    return path


class Command(BaseCommand):
    help = (
        "Write the evaluation report of an initiative (--initiative) or a "
        "consortium report (--consortium and --type) for a period, as PDF or HTML."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--initiative", help="initiative slug")
        which.add_argument("--consortium", help="consortium slug")
        parser.add_argument(
            "--type",
            choices=InterventionType.values,
            help="intervention type to compare (with --consortium)",
        )
        parser.add_argument(
            "--period", required=True, help="2026, 2026-Q1, 2026-03 or a..b"
        )
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument(
            "--language",
            choices=[code for code, _n in settings.LANGUAGES],
            default="en",
        )
        parser.add_argument(
            "--audience",
            choices=[a.value for a in Audience],
            default=Audience.INTERNAL.value,
            help="internal (the organisation's own, marked as such) or outside "
            "(released figures only); consortium reports are always outside",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="do not show a progress bar"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            period = parse_period(opts["period"])
        except PeriodError as exc:
            raise CommandError(f"--period: {exc}") from None
        try:
            path = _output(opts["output"])
        except (ValueError, OSError) as exc:  # e.g. a NUL byte in the name
            raise CommandError(f"-o/--output: not a usable file name: {exc}") from None
        try:
            data = self._render(period, opts)
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        try:
            path.write_bytes(data)
        except (OSError, ValueError) as exc:
            raise CommandError(f"-o/--output: cannot write {path}: {exc}") from None
        self.stdout.write(f"wrote {path} ({len(data):,} bytes, {opts['format']})")

    def _render(self, period: Period, opts: dict[str, Any]) -> bytes:
        common = {"period": period, "language": opts["language"], "fmt": opts["format"]}
        if opts["initiative"]:
            initiative = Initiative.objects.filter(slug=opts["initiative"]).first()
            if initiative is None:
                raise CommandError(
                    f"--initiative: no initiative {opts['initiative']!r}."
                )
            audience = Audience(opts["audience"])
            with _bar(opts["no_progress"]) as progress:
                return render_report(
                    initiative=initiative,
                    audience=audience,
                    progress=progress,
                    **common,
                )
        consortium = Consortium.objects.filter(slug=opts["consortium"]).first()
        if consortium is None:
            raise CommandError(f"--consortium: no consortium {opts['consortium']!r}.")
        if not opts["type"]:
            raise CommandError("--type: required with --consortium.")
        with _bar(opts["no_progress"]) as progress:
            return render_consortium_report(
                consortium=consortium,
                intervention_type=opts["type"],
                progress=progress,
                **common,
            )


@contextmanager
def _bar(quiet: bool) -> Iterator[Callable[[int, int, str], None]]:
    """A rich progress bar on standard error, fed by the renderer's
    ``progress(done, total, step)`` callback."""
    columns = (
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), disable=quiet) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, step: str) -> None:
            bar.update(task, completed=done, total=total, description=step)

        yield progress
