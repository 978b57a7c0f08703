# ruff: noqa: N999 - the command is `evidencehub import`; Django names it by file.
"""``evidencehub import events|contacts|figures FILE --initiative SLUG``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidencehub.apps.collect.importers import KINDS, import_file
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.tabular import Table, TabularError, open_table


class Command(BaseCommand):
    help = (
        "Import service events, helpline contact records or aggregate figures "
        "from CSV (comma or semicolon; UTF-8 or Windows-1252), XLSX or JSON "
        "lines. Streams in constant memory. A file with errors imports nothing "
        "unless --skip-invalid is given; then bad rows go to a reject file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--initiative", required=True, help="initiative slug")
        parser.add_argument("--skip-invalid", action="store_true")
        parser.add_argument(
            "--reject-file",
            type=Path,
            help="where bad rows go with --skip-invalid (default FILE.rejects.csv)",
        )
        parser.add_argument("--format", choices=["csv", "xlsx", "jsonl"])
        parser.add_argument(
            "--delimiter", help="',' ';' 'tab' or '|' (default: detect)"
        )
        parser.add_argument("--encoding", help="default: detect (UTF-8, else cp1252)")
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        initiative = Initiative.objects.filter(slug=opts["initiative"]).first()
        if initiative is None:
            raise CommandError(
                f"no initiative with the short name {opts['initiative']!r}"
            )
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        delimiter = opts["delimiter"]
        if delimiter == "tab":
            delimiter = "\t"

        def opener() -> Table:
            return open_table(
                path,
                format=opts["format"],
                delimiter=delimiter,
                encoding=opts["encoding"],
            )

        size = max(1, path.stat().st_size)
        show = not opts["no_progress"] and sys.stderr.isatty()
        reject_path: Path | None = None
        reject_stream = None
        if opts["skip_invalid"]:
            reject_path = opts["reject_file"] or path.with_name(
                path.name + ".rejects.csv"
            )
            reject_stream = reject_path.open("w", encoding="utf-8", newline="")
        try:
            report = self._run(
                opts, initiative, opener, size, show, reject_stream, path
            )
        except TabularError as exc:
            raise CommandError(f"{path}: {exc}") from None
        finally:
            if reject_stream is not None:
                reject_stream.close()
        for error in report.errors:
            self.stderr.write(f"{path}: {error}")
        if report.error_count > len(report.errors):
            self.stderr.write(
                f"… and {report.error_count - len(report.errors)} more errors"
            )
        if not report.committed:
            raise CommandError(
                f"{report.rejected} of {report.rows} rows have errors; nothing was "
                "imported. Fix them, or use --skip-invalid to import the rest."
            )
        self.stdout.write(
            f"{report.imported} {opts['kind']} imported from {report.rows} rows"
            f" ({report.duplicates} duplicates skipped, {report.rejected} rejected)."
        )
        if reject_path is not None:
            if report.rejected:
                self.stdout.write(f"Rejected rows: {reject_path}")
            else:
                reject_path.unlink(missing_ok=True)

    def _run(
        self,
        opts: dict[str, Any],
        initiative: Initiative,
        opener: Any,
        size: int,
        show: bool,
        reject_stream: Any,
        path: Path,
    ) -> Any:
        kwargs = {
            "kind": opts["kind"],
            "initiative": initiative,
            "open_table": opener,
            "skip_invalid": opts["skip_invalid"],
            "rejects": reject_stream,
            "source_name": os.path.basename(path),
        }
        if not show:
            return import_file(**kwargs)
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        passes = 1 if opts["skip_invalid"] else 2
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rows]} rows"),
            TimeRemainingColumn(),
            transient=False,
        ) as bar:
            task = bar.add_task(
                "checking" if passes == 2 else "importing",
                total=size * passes,
                rows=0,
            )

            def progress(phase: str, table: Table, rows: int) -> None:
                offset = size if (phase == "importing" and passes == 2) else 0
                bar.update(
                    task,
                    description=phase,
                    completed=offset + min(size, table.bytes_read()),
                    rows=rows,
                )

            report = import_file(**kwargs, progress=progress)
            if report.committed:
                bar.update(task, completed=size * passes)
            return report
