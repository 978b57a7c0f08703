"""File imports of events, contact records and aggregate figures, through the
one shared reader (``evidencehub.core.tabular``).

Constant memory: rows stream from the file and are written in batches;
only the first ``MAX_REPORTED`` errors are kept for the report. A file with
errors imports nothing unless ``skip_invalid`` is set: the file is validated
in a first pass that writes nothing, then imported in short transactions (so
live collection is never blocked for long). With ``skip_invalid`` the bad rows
go to a reject file (CSV, the original cells plus ``line`` and ``errors``).
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.collect import services
from evidencehub.apps.collect.models import ContactRecord, Source
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.collect import contacts as contact_codes
from evidencehub.core.collect import events as event_codes
from evidencehub.core.collect import figures as figure_codes
from evidencehub.core.tabular import Row, Table, TabularError

MAX_REPORTED = 1000
BATCH = 5000
KINDS = ("events", "contacts", "figures")
_AUDIT_OBJECT = {
    "events": "events",
    "contacts": "contact_records",
    "figures": "aggregate_figures",
}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False

    def add_errors(self, line: int, errors: dict[str, str]) -> None:
        self.error_count += len(errors)
        for column, message in errors.items():
            if len(self.errors) < MAX_REPORTED:
                self.errors.append(RowError(line, column, message))


def _event_time(value: str) -> str:
    """Files often carry a date or a naive date-time: read both as UTC."""
    value = value.strip()
    if not value:
        return ""
    if len(value) == 10:
        try:
            return datetime.combine(date.fromisoformat(value), time(0), UTC).isoformat()
        except ValueError:
            return value
    parsed = event_codes.parse_time(value)
    if parsed is None:
        try:
            naive = datetime.fromisoformat(value)
        except ValueError:
            return value
        if naive.tzinfo is None:
            return naive.replace(tzinfo=UTC).isoformat()
    return value


_ID_MESSAGE = "Use 8 to 64 letters, digits, '-' or '_' (e.g. a UUID)."


class _Validator:
    """Turns rows into clean objects (or errors) for one kind of import."""

    def __init__(self, kind: str, initiative: Initiative, now: datetime) -> None:
        self.kind = kind
        self.initiative = initiative
        self.now = now
        self.today = now.astimezone(UTC).date()
        self.declared = services.declared_for(initiative=initiative)
        days = services.retention_days(organisation=initiative.organisation)
        self.max_age = timedelta(days=days)
        # Exports repeat the same few combinations of type, module, channel,
        # locale and hour over and over: validating each distinct combination
        # once roughly halves the cost per row. The client id differs per row
        # and is checked on its own. Bounded, so memory stays constant.
        self._seen: dict[tuple[tuple[str, str], ...], Any] = {}

    def check(self, row: Row) -> tuple[Any, dict[str, str]]:
        if row.errors:
            return None, row.errors
        values = row.values
        if self.kind == "events":
            raw = {k: v for k, v in values.items() if v.strip() != ""}
            client_id = raw.pop("id", "")
            key = tuple(sorted(raw.items()))
            result = self._seen.get(key)
            if result is None:
                if "time" in raw:
                    raw["time"] = _event_time(raw["time"])
                result = event_codes.validate_event(
                    raw, declared=self.declared, now=self.now, max_age=self.max_age
                )
                if len(self._seen) >= 100_000:
                    self._seen.clear()
                self._seen[key] = result
            event, errors = result
            if not client_id:
                return event, errors
            if not event_codes.CLIENT_ID_PATTERN.match(client_id.strip()):
                return None, {**errors, "id": _ID_MESSAGE}
            if event is None:
                return None, errors
            return dataclasses.replace(event, client_id=client_id.strip()), {}
        if self.kind == "contacts":
            clean, errors = contact_codes.validate_contact(values, today=self.today)
            if clean is not None and clean.pseudonym:
                try:
                    from evidencehub.core import codes

                    codes.normalise_pseudonym(clean.pseudonym)
                except codes.CodeError as exc:
                    return None, {"pseudonym": str(exc)}
            return clean, errors
        return figure_codes.validate_figure(values, today=self.today)


class _Rejects:
    def __init__(self, stream: IO[str] | None) -> None:
        self.stream = stream
        self.writer: Any = None
        self.columns: list[str] = []

    def write(self, row: Row, errors: dict[str, str], headers: list[str]) -> None:
        if self.stream is None:
            return
        if self.writer is None:
            self.columns = list(headers)
            self.writer = csv.writer(self.stream)
            self.writer.writerow(["line", "errors", *self.columns])
        message = "; ".join(f"{k}: {v}" for k, v in errors.items())
        self.writer.writerow(
            [row.line, message, *(row.values.get(c, "") for c in self.columns)]
        )


def _batches(
    table: Table, validator: _Validator, report: ImportReport, rejects: _Rejects
) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in table:
        report.rows += 1
        clean, errors = validator.check(row)
        if clean is None:
            report.rejected += 1
            report.add_errors(row.line, errors)
            rejects.write(row, errors, table.headers)
            continue
        batch.append(clean)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(
    kind: str,
    initiative: Initiative,
    batch: list[Any],
    actor: User | None,
    now: datetime,
    report: ImportReport,
) -> None:
    with transaction.atomic():
        if kind == "events":
            resolution = services.collection_settings(
                initiative=initiative
            ).time_resolution
            rows = services.event_values(
                initiative_id=initiative.pk,
                events=batch,
                visitor="",
                source=Source.IMPORT,
                now=now,
                resolution=resolution,
            )
            rows, dup = services.dedupe_events(initiative.pk, rows)
            services.insert_events(rows)
            report.duplicates += dup
            report.imported += len(rows)
        elif kind == "contacts":
            ContactRecord.objects.bulk_create(
                [
                    services.contact_row(
                        initiative=initiative,
                        clean=c,
                        source=Source.IMPORT,
                        actor=actor,
                    )
                    for c in batch
                ]
            )
            report.imported += len(batch)
        else:
            for clean in batch:
                services.figure_save(actor=actor, initiative=initiative, clean=clean)  # type: ignore[arg-type]
            report.imported += len(batch)


def import_file(
    *,
    kind: str,
    initiative: Initiative,
    open_table: Callable[[], Table],
    actor: User | None = None,
    skip_invalid: bool = False,
    rejects: IO[str] | None = None,
    progress: Callable[[str, Table, int], None] | None = None,
    source_name: str = "",
) -> ImportReport:
    """Import a file of ``kind`` (events, contacts or figures).

    ``open_table`` opens the file afresh (it is read twice when
    ``skip_invalid`` is off). ``progress(phase, table, rows_so_far)`` is
    called after every batch, ``phase`` being "checking" or "importing".

    Raises:
        TabularError: the file itself cannot be read (nothing is imported).
        ValueError: unknown ``kind``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    now = timezone.now()
    validator = _Validator(kind, initiative, now)
    report = ImportReport(kind=kind)
    if not skip_invalid:
        with open_table() as table:
            for _batch in _batches(table, validator, report, _Rejects(None)):
                if progress:
                    progress("checking", table, report.rows)
        if report.rejected:
            return report
        report = ImportReport(kind=kind)
    reject_writer = _Rejects(rejects)
    with open_table() as table:
        for batch in _batches(table, validator, report, reject_writer):
            _write(kind, initiative, batch, actor, now, report)
            if progress:
                progress("importing", table, report.rows)
    report.committed = True
    audit_record(
        action=f"evidencehub.{_AUDIT_OBJECT[kind]}.imported",
        actor=actor,
        organisation=initiative.organisation,
        obj=initiative,
        actor_label="" if actor else "evidencehub import",
        data={
            "file": source_name[:200],
            "rows": report.rows,
            "imported": report.imported,
            "duplicates": report.duplicates,
            "rejected": report.rejected,
        },
    )
    return report


__all__ = ["ImportReport", "RowError", "TabularError", "import_file"]
