"""One description of every input record (cost, funding source, staff post,
training record, staff period, material, policy alignment, organisation
goal), used by the pages, the API and file imports alike so that all three
accept and reject the same things with the same field-named messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from evidencehub.core.operations.costs import CATEGORIES
from evidencehub.core.readability import FORMULAS

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_TRUE = {"1", "true", "yes", "y", "on", "ja", "oui", "si", "sí"}
_FALSE = {"0", "false", "no", "n", "off", "", "nein", "non"}


@dataclass(frozen=True)
class Field:
    name: str
    label: Any
    type: str  # date, decimal, int, bool, text, longtext, choice, currency
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 200
    min_value: Decimal | None = Decimal(0)
    max_value: Decimal | None = None
    help: Any = ""


KIND_FIELDS: dict[str, tuple[Field, ...]] = {
    "cost": (
        Field("period_start", _("Period start"), "date", True),
        Field("period_end", _("Period end"), "date", True),
        Field("category", _("Category"), "choice", True, tuple(CATEGORIES.items())),
        Field("description", _("Description"), "text"),
        Field("currency", _("Currency (ISO code, e.g. EUR)"), "currency", True),
        Field(
            "amount",
            _("Amount"),
            "decimal",
            max_value=Decimal("1e11"),
            help=_(
                "Leave empty for staff (FTE x salary) and volunteer "
                "(hours x shadow wage) lines."
            ),
        ),
        Field("fte", _("FTE (staff lines)"), "decimal", max_value=Decimal(10)),
        Field(
            "annual_salary",
            _("Loaded annual salary per FTE (staff lines)"),
            "decimal",
            max_value=Decimal("1e9"),
        ),
        Field("hours", _("Volunteer hours"), "decimal", max_value=Decimal("1e7")),
        Field(
            "hourly_rate",
            _("Shadow wage per hour (volunteer lines)"),
            "decimal",
            max_value=Decimal("1e5"),
        ),
    ),
    "funding": (
        Field("funder_name", _("Funder name"), "text"),
        Field("funder_id", _("Funder in the funders database (id)"), "int"),
        Field("amount", _("Amount"), "decimal", True, max_value=Decimal("1e11")),
        Field("currency", _("Currency (ISO code, e.g. EUR)"), "currency", True),
        Field("start", _("Start"), "date", True),
        Field("end", _("End"), "date", True),
        Field("recurrent", _("Recurrent (renewed each year)"), "bool"),
        Field("restricted", _("Restricted to a purpose"), "bool"),
        Field("founding", _("Founding grant"), "bool"),
    ),
    "post": (
        Field(
            "label", _("Post label (a role, never a name)"), "text", True, max_length=80
        ),
        Field("fte", _("FTE"), "decimal", True, max_value=Decimal("1.5")),
        Field("start", _("In post from"), "date", True),
        Field("end", _("In post until (empty if still in post)"), "date"),
    ),
    "training": (
        Field("post", _("Post"), "int"),
        Field("module", _("Module"), "text", True, max_length=120),
        Field("mandatory", _("Mandatory module"), "bool"),
        Field("hours", _("Hours"), "decimal", True, max_value=Decimal(1000)),
        Field("date", _("Date completed"), "date", True),
        Field(
            "l1_rating",
            _("Level 1 rating: relevance (1-5)"),
            "int",
            min_value=Decimal(1),
            max_value=Decimal(5),
        ),
        Field(
            "knowledge_pre",
            _("Knowledge test before (0-100)"),
            "decimal",
            max_value=Decimal(100),
        ),
        Field(
            "knowledge_post",
            _("Knowledge test after (0-100)"),
            "decimal",
            max_value=Decimal(100),
        ),
        Field(
            "confidence_pre",
            _("Confidence before (0-10)"),
            "decimal",
            max_value=Decimal(10),
        ),
        Field(
            "confidence_post",
            _("Confidence after (0-10)"),
            "decimal",
            max_value=Decimal(10),
        ),
    ),
    "staffperiod": (
        Field("period_start", _("Period start"), "date", True),
        Field("period_end", _("Period end"), "date", True),
        Field(
            "supervision_hours",
            _("Clinical supervision hours"),
            "decimal",
            max_value=Decimal(100000),
        ),
        Field("leavers", _("Leavers"), "int", max_value=Decimal(10000)),
        Field(
            "sickness_days",
            _("Sickness-absence days"),
            "decimal",
            max_value=Decimal(100000),
        ),
        Field(
            "headcount_start",
            _("Headcount at start"),
            "int",
            True,
            max_value=Decimal(10000),
        ),
        Field(
            "headcount_end",
            _("Headcount at end"),
            "int",
            True,
            max_value=Decimal(10000),
        ),
    ),
    "material": (
        Field("title", _("Title"), "text", True),
        Field(
            "kind",
            _("Kind"),
            "choice",
            True,
            (
                ("web_page", "Web page"),
                ("leaflet", "Leaflet"),
                ("script", "Script"),
                ("module", "Programme module"),
                ("other", "Other"),
            ),
        ),
        Field(
            "language",
            _("Language"),
            "choice",
            True,
            tuple((k, f.name) for k, f in FORMULAS.items()),
        ),
        Field(
            "target",
            _("Target score (empty: the language's default)"),
            "decimal",
            min_value=Decimal(-100),
            max_value=Decimal(150),
        ),
        Field(
            "module_key",
            _("Programme module key (for comprehension checks)"),
            "text",
            max_length=40,
        ),
        Field("text", _("Text"), "longtext", True, max_length=200_000),
    ),
    "alignment": (
        Field("goal_key", _("Policy goal"), "text", True, max_length=80),
        Field(
            "outcome", _("Outcome (from the logic model)"), "text", True, max_length=300
        ),
        Field("kpi_id", _("KPI id (optional)"), "text", max_length=12),
        Field("note", _("Note"), "text", max_length=300),
    ),
    "goal": (
        Field(
            "framework",
            _("Plan or framework (e.g. national action plan)"),
            "text",
            True,
        ),
        Field("title", _("Goal"), "text", True, max_length=300),
        Field("source", _("Source (document and year)"), "text", True, max_length=300),
        Field("url", _("Link"), "text", max_length=200),
        Field(
            "year", _("Year"), "int", min_value=Decimal(1900), max_value=Decimal(2100)
        ),
    ),
}


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 12,5 -> 12.5
    result = Decimal(text)
    if not result.is_finite():
        raise InvalidOperation
    return result


def clean(
    kind: str, raw: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed values and errors (field → message) for one record of ``kind``.
    Unknown fields are errors. Empty optional fields become None (or "" for
    text, False for booleans)."""
    fields = {f.name: f for f in KIND_FIELDS[kind]}
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name in raw:
        if name not in fields:
            errors[str(name)[:64]] = "Unknown field."
    for f in fields.values():
        value = raw.get(f.name)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            if f.required and not partial:
                errors[f.name] = "This field is required."
            elif not partial or f.name in raw:
                out[f.name] = (
                    False
                    if f.type == "bool"
                    else ("" if f.type in ("text", "longtext", "choice") else None)
                )
            continue
        try:
            out[f.name] = _convert(f, value)
        except ValueError as exc:
            errors[f.name] = str(exc)
    return out, errors


def _convert(f: Field, value: Any) -> Any:
    if f.type == "date":
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise ValueError("Must be a date such as 2026-03-31.") from None
    if f.type in ("decimal", "int"):
        try:
            number = _decimal(value)
        except (InvalidOperation, ValueError):
            raise ValueError("Must be a number.") from None
        if f.type == "int" and number != number.to_integral_value():
            raise ValueError("Must be a whole number.")
        if f.min_value is not None and number < f.min_value:
            raise ValueError(f"Must be at least {f.min_value}.")
        if f.max_value is not None and number > f.max_value:
            raise ValueError(f"Must be at most {f.max_value}.")
        return int(number) if f.type == "int" else number
    if f.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("Must be yes or no.")
    text = str(value).strip()
    if f.type == "currency":
        text = text.upper()
        if not _CURRENCY.match(text):
            raise ValueError("Use a three-letter ISO 4217 code such as EUR.")
        return text
    if f.type == "choice":
        if text not in dict(f.choices):
            raise ValueError(f"Must be one of: {', '.join(k for k, _ in f.choices)}.")
        return text
    if len(text) > f.max_length:
        raise ValueError(f"At most {f.max_length} characters.")
    return text
