"""Import REDCap data dictionaries (CSV, 18 columns) and instrument ZIPs
(``instrument.csv`` + ``OriginID.txt``, no ``record_id`` row) as instrument
definitions, reporting every field or feature that could not be mapped.

Column list: REDCap's data-dictionary format (anchor_platforms.md §2.1).
What maps:

* ``radio``, ``dropdown`` with whole-number codes -> choice items;
  ``yesno`` -> 1 Yes / 0 No; ``truefalse`` -> 1 True / 0 False;
  ``slider`` -> choice 0..100 (or the validation min/max), ends labelled.
* ``text`` and ``notes`` -> free-text items (free text stays off on survey
  pages unless an organisation turns it on), except fields marked
  ``Identifier?`` = y (never stored: skipped) and fields carrying
  ``@READONLY``/``@HIDDEN`` action tags (app metadata: skipped).
* Matrix groups -> a subscale (sum) per group; the instrument itself gets
  scoring method ``none`` (a dictionary carries no scoring rule: the importer
  says so rather than guessing).
* HTML in labels is reduced to text.

Reported, not silently dropped: branching logic (not evaluated: the field is
always shown), ``checkbox``, ``calc``, ``file``, ``descriptive``, ``sql``
fields, non-numeric choice codes, other action tags, and ids shortened to fit.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from evidencehub.core.instruments.schema import (
    Instrument,
    InstrumentError,
    parse_instrument,
)

COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
MAX_BYTES = 5_000_000
SKIP_TAGS = ("@READONLY", "@HIDDEN", "@HIDDEN-SURVEY", "@CALCTEXT", "@CALCDATE")
_TAG = re.compile(r"@[A-Z][A-Z0-9_\-]*")


class RedcapError(ValueError):
    """The file is not a REDCap data dictionary; ``str(exc)`` says why."""


@dataclass
class RedcapReport:
    """Outcome for one REDCap form: the definition (or None with ``errors``),
    fields imported, fields skipped with the reason, and notes on features
    imported only in part (e.g. branching logic not evaluated)."""

    form: str
    instrument: Instrument | None = None
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    definition: dict[str, Any] = field(default_factory=dict)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("br", "p", "div", "li"):
            self.parts.append(" ")


def strip_html(text: str) -> tuple[str, bool]:
    """Label text without HTML tags, entities decoded, whitespace collapsed;
    second value: whether anything was removed."""
    if "<" not in text and "&" not in text:
        return " ".join(text.split()), False
    p = _Text()
    p.feed(text)
    p.close()
    out = " ".join(html.unescape("".join(p.parts)).split())
    return out, out != " ".join(text.split())


def _ident(name: str) -> str:
    s = re.sub(r"[^a-z0-9_\-]+", "_", name.strip().lower()).strip("_-")
    return s or "field"


def _choices(raw: str) -> tuple[list[dict[str, Any]], str]:
    """``"0, Not at all | 1, Several days"`` -> options; error text if a code is
    not a whole number."""
    options = []
    for part in raw.split("|"):
        part = part.strip()
        if not part:
            continue
        code, _sep, label = part.partition(",")
        code = code.strip()
        if not re.fullmatch(r"-?\d+", code):
            return [], f"choice code {code!r} is not a whole number"
        options.append({"value": int(code), "label": strip_html(label.strip())[0]})
    if not options:
        return [], "no choices given"
    return options, ""


def _read_rows(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise RedcapError("The file is empty.") from None
    except csv.Error as exc:
        raise RedcapError(f"line 1: {exc}") from None
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS[:6] if c not in header]
    if missing:
        raise RedcapError(
            "This is not a REDCap data dictionary: missing column(s) "
            + ", ".join(repr(m) for m in missing)
        )
    rows = []
    try:
        for rec in reader:
            if not any(cell.strip() for cell in rec):
                continue
            row = {h: (rec[i] if i < len(rec) else "") for i, h in enumerate(header)}
            rows.append(row)
    except csv.Error as exc:
        raise RedcapError(f"line {reader.line_num}: {exc}") from None
    return rows


def parse_dictionary(data: bytes | str, *, version: str = "1") -> list[RedcapReport]:
    """One :class:`RedcapReport` per form in a data dictionary.

    Raises:
        RedcapError: not readable as a REDCap dictionary (too large, not UTF-8,
            wrong columns).
    """
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise RedcapError("The file is larger than 5 MB.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    else:
        text = data
    rows = _read_rows(text)
    forms: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        forms.setdefault(row.get("Form Name", "").strip() or "form", []).append(row)
    return [_form(name, frows, version) for name, frows in forms.items()]


def parse_zip(data: bytes, *, version: str = "1") -> list[RedcapReport]:
    """A REDCap instrument ZIP: reads ``instrument.csv`` (no ``record_id``
    row is expected or needed).

    Raises:
        RedcapError: not a ZIP, no ``instrument.csv``, or too large.
    """
    if len(data) > MAX_BYTES:
        raise RedcapError("The file is larger than 5 MB.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise RedcapError("This is not a ZIP file.") from None
    with zf:
        names = [n for n in zf.namelist() if n.rsplit("/", 1)[-1] == "instrument.csv"]
        if not names:
            raise RedcapError(
                "The ZIP has no instrument.csv (a REDCap instrument ZIP has one)."
            )
        info = zf.getinfo(names[0])
        if info.file_size > MAX_BYTES:
            raise RedcapError("instrument.csv is larger than 5 MB.")
        return parse_dictionary(zf.read(info), version=version)


def _form(name: str, rows: list[dict[str, str]], version: str) -> RedcapReport:
    rep = RedcapReport(form=name)
    items: list[dict[str, Any]] = []
    groups: dict[str, list[str]] = {}
    instructions = ""
    used: set[str] = set()
    for row in rows:
        var = row.get("Variable / Field Name", "").strip()
        ftype = row.get("Field Type", "").strip().lower()
        annotation = row.get("Field Annotation", "") or ""
        tags = _TAG.findall(annotation)
        section = strip_html(row.get("Section Header", "") or "")[0]
        if var == "record_id":
            rep.skipped.append((var, "record identifier: not needed and never stored"))
            continue
        if (row.get("Identifier?", "") or "").strip().lower() == "y":
            rep.skipped.append(
                (var, "marked as an identifier in REDCap: never collected here")
            )
            continue
        skip_tag = next((t for t in tags if t in SKIP_TAGS), "")
        if skip_tag:
            rep.skipped.append(
                (var, f"{skip_tag}: filled by the REDCap app, not asked")
            )
            continue
        if section:
            if not instructions:
                instructions = section
            else:
                rep.notes.append(
                    (var, f"section header kept only as text: {section[:80]}")
                )
        label, had_html = strip_html(row.get("Field Label", "") or "")
        if had_html:
            rep.notes.append((var, "HTML removed from the label"))
        item_id = _ident(var)
        if len(item_id) > 64:
            rep.notes.append((var, "variable name shortened to 64 characters"))
            item_id = item_id[:64]
        if item_id in used:
            rep.skipped.append((var, "duplicate variable name"))
            continue
        item: dict[str, Any] = {
            "id": item_id,
            "text": label,
            "required": (row.get("Required Field?", "") or "").strip().lower() == "y",
        }
        choices = row.get("Choices, Calculations, OR Slider Labels", "") or ""
        if ftype in ("radio", "dropdown"):
            opts, err = _choices(choices)
            if err:
                rep.skipped.append((var, f"{ftype}: {err}"))
                continue
            item.update(kind="choice", options=opts)
        elif ftype == "yesno":
            item.update(
                kind="choice",
                options=[{"value": 1, "label": "Yes"}, {"value": 0, "label": "No"}],
            )
        elif ftype == "truefalse":
            item.update(
                kind="choice",
                options=[{"value": 1, "label": "True"}, {"value": 0, "label": "False"}],
            )
        elif ftype == "slider":
            lo = (row.get("Text Validation Min", "") or "0").strip() or "0"
            hi = (row.get("Text Validation Max", "") or "100").strip() or "100"
            if (
                not (lo.lstrip("-").isdigit() and hi.lstrip("-").isdigit())
                or int(hi) - int(lo) > 100
            ):
                rep.skipped.append(
                    (var, "slider range is not whole numbers within 100 steps")
                )
                continue
            ends = [p.strip() for p in choices.split("|")] if choices else []
            opts = [{"value": v, "label": str(v)} for v in range(int(lo), int(hi) + 1)]
            if ends:
                opts[0]["label"] = f"{lo} {ends[0]}".strip()
                opts[-1]["label"] = f"{hi} {ends[-1]}".strip()
            item.update(kind="choice", options=opts)
        elif ftype in ("text", "notes"):
            item.update(kind="text")
            rep.notes.append(
                (var, "free-text item: off on survey pages unless turned on")
            )
        else:
            reason = {
                "checkbox": "checkbox (several answers) is not supported yet",
                "calc": "calculated field: REDCap formulas are not evaluated",
                "file": "file upload is never accepted from service users",
                "descriptive": "descriptive text only",
                "sql": "SQL field is not supported",
            }.get(ftype, f"field type {ftype!r} is not supported")
            rep.skipped.append((var, reason))
            continue
        logic = (row.get("Branching Logic (Show field only if...)", "") or "").strip()
        if logic:
            rep.notes.append(
                (
                    var,
                    "branching logic not evaluated, the item is always shown: "
                    + " ".join(logic.split()),
                )
            )
        other_tags = [t for t in tags if t not in SKIP_TAGS]
        if other_tags:
            rep.notes.append((var, "action tags ignored: " + ", ".join(other_tags)))
        group = (row.get("Matrix Group Name", "") or "").strip()
        if group and item.get("kind") == "choice":
            groups.setdefault(_ident(group)[:64], []).append(item_id)
        used.add(item_id)
        items.append(item)
        rep.imported.append(var)
    if groups:
        for g in groups:
            rep.notes.append(
                (g, "matrix group imported as a subscale (sum); check the scoring rule")
            )
    definition: dict[str, Any] = {
        "id": _ident(name)[:64],
        "version": version,
        "title": name.replace("_", " ").strip().capitalize() or "Imported form",
        "language": "en",
        "instructions": instructions,
        "source": f"Imported from a REDCap data dictionary (form '{name}').",
        "licence": {
            "name": "Provided by the organisation",
            "text_may_be_shipped": True,
            "statement": (
                "Imported from a REDCap data dictionary. The organisation that "
                "imported it "
                "is responsible for its right to use the item text."
            ),
            "source": "REDCap data dictionary",
            "verified": "no",
        },
        "items": items,
        "scoring": {"method": "none", "items": []},
        "subscales": [
            {"id": g, "label": g.replace("_", " "), "items": ids, "method": "sum"}
            for g, ids in groups.items()
        ],
    }
    rep.definition = definition
    if not items:
        rep.errors.append(("items", "no field of this form could be mapped"))
        return rep
    try:
        rep.instrument = parse_instrument(definition)
    except InstrumentError as exc:
        rep.errors.extend(exc.errors)
    return rep
