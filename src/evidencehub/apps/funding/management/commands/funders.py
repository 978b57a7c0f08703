"""``evidencehub funders <subcommand>``: the funders database from the shell.

Subcommands::

    load-seed                      load or refresh the researched seed records
    import-360giving FILE [--anonymise ID=REGION ...] [--json]
    export-360giving [--output FILE]
    search "words" [--country DE] [--theme T] [--funder-type T]
                   [--status open|closed|all ...] [--sort deadline|amount|relevance]
                   [--json]
    send-digests [--force] [--reminders-only]

Exit status: 0 on success, 1 when an import fails (nothing imported; the
report names each bad row), 2 for usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from evidencehub.apps.funding import digests
from evidencehub.apps.funding.imports import (
    ImportFailed,
    export_package,
    import_360giving,
)
from evidencehub.apps.funding.models import PastGrant
from evidencehub.apps.funding.selectors import commongrants, one_line_who, search_calls
from evidencehub.apps.funding.services import load_seed
from evidencehub.core.funding.giving360 import ATTRIBUTION, Giving360Error
from evidencehub.core.funding.matching import grant_range


class Command(BaseCommand):
    help = (
        "Funders database: load-seed, import-360giving, export-360giving, "
        "search, send-digests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-seed", help="load the researched seed records")
        imp = sub.add_parser(
            "import-360giving", help="import a 360Giving JSON/CSV/XLSX file"
        )
        imp.add_argument("file")
        imp.add_argument(
            "--anonymise",
            action="append",
            default=[],
            metavar="GRANT_ID=REGION",
            help="publish this grant's recipient anonymously, keeping only the region",
        )
        imp.add_argument("--json", action="store_true", help="print the report as JSON")
        exp = sub.add_parser(
            "export-360giving", help="write past grants as a 360Giving package"
        )
        exp.add_argument(
            "--output", default="-", help="file to write (default: stdout)"
        )
        search = sub.add_parser("search", help="search calls")
        search.add_argument("query", nargs="?", default="")
        search.add_argument("--country", action="append", default=[])
        search.add_argument("--theme", action="append", default=[])
        search.add_argument("--funder-type", action="append", default=[])
        search.add_argument("--status", action="append", default=[])
        search.add_argument("--sort", default="")
        search.add_argument("--page", default="1")
        search.add_argument("--json", action="store_true")
        send = sub.add_parser("send-digests", help="send weekly digests and reminders")
        send.add_argument("--force", action="store_true", help="ignore the weekly gate")
        send.add_argument("--reminders-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load-seed":
            counts = load_seed()
            self.stdout.write(
                f"Seed loaded: {counts['funders']} funders, {counts['programmes']} "
                f"programmes, {counts['calls']} calls ({counts['created']} new, "
                f"{counts['updated']} changed)."
            )
        elif action == "import-360giving":
            self._import(options)
        elif action == "export-360giving":
            self._export(options["output"])
        elif action == "search":
            self._search(options)
        elif action == "send-digests":
            reminders = digests.send_reminders()
            sent = (
                0
                if options["reminders_only"]
                else digests.send_digests(force=options["force"])
            )
            self.stdout.write(f"Sent {sent} digest(s) and {reminders} reminder(s).")

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        anonymise: dict[str, str] = {}
        for item in options["anonymise"]:
            grant_id, sep, region = item.partition("=")
            if not sep or not grant_id.strip():
                raise CommandError("--anonymise takes GRANT_ID=REGION")
            anonymise[grant_id.strip()] = region.strip()
        try:
            batch = import_360giving(
                actor=None,
                name=path.name,
                data=path.read_bytes(),
                anonymise_ids=anonymise,
            )
        except ImportFailed as exc:
            if options["json"]:
                self.stdout.write(json.dumps(exc.report, indent=2))
            else:
                self._print_report(exc.report)
            self.stderr.write(f"Import failed: {exc} Nothing was imported.")
            sys.exit(1)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    dict(batch.report, created=batch.created, updated=batch.updated),
                    indent=2,
                )
            )
            return
        self._print_report(batch.report)
        self.stdout.write(
            f"Imported {path.name}: {batch.created} new grant(s), "
            f"{batch.updated} updated, "
            f"{batch.duplicates} duplicate row(s) loaded once."
        )

    def _print_report(self, report: dict[str, Any]) -> None:
        if report.get("error"):
            self.stdout.write(f"Error: {report['error']}")
        for note in report.get("notes", []):
            self.stdout.write(f"Note: {note}")
        for item in report.get("duplicates", []):
            self.stdout.write(
                f"Row {item['row']} ({item['id']}): duplicate, "
                + "; ".join(item["messages"])
            )
        for item in report.get("errors", []):
            self.stdout.write(f"Row {item['row']} ({item['id'] or 'no id'}):")
            for message in item["messages"]:
                self.stdout.write(f"  - {message}")

    def _export(self, output: str) -> None:
        grants = PastGrant.objects.order_by("identifier")
        try:
            package = export_package(grants)
        except Giving360Error as exc:
            raise CommandError(
                "No grants to export." if not grants.exists() else str(exc)
            ) from None
        text = json.dumps(package, indent=2, ensure_ascii=False, default=str)
        if output == "-":
            self.stdout.write(text)
        else:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(
                f"Wrote {len(package['grants'])} grant(s) to {output}. {ATTRIBUTION}"
            )

    def _search(self, options: dict[str, Any]) -> None:
        params = {
            "q": options["query"],
            "country": options["country"],
            "theme": options["theme"],
            "funder_type": options["funder_type"],
            "status": options["status"],
            "sort": options["sort"],
            "page": options["page"],
        }
        now = timezone.now()
        result = search_calls(params, now=now)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "total": result.total,
                        "page": result.page,
                        "pages": result.pages,
                        "sort": result.sort,
                        "more_than_total": result.capped,
                        "closed_not_shown": result.closed_hidden,
                        "calls": [commongrants(c) for c in result.calls],
                    },
                    indent=2,
                    ensure_ascii=False,
                    default=str,
                )
            )
            return
        self.stdout.write(
            f"{'More than ' if result.capped else ''}{result.total} call(s) found "
            f"(page {result.page} of {result.pages}, "
            f"sorted by {result.sort})."
        )
        for call in result.calls:
            upcoming = [d for d in call.deadlines.all() if d.due_at >= now]
            when = (
                f"deadline {upcoming[0].due_date:%d %b %Y}"
                if upcoming
                else "open all year"
                if call.rolling
                else f"status: {call.get_status_display()}"
            )
            self.stdout.write(f"- {call.name}\n  {when}; grant {grant_range_of(call)}")
            who = one_line_who(call)
            if who:
                self.stdout.write(f"  Who can apply: {who}")
        if result.closed_hidden is None:
            self.stdout.write(
                "Closed calls are not shown; add --status all to see them."
            )
        elif result.closed_hidden:
            self.stdout.write(
                f"{result.closed_hidden} closed call(s) also match; "
                "add --status all to see them."
            )


def grant_range_of(call: Any) -> str:
    from evidencehub.apps.funding.selectors import call_facts

    text = grant_range(call_facts(call))
    return "amount not known" if text == "unknown" else text
