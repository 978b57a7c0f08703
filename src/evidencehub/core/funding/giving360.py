"""360Giving Data Standard: read, validate and write grants, offline.

Source: 360Giving Data Standard 1.4.3 (https://standard.threesixtygiving.org/,
CC BY 4.0), schema copied into ``evidencehub/catalogue/360giving/``.

* JSON packages: ``{"grants": [...], ...metadata}``; a bare list of grants or a
  package without metadata is accepted (metadata is optional in the standard).
* Flat files (CSV/XLSX, read by :mod:`evidencehub.core.tabular`): one grant
  per row, columns titled as in the standard's spreadsheet template
  (``Recipient Org:Identifier``). Titles are
  matched without regard to case or surrounding spaces; unknown columns are
  kept out of the grant and reported once as "not part of the standard".
* Validation uses the schema itself (Draft 2020-12) through a local
  ``referencing.Registry``; the two quirks in the shipped README are handled:
  the ``http`` ``$schema`` URI is not auto-detected, so the resource is built
  with ``DRAFT202012`` explicitly, and the package schema's ``$ref`` to the
  1.4.2 grant schema resolves to the local 1.4.3 copy.
* Dates: ``awardDate`` may be ``YYYY-MM-DD`` or a full date-time; spreadsheet
  dates become ``YYYY-MM-DD`` (midnight) or ISO date-times. Numbers may be
  integers or decimals. Identifier-like cells written as numbers (charity
  numbers) are turned into strings because the schema types them as strings.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import (  # type: ignore[import-untyped]
    Draft202012Validator,
    FormatChecker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from evidencehub.core.tabular import TabularError, open_table

CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue" / "360giving"
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
)
ATTRIBUTION = (
    "360Giving Data Standard schema © 360Giving, licensed CC BY 4.0, "
    "https://standard.threesixtygiving.org/"
)
MAX_ERRORS_PER_ROW = 10
ANONYMOUS_NAME = "Anonymous Recipient"


class Giving360Error(ValueError):
    """The file cannot be read as 360Giving data at all (not a row problem)."""


@cache
def schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """(grant schema, package schema) as shipped."""
    grant = json.loads((CATALOGUE / "360-giving-schema.json").read_text("utf-8"))
    package = json.loads(
        (CATALOGUE / "360-giving-package-schema.json").read_text("utf-8")
    )
    return grant, package


@cache
def _registry() -> Registry[Any]:
    grant, _package = schemas()
    # Explicit: the schema's http:// $schema is not auto-detected by referencing.
    resource = DRAFT202012.create_resource(grant)
    return Registry().with_resources((url, resource) for url in GRANT_SCHEMA_URLS)


_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$"
)


def _is_date_time(value: object) -> bool:
    # The schema's awardDate is oneOf(date-time, YYYY-MM-DD): without a real
    # date-time check a plain date would match both branches and fail oneOf.
    # jsonschema's own check needs an extra package (rfc3339-validator).
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


@cache
def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_is_date_time)
    checker.checks("date")(_is_date)
    return checker


@cache
def grant_validator() -> Draft202012Validator:
    grant, _package = schemas()
    return Draft202012Validator(
        grant, registry=_registry(), format_checker=_format_checker()
    )


@cache
def package_validator() -> Draft202012Validator:
    _grant, package = schemas()
    return Draft202012Validator(
        package, registry=_registry(), format_checker=_format_checker()
    )


@cache
def codelist(name: str) -> frozenset[str]:
    """Codes of a shipped codelist (``currency``, ``countryCode``, ...)."""
    path = CATALOGUE / "codelists" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


@cache
def field_titles() -> dict[str, tuple[str, str]]:
    """Lower-cased column title -> (JSON path with ``/0/`` indexes, JSON type)."""
    result: dict[str, tuple[str, str]] = {}
    path = CATALOGUE / "360giving-field-titles-derived.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            result[_norm_title(row["column_title"])] = (row["json_path"], row["type"])
    return result


def _norm_title(title: str) -> str:
    # The shape of evidencehub.core.tabular.normalise_header, so a title as
    # written ("Recipient Org:Identifier") and as the shared reader hands it
    # over ("recipient_org:identifier") meet.
    return re.sub(r"[\s\-_]+", "_", str(title).replace("\ufeff", "").strip().casefold())


def _path_for_title(title: str) -> tuple[list[str | int], str] | None:
    """Map ``Related Document:2:Title`` style titles to a JSON path.

    A numeric segment picks the item of a one-to-many list; without one the
    first item (0) is used, as in the standard's single-sheet template.
    """
    parts = [p.strip() for p in str(title).split(":")]
    indexes = [int(p) for p in parts if p.isdigit()]
    plain = ":".join(p for p in parts if not p.isdigit())
    known = field_titles().get(_norm_title(plain))
    if known is None:
        return None
    json_path, json_type = known
    segments: list[str | int] = []
    for segment in json_path.split("/"):
        if segment.isdigit():
            segments.append(indexes.pop(0) if indexes else 0)
        else:
            segments.append(segment)
    return segments, json_type


_SPACED_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _cell(value: Any, json_type: str) -> Any:
    """Convert a spreadsheet cell to the JSON type the schema asks for."""
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0 and not value.tzinfo:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        if _SPACED_DATE_TIME.match(value):
            # Spreadsheet date-times come as "2024-01-02 10:30:00"; the
            # standard's date-time format (RFC 3339) needs the "T".
            value = value.replace(" ", "T", 1)
    if '"number"' in json_type or '"integer"' in json_type:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value
        try:
            number = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            return value  # left for the schema to reject, naming the field
        if '"integer"' in json_type and number == number.to_integral_value():
            return int(number)
        return int(number) if number == number.to_integral_value() else float(number)
    if '"string"' in json_type and isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return value


def _put(target: dict[str, Any], path: list[str | int], value: Any) -> None:
    node: Any = target
    for here, nxt in itertools.pairwise(path):
        if isinstance(here, int):
            while len(node) <= here:
                node.append({})
            node = node[here]
            continue
        if here not in node:
            node[here] = [] if isinstance(nxt, int) else {}
        node = node[here]
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[last] = value


@dataclass
class FlatMapping:
    """How a flat file's header maps onto the standard."""

    columns: list[tuple[int, list[str | int], str]]
    unknown: list[str]


def map_header(header: list[Any]) -> FlatMapping:
    columns: list[tuple[int, list[str | int], str]] = []
    unknown: list[str] = []
    for index, title in enumerate(header):
        if title is None or str(title).strip() == "":
            continue
        found = _path_for_title(str(title))
        if found is None:
            unknown.append(str(title).strip())
        else:
            columns.append((index, found[0], found[1]))
    return FlatMapping(columns, unknown)


def row_to_grant(mapping: FlatMapping, row: list[Any]) -> dict[str, Any]:
    grant: dict[str, Any] = {}
    for index, path, json_type in mapping.columns:
        if index >= len(row):
            continue
        value = _cell(row[index], json_type)
        if value is None:
            continue
        _put(grant, path, value)
    result: dict[str, Any] = _drop_holes(grant)
    return result


def _drop_holes(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_holes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_holes(v) for v in value if v not in (None, {})]
    return value


def iter_table(data: bytes, file_format: str) -> Iterator[list[Any]]:
    """Rows of a CSV or XLSX file read with the product's shared reader
    (:mod:`evidencehub.core.tabular`: encoding and delimiter detection,
    constant memory, empty rows skipped): first the header as written, then
    one list of cell strings per row, ``[]`` standing in for skipped lines so
    row numbers stay those of the file. XLSX: the ``grants`` sheet of the
    360Giving template, or the first sheet.

    Raises:
        Giving360Error: the file cannot be read.
    """
    sheet: str | None = None
    if file_format == "xlsx":
        sheet = "grants" if _has_sheet(data, "grants") else None
    try:
        table = open_table(io.BytesIO(data), format=file_format, sheet=sheet)
    except TabularError as exc:
        raise Giving360Error(f"The file cannot be read: {exc}") from None
    with table:
        yield list(table.headers)
        line = 1
        try:
            for row in table:
                while line + 1 < row.line:
                    line += 1
                    yield []
                line = row.line
                if row.errors:
                    problems = "; ".join(f"{k}: {v}" for k, v in row.errors.items())
                    raise Giving360Error(f"Row {row.line}: {problems}")
                yield [row.values.get(name, "") for name in table.headers]
        except TabularError as exc:
            raise Giving360Error(f"The file cannot be read: {exc}") from None


def _has_sheet(data: bytes, name: str) -> bool:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
    except Exception:  # the shared reader reports the real error
        return False
    try:
        return name in book.sheetnames
    finally:
        book.close()


@dataclass
class RowResult:
    """One grant of the input. ``row`` is the 1-based line or row number for
    flat files (header = 1) and the 1-based position in ``grants`` for JSON."""

    row: int
    grant_id: str
    status: str  # "ok" | "error" | "duplicate"
    messages: list[str] = field(default_factory=list)
    grant: dict[str, Any] | None = None


@dataclass
class ParseResult:
    rows: list[RowResult]
    notes: list[str]
    metadata: dict[str, Any]

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "error"]

    @property
    def duplicates(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "duplicate"]

    @property
    def grants(self) -> list[dict[str, Any]]:
        return [r.grant for r in self.rows if r.status == "ok" and r.grant]


def _describe(error: Any) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "grant"
    if error.validator == "oneOf" and not error.absolute_path:
        missing = sorted(
            {
                name
                for sub in error.context or []
                if sub.validator == "required"
                for name in re.findall(r"'([^']+)' is a required property", sub.message)
            }
        )
        return "missing required field(s): " + ", ".join(missing)
    if error.validator == "oneOf":
        return f"{where}: {error.instance!r} is not in a permitted format"
    return f"{where}: {error.message}"


def check_grant(grant: Any) -> list[str]:
    """Schema errors of one grant, plus the checks the schema leaves to
    codelists (currency, country codes) and dates; empty when valid."""
    if not isinstance(grant, dict):
        return ["a grant must be an object"]
    messages = [
        _describe(e)
        for e in sorted(
            grant_validator().iter_errors(grant), key=lambda e: list(e.absolute_path)
        )
    ]
    currency = grant.get("currency")
    if isinstance(currency, str) and currency not in codelist("currency"):
        messages.append(f"currency: {currency!r} is not an ISO 4217 code")
    for index, place in enumerate(grant.get("beneficiaryLocation") or []):
        code = place.get("countryCode") if isinstance(place, dict) else None
        if isinstance(code, str) and code not in codelist("countryCode"):
            messages.append(
                f"beneficiaryLocation/{index}/countryCode: {code!r} is not ISO 3166-1"
            )
    award = grant.get("awardDate")
    if isinstance(award, str) and parse_award_date(award) is None:
        messages.append(f"awardDate: {award!r} is not a date (use YYYY-MM-DD)")
    return messages[:MAX_ERRORS_PER_ROW]


def parse_award_date(value: str) -> date | None:
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _canonical(grant: dict[str, Any]) -> str:
    return json.dumps(grant, sort_keys=True, default=str)


def _collect(pairs: Iterable[tuple[int, Any]], notes: list[str]) -> list[RowResult]:
    results: list[RowResult] = []
    seen: dict[str, tuple[int, str]] = {}
    for row_number, grant in pairs:
        grant_id = str(grant.get("id", "")) if isinstance(grant, dict) else ""
        messages = check_grant(grant)
        if messages:
            results.append(RowResult(row_number, grant_id, "error", messages))
            continue
        first = seen.get(grant_id)
        if first is not None:
            if first[1] == _canonical(grant):
                results.append(
                    RowResult(
                        row_number,
                        grant_id,
                        "duplicate",
                        [f"identical to row {first[0]}: loaded once"],
                    )
                )
            else:
                results.append(
                    RowResult(
                        row_number,
                        grant_id,
                        "error",
                        [
                            f"id: {grant_id!r} is also used by row {first[0]} with "
                            "different details; identifiers must be unique"
                        ],
                    )
                )
            continue
        seen[grant_id] = (row_number, _canonical(grant))
        results.append(RowResult(row_number, grant_id, "ok", [], grant))
    return results


def parse_flat(rows: Iterable[list[Any]]) -> ParseResult:
    """Parse a flat table whose first non-empty row is the header."""
    iterator = iter(rows)
    header: list[Any] | None = None
    line = 0
    for candidate in iterator:
        line += 1
        if candidate:
            header = candidate
            break
    if header is None:
        raise Giving360Error("The file is empty.")
    mapping = map_header(header)
    known = {path[0] for _i, path, _t in mapping.columns}
    if "id" not in known:
        raise Giving360Error(
            "No 'Identifier' column: this does not look like a 360Giving file. "
            "Use the column titles of the 360Giving template."
        )
    notes = []
    if mapping.unknown:
        notes.append(
            "Columns not part of the standard were ignored: "
            + ", ".join(mapping.unknown)
        )

    def pairs() -> Iterator[tuple[int, Any]]:
        number = line
        for row in iterator:
            number += 1
            if not row:
                continue
            yield number, row_to_grant(mapping, row)

    return ParseResult(_collect(pairs(), notes), notes, {})


def parse_json(data: bytes) -> ParseResult:
    """Parse a 360Giving JSON package (or a bare list of grants)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Giving360Error(f"The file is not valid JSON ({exc}).") from None
    except RecursionError:
        raise Giving360Error("The file is nested too deeply to be a package.") from None
    if isinstance(document, list):
        document = {"grants": document}
    if not isinstance(document, dict) or not isinstance(document.get("grants"), list):
        raise Giving360Error("A 360Giving package needs a 'grants' list.")
    if not document["grants"]:
        raise Giving360Error("The package has no grants.")
    notes: list[str] = []
    metadata = {k: v for k, v in document.items() if k != "grants"}
    if metadata:
        # Check the package metadata against the package schema with a
        # single placeholder grant, so grant errors are reported per row.
        probe = dict(metadata, grants=[{}])
        for error in package_validator().iter_errors(probe):
            if error.absolute_path and error.absolute_path[0] == "grants":
                continue
            notes.append("package: " + _describe(error))
    else:
        notes.append("The package has no metadata (allowed by the standard).")
    results = _collect(enumerate(document["grants"], start=1), notes)
    return ParseResult(results, notes, metadata)


def parse_file(name: str, data: bytes) -> ParseResult:
    """Parse ``data`` by the extension of ``name`` (.json, .csv, .xlsx).

    Raises:
        Giving360Error: unknown type or a file that cannot be read at all.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return parse_json(data)
    if suffix == ".csv":
        return parse_flat(iter_table(data, "csv"))
    if suffix in {".xlsx", ".xlsm"}:
        return parse_flat(iter_table(data, "xlsx"))
    raise Giving360Error(
        f"'{suffix or name}' files are not supported: use .json, .csv or .xlsx."
    )


def anonymise(
    grant: dict[str, Any], *, region: str, country: str = ""
) -> dict[str, Any]:
    """Return a copy of ``grant`` with the recipient anonymised.

    Follows 360Giving's guidance on sensitive recipients: the recipient is
    published as "Anonymous Recipient" with a ``360G-`` internal identifier,
    every address and contact field is dropped, and locations are reduced to a
    region name (and country code). The grant's own description is kept, so
    callers that know it names the recipient must replace it.
    """
    result: dict[str, Any] = json.loads(json.dumps(grant, default=str))
    digest = hashlib.sha256(str(grant.get("id", "")).encode()).hexdigest()[:12]
    recipient_id = f"360G-evidencehub-anon-{digest}"
    result["recipientOrganization"] = [{"id": recipient_id, "name": ANONYMOUS_NAME}]
    result.pop("recipientIndividual", None)
    places = [{"name": region}] if region else []
    if places and country:
        places[0]["countryCode"] = country
    if places:
        result["beneficiaryLocation"] = places
    else:
        result.pop("beneficiaryLocation", None)
    return result


def build_package(
    grants: list[dict[str, Any]],
    *,
    publisher_name: str,
    title: str,
    issued: date,
    description: str = "",
    license_url: str = "https://creativecommons.org/licenses/by/4.0/",
) -> dict[str, Any]:
    """A 360Giving package (schema 1.4) around ``grants``.

    Raises:
        Giving360Error: when the result does not validate (a bug, not input).
    """
    package: dict[str, Any] = {
        "version": "1.4",
        "title": title,
        "issued": issued.isoformat(),
        "publisher": {"name": publisher_name},
        "license": license_url,
        "grants": grants,
    }
    if description:
        package["description"] = description
    errors = [_describe(e) for e in package_validator().iter_errors(package)]
    if errors:
        raise Giving360Error("; ".join(errors[:5]))
    return package
