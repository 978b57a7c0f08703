"""Aggregate figures: counts per period that a service already has from its
telephony, chat or web system (or has published), entered or imported when no
event-level data exists. Modelled on DHIS2 aggregate data sets (data elements
x periods; ``reference/anchor_platforms.md`` §1).

Each data element names the event-level source it stands in for, so the KPI
engine can prefer event-level data and say which source it used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from evidencehub.core.identity import identifying_kind

# code: (label, event-level source). Sources: "event:<type>", "visitor_days",
# "contact:<channel>:<status or *>".
DATA_ELEMENTS: dict[str, tuple[str, str]] = {
    "calls_offered": ("Calls offered", "contact:phone:*"),
    "calls_answered": ("Calls answered", "contact:phone:answered"),
    "calls_abandoned": ("Calls abandoned", "contact:phone:abandoned"),
    "calls_missed": ("Calls missed", "contact:phone:missed"),
    "chats_offered": ("Chats offered", "contact:chat:*"),
    "chats_answered": ("Chats answered", "contact:chat:answered"),
    "emails_received": ("E-mails received", "contact:email:*"),
    "chats_started": ("Chats started (self-service)", "event:chat_started"),
    "page_views": ("Page views", "event:page_view"),
    "visitor_days": ("Visitor-days", "visitor_days"),
    "programme_landings": ("Programme landing page views", "event:programme_landing"),
    "programme_registrations": ("Programme registrations", "event:module_started"),
    "module_completions": ("Module completions", "event:module_completed"),
    "self_assessments_completed": (
        "Self-assessments completed",
        "event:self_assessment_completed",
    ),
    "resources_downloaded": ("Resources downloaded", "event:resource_downloaded"),
    "warnings_shown": ("Warning messages shown", "event:warning_shown"),
    "help_link_clicks": ("Help links clicked", "event:help_link_clicked"),
}
FIELDS = ("element", "period_start", "period_end", "value", "source_system", "note")
MAX_VALUE = 10**12


@dataclass(frozen=True)
class CleanFigure:
    element: str
    period_start: date
    period_end: date
    value: int
    source_system: str = ""
    note: str = ""


def _date(raw: Mapping[str, Any], name: str, errors: dict[str, str]) -> date | None:
    value = raw.get(name)
    if isinstance(value, date):
        return value
    if value in (None, ""):
        errors[name] = "This field is required."
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = "Must be a date such as 2026-03-31."
        return None


def validate_figure(
    raw: Mapping[str, Any], *, today: date
) -> tuple[CleanFigure | None, dict[str, str]]:
    """One aggregate figure: a declared data element, a period that has ended
    no later than ``today`` and lasts at most 366 days, a whole number >= 0,
    and short staff-written source and note (these are about the system the
    figure came from, never about a service user)."""
    errors: dict[str, str] = {}
    for name in raw:
        if name not in FIELDS:
            errors[str(name)[:64]] = "Unknown field."
    element = str(raw.get("element") or "").strip()
    if element not in DATA_ELEMENTS:
        errors["element"] = f"Must be one of: {', '.join(DATA_ELEMENTS)}."
    start = _date(raw, "period_start", errors)
    end = _date(raw, "period_end", errors)
    if start and end:
        if end < start:
            errors["period_end"] = "Ends before it starts."
        elif (end - start).days > 366:
            errors["period_end"] = "A period lasts at most one year."
        elif start > today:
            errors["period_start"] = "Lies in the future."
    value = raw.get("value")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        errors["value"] = "Must be a whole number, 0 or more."
        value = 0
    elif value > MAX_VALUE:
        errors["value"] = "Too large."
    texts: dict[str, str] = {}
    for name, limit in (("source_system", 100), ("note", 500)):
        text = raw.get(name) or ""
        if not isinstance(text, str):
            errors[name] = "Must be text."
            text = ""
        elif len(text) > limit:
            errors[name] = f"At most {limit} characters."
        elif kind := identifying_kind(text):
            errors[name] = (
                f"Looks like {kind}; leave out anything that identifies a person."
            )
        texts[name] = text.strip()
    if errors or start is None or end is None:
        return None, errors
    return (
        CleanFigure(
            element=element,
            period_start=start,
            period_end=end,
            value=int(value),
            source_system=texts["source_system"],
            note=texts["note"],
        ),
        {},
    )
