"""One reader for every file the product imports (events, contact records,
aggregate figures; later responses, costs and grants): CSV as people really
have it, XLSX and JSON lines, read as rows of *strings* so identifiers keep
their leading zeros, streamed in constant memory, with errors that name the
line and the column.

CSV handling:

* encoding: a byte-order mark wins (UTF-8, UTF-16); otherwise the whole file
  is checked as strict UTF-8 in 1 MiB chunks, and Windows-1252 (what Excel
  writes in Western Europe) is used when that fails. An explicit ``encoding``
  overrides both.
* delimiter: declared, or detected by CleverCSV's data-consistency measure
  (van den Burg, Nazábal & Sutton, "Wrangling messy CSV files by detecting row
  and type patterns", Data Mining and Knowledge Discovery 33, 2019), which
  scores whole candidate dialects, quotes included, so a comma inside a quoted
  field does not fool it the way a character count does. Candidates: comma,
  semicolon, tab, pipe.
* quoted newlines are kept inside their field; ``line`` is the physical line
  where a record starts.

``open_table`` returns a :class:`Table`; iterate it for :class:`Row` objects.
Problems in one row are reported on that row (``row.errors``) so importers can
list every bad row; problems that stop reading the file raise
:class:`TabularError` with the line (and column when known).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

FORMATS = ("csv", "xlsx", "jsonl")
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
CHUNK = 1024 * 1024
_ZERO_FORMAT = re.compile(r"^0+$")


class TabularError(ValueError):
    """The file cannot be read. ``line`` and ``column`` say where, if known."""

    def __init__(self, message: str, *, line: int | None = None, column: str = ""):
        self.message = message
        self.line = line
        self.column = column
        where = []
        if line is not None:
            where.append(f"line {line}")
        if column:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass
class Row:
    """One record. ``line`` is 1-based (the header is line 1 in CSV/XLSX);
    ``values`` maps normalised column names to strings ("" when empty);
    ``errors`` maps a column name to what is wrong with the row's shape."""

    line: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def normalise_header(name: str) -> str:
    """``" Event Type "`` → ``"event_type"``."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())


def detect_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "jsonl"
    return "csv"


def detect_encoding(stream: IO[bytes]) -> str:
    """Encoding of a seekable binary stream; the stream is rewound."""
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    """The delimiter of a text sample, by CleverCSV's consistency measure;
    ``","`` when the sample has a single column."""
    import clevercsv

    # Cut at the last line break so a truncated final record does not count.
    cut = sample.rfind("\n")
    if cut > 0:
        sample = sample[: cut + 1]
    dialect = clevercsv.Detector().detect(sample, delimiters=list(DELIMITERS))
    if dialect is None or dialect.delimiter not in DELIMITERS:
        return ","
    return str(dialect.delimiter)


class Table:
    """An open file. ``headers`` are normalised column names, ``format`` is
    csv/xlsx/jsonl; ``encoding`` and ``delimiter`` are set for CSV."""

    def __init__(
        self,
        source: str | Path | IO[bytes],
        *,
        format: str | None = None,
        delimiter: str | None = None,
        encoding: str | None = None,
        sheet: str | None = None,
    ) -> None:
        if isinstance(source, str | Path):
            self.path = Path(source)
            try:
                self._stream: IO[bytes] = self.path.open("rb")
            except OSError as exc:
                raise TabularError(f"cannot open the file: {exc.strerror}") from None
            self._owns = True
        else:
            self.path = Path(getattr(source, "name", "") or "upload")
            self._stream = source
            self._owns = False
        try:
            head = self._stream.read(8)
            self._stream.seek(0)
            self.format = format or detect_format(self.path, head)
            if self.format not in FORMATS:
                raise TabularError(
                    f"unknown format {self.format!r}; use csv, xlsx or jsonl"
                )
            if delimiter is not None and delimiter not in DELIMITERS:
                raise TabularError("the delimiter must be one of , ; tab |")
            self.encoding = ""
            self.delimiter = ""
            self.headers: list[str] = []
            self._sheet = sheet
            self._rows: Iterator[Row]
            if self.format == "csv":
                self._rows = self._open_csv(delimiter, encoding)
            elif self.format == "xlsx":
                self._rows = self._open_xlsx()
            else:
                self._rows = self._open_jsonl()
        except BaseException:
            # Never leave a file open behind an error.
            self.close()
            raise

    # -- context manager and iteration --------------------------------------
    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        text = getattr(self, "_text", None)
        if self._owns:
            self._stream.close()
        elif text is not None:
            # Detach so that the wrapper, when collected, does not close a
            # stream the caller still owns (e.g. an uploaded file).
            with contextlib.suppress(ValueError):
                text.detach()

    def __iter__(self) -> Iterator[Row]:
        return self._rows

    def bytes_read(self) -> int:
        """Position in the underlying file, for progress bars."""
        try:
            return int(self._stream.tell())
        except (OSError, ValueError):
            return 0

    # -- headers --------------------------------------------------------------
    def _set_headers(self, raw: list[str], line: int) -> list[str]:
        names = [normalise_header(h) for h in raw]
        while names and not names[-1]:
            names.pop()  # trailing empty header cells (Excel's trailing ';')
        seen: set[str] = set()
        for i, name in enumerate(names, start=1):
            if not name:
                raise TabularError(f"column {i} has no name in the header", line=line)
            if name in seen:
                raise TabularError(
                    "appears twice in the header", line=line, column=name
                )
            seen.add(name)
        if not names:
            raise TabularError("the file has no header row", line=line)
        self.headers = names
        return names

    def _row(self, cells: list[str], line: int) -> Row | None:
        if not any(c.strip() for c in cells):
            return None
        values = dict.fromkeys(self.headers, "")
        errors: dict[str, str] = {}
        for i, cell in enumerate(cells):
            if "\x00" in cell:
                # NUL cannot be stored (PostgreSQL text) and never belongs in data.
                errors[
                    self.headers[i] if i < len(self.headers) else f"column {i + 1}"
                ] = "Contains a NUL character."
                cell = cell.replace("\x00", "")
            if i < len(self.headers):
                values[self.headers[i]] = cell
            elif cell.strip():
                errors[f"column {i + 1}"] = "A value beyond the last header column."
        return Row(line=line, values=values, errors=errors)

    # -- CSV --------------------------------------------------------------------
    def _open_csv(self, delimiter: str | None, encoding: str | None) -> Iterator[Row]:
        try:
            self.encoding = encoding or detect_encoding(self._stream)
            codecs.lookup(self.encoding)
        except LookupError:
            raise TabularError(f"unknown encoding {encoding!r}") from None
        text = io.TextIOWrapper(self._stream, encoding=self.encoding, newline="")
        # Keep the wrapper from closing a stream the caller owns.
        self._text = text
        try:
            sample = text.read(SAMPLE_BYTES)
        except UnicodeDecodeError as exc:
            raise TabularError(f"not valid {self.encoding}: {exc.reason}") from None
        self.delimiter = delimiter or detect_delimiter(sample.replace("\x00", ""))
        text.seek(0)
        reader = csv.reader(text, delimiter=self.delimiter, quotechar='"', strict=True)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise TabularError(str(exc), line=1) from None
        if header is None:
            raise TabularError("the file is empty")
        self._set_headers(header, 1)
        return self._iter_csv(reader)

    def _iter_csv(self, reader: Any) -> Iterator[Row]:
        previous = reader.line_num
        while True:
            start = previous + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise TabularError(f"broken CSV ({exc})", line=start) from None
            except UnicodeDecodeError as exc:
                raise TabularError(
                    f"not valid {self.encoding}: {exc.reason}", line=start
                ) from None
            previous = reader.line_num
            row = self._row(cells, start)
            if row is not None:
                yield row

    # -- XLSX -----------------------------------------------------------------
    def _open_xlsx(self) -> Iterator[Row]:
        import zipfile

        from openpyxl import load_workbook  # type: ignore[import-untyped,unused-ignore]

        try:
            book = load_workbook(self._stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise TabularError(f"not a readable XLSX workbook ({exc})") from None
        if self._sheet is not None and self._sheet not in book.sheetnames:
            raise TabularError(f"no sheet named {self._sheet!r}")
        sheet = book[self._sheet] if self._sheet else book.worksheets[0]
        rows = sheet.iter_rows()
        for header_row in rows:
            cells = [xlsx_text(c) for c in header_row]
            if any(cells):
                self._set_headers(cells, header_row[0].row or 1)
                break
        else:
            raise TabularError("the sheet is empty")
        return self._iter_xlsx(rows, book)

    def _iter_xlsx(self, rows: Iterator[Any], book: Any) -> Iterator[Row]:
        try:
            for cells in rows:
                if not cells:
                    continue
                line = getattr(cells[0], "row", None) or 0
                row = self._row([xlsx_text(c) for c in cells], line)
                if row is not None:
                    yield row
        finally:
            book.close()

    # -- JSON lines ------------------------------------------------------------
    def _open_jsonl(self) -> Iterator[Row]:
        self.encoding = "utf-8"
        text = io.TextIOWrapper(self._stream, encoding="utf-8-sig")
        self._text = text
        rows = self._iter_jsonl(text)
        # Read the first object now: its keys are the headers callers expect
        # to see as soon as the table is open, as for CSV and XLSX.
        first = next(rows, None)
        return rows if first is None else itertools.chain([first], rows)

    def _iter_jsonl(self, text: IO[str]) -> Iterator[Row]:
        line = 0
        while True:
            try:
                raw = text.readline()
            except UnicodeDecodeError as exc:
                raise TabularError(
                    f"not valid UTF-8: {exc.reason}", line=line + 1
                ) from None
            if not raw:
                return
            line += 1
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield Row(line, {}, {f"character {exc.colno}": f"not JSON: {exc.msg}"})
                continue
            if not isinstance(obj, dict):
                yield Row(line, {}, {"line": "Each line must be a JSON object."})
                continue
            values: dict[str, str] = {}
            errors: dict[str, str] = {}
            for key, value in obj.items():
                name = normalise_header(str(key))
                if isinstance(value, dict | list):
                    errors[name] = "Nested values are not accepted."
                elif value is None:
                    values[name] = ""
                elif isinstance(value, bool):
                    values[name] = "true" if value else "false"
                else:
                    values[name] = str(value)
            if not self.headers:
                self.headers = list(values)
            yield Row(line, values, errors)


def xlsx_text(cell: Any) -> str:
    """A cell as text: integers stay integral, a number formatted as
    ``00000`` gets its leading zeros back, dates become ISO 8601."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return (
            value.isoformat(sep=" ")
            if value.time() != time(0)
            else value.date().isoformat()
        )
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value)
        text = str(int(value))
        number_format = str(getattr(cell, "number_format", "") or "")
        if _ZERO_FORMAT.match(number_format):
            text = text.zfill(len(number_format))
        return text
    return str(value)


def open_table(
    source: str | Path | IO[bytes],
    *,
    format: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> Table:
    """Open ``source`` (a path or a seekable binary stream) for reading.

    Raises:
        TabularError: unreadable, undecodable or empty file, a missing or
            duplicated header, an unknown format, delimiter or encoding.
    """
    return Table(
        source, format=format, delimiter=delimiter, encoding=encoding, sheet=sheet
    )
