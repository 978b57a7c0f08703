"""CSV/XLSX/JSON-lines imports of costs, funding sources, staff posts,
training records and staff periods through the shared reader
(``evidencehub.core.tabular``). All or nothing: the whole file is validated
first and every bad row is reported with its line and column; a file with
any error imports nothing. Columns are the field names of
``fields.KIND_FIELDS[kind]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evidencehub.apps.accounts.models import User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.operations import fields, services
from evidencehub.core.tabular import Table

IMPORT_KINDS = ("cost", "funding", "post", "training", "staffperiod")
MAX_ROWS = 20_000
MAX_REPORTED = 500


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def committed(self) -> bool:
        return self.imported > 0

    def add(self, line: int, errors: dict[str, Any]) -> None:
        for column, message in errors.items():
            self.error_count += 1
            if len(self.errors) < MAX_REPORTED:
                text = message if isinstance(message, str) else " ".join(message)
                self.errors.append(RowError(line, column, text))


def import_table(
    *, kind: str, table: Table, initiative: Initiative, actor: User | None
) -> ImportReport:
    """Validate every row of ``table`` and, when none has an error, save all
    of them in one transaction (one audit event ``evidencehub.<object>.imported``)."""
    report = ImportReport(kind)
    known = {f.name for f in fields.KIND_FIELDS[kind]}
    unknown = [h for h in table.headers if h not in known]
    if unknown:
        report.add(1, dict.fromkeys(unknown, "Unknown column."))
        return report
    clean_rows: list[dict[str, Any]] = []
    for row in table:
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.add(row.line, {"file": f"More than {MAX_ROWS} rows."})
            break
        if row.errors:
            report.add(row.line, row.errors)
            continue
        try:
            clean_rows.append(
                services.validate(kind, initiative=initiative, data=row.values)
            )
        except ValidationError as exc:
            report.add(row.line, exc.message_dict)
    if report.error_count or not clean_rows:
        return report
    model = services.MODELS[kind]
    try:
        with transaction.atomic():
            for clean in clean_rows:
                model.objects.create(initiative=initiative, **clean)
    except IntegrityError:
        report.add(0, {"file": "A row repeats a record that already exists."})
        return report
    report.imported = len(clean_rows)
    audit_record(
        action=f"evidencehub.{services.AUDIT_OBJECT[kind]}.imported",
        actor=actor,
        organisation=initiative.organisation,
        data={"initiative": initiative.slug, "rows": report.imported},
    )
    return report
