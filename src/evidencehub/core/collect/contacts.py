"""Helpline contact records: the codes and the rules one record must satisfy.

The fields and codes follow ``reference/domain_kpis.md`` §4.6 (a synthesis
modelled on the NatCen evaluation of Stop It Now, the Stop It Now call-record
analyses, 2020-2021, and crisis-hotline outcome studies, Kalafat/Gould 2007).
``docs/reference/contact-record-codes.md`` lists them with the KPIs they feed.

Deliberately absent: names, numbers, addresses, locations finer than a
country, and any free-text description. A repeat caller may choose a
pseudonym; only its keyed hash is stored (see ``evidencehub.core.codes``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

CHANNELS = {
    "phone": "Phone",
    "chat": "Chat",
    "email": "E-mail",
    "web_form": "Secure web form",
}
STATUSES = {
    "answered": "Answered",
    "abandoned": "Abandoned (caller hung up before an answer)",
    "missed": "Missed",
    "out_of_hours": "Out of hours",
}
CALLER_TYPES = {
    "own_concern": "Concerned about own thoughts or behaviour",
    "about_adult": "Concerned about another adult",
    "about_young_person": "Concerned about a child or young person's behaviour",
    "professional": "Professional",
    "other": "Other",
}
OFFENDING_STATUSES = {
    "not_offended": "Has not offended",
    "online_only": "Online offending only",
    "contact": "Contact offending",
    "prefer_not_to_say": "Prefers not to say",
}
CONCERNS = {
    "csam_use": "Use of sexual images of children",
    "urges_fantasies": "Sexual thoughts, urges or fantasies",
    "contact_risk": "Risk of contact offending",
    "grooming_online_contact": "Grooming or online contact with a child",
    "other": "Other",
}
RISK_LEVELS = {
    "not_assessed": "Not assessed",
    "low": "Low",
    "moderate": "Moderate",
    "high": "High",
}
YES_NO_UNKNOWN = {"unknown": "Not known", "yes": "Yes", "no": "No"}
ACTIONS = {
    "none": "None",
    "safety_plan": "Safety plan",
    "self_help_resource": "Self-help resource",
    "referral_treatment": "Referral to treatment",
    "other": "Other",
}
PREVIOUS_ACTIONS = {
    "not_applicable": "Not applicable",
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
}
SAFEGUARDING = {
    "none": "None",
    "risk_to_child": "Per protocol: risk to a child",
    "risk_to_self": "Per protocol: risk to the caller",
    "risk_to_others": "Per protocol: risk to another person",
    "other": "Per protocol: other reason",
}
DURATION_BANDS = {
    "": "Not recorded",
    "under_5": "Under 5 minutes",
    "5_15": "5 to 15 minutes",
    "15_30": "15 to 30 minutes",
    "30_60": "30 to 60 minutes",
    "over_60": "Over 60 minutes",
}
# Midpoints in minutes, for cost-per-contact estimates (C01); the open band
# "over 60" is taken as 75 minutes (a stated assumption, not a measurement).
DURATION_MINUTES = {
    "under_5": 3,
    "5_15": 10,
    "15_30": 22.5,
    "30_60": 45,
    "over_60": 75,
}
DISTRESS_MIN, DISTRESS_MAX = 0, 10

FIELDS = (
    "date",
    "hour",
    "channel",
    "status",
    "caller_type",
    "offending_status",
    "concerns",
    "risk_level",
    "self_harm_risk",
    "distress_start",
    "distress_end",
    "actions",
    "repeat_contact",
    "previous_actions_taken",
    "pseudonym",
    "safeguarding",
    "duration",
    "fidelity_sample",
)
_SPLIT = re.compile(r"[|,;+]")
_TRUE = {"1", "true", "yes", "y", "ja", "on"}
_FALSE = {"0", "false", "no", "n", "nein", "off", ""}


@dataclass(frozen=True)
class CleanContact:
    date: date
    hour: int | None
    channel: str
    status: str
    caller_type: str = ""
    offending_status: str = ""
    concerns: tuple[str, ...] = field(default_factory=tuple)
    risk_level: str = "not_assessed"
    self_harm_risk: str = "unknown"
    distress_start: int | None = None
    distress_end: int | None = None
    actions: tuple[str, ...] = field(default_factory=tuple)
    repeat_contact: str = "unknown"
    previous_actions_taken: str = "not_applicable"
    pseudonym: str = ""
    safeguarding: str = "none"
    duration: str = ""
    fidelity_sample: bool = False


def _code(
    raw: Mapping[str, Any],
    name: str,
    codes: Mapping[str, str],
    errors: dict[str, str],
    default: str = "",
) -> str:
    value = raw.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        errors[name] = "Must be one of the codes."
        return default
    value = value.strip().lower()
    if value not in codes:
        errors[name] = f"Must be one of: {', '.join(c for c in codes if c)}."
        return default
    return value


def _multi(
    raw: Mapping[str, Any],
    name: str,
    codes: Mapping[str, str],
    errors: dict[str, str],
) -> tuple[str, ...]:
    value = raw.get(name)
    if value is None or value == "":
        return ()
    items = _SPLIT.split(value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        errors[name] = "Must be a list of codes."
        return ()
    chosen: list[str] = []
    for item in items:
        code = str(item).strip().lower()
        if not code:
            continue
        if code not in codes:
            errors[name] = f"Unknown code {code[:30]!r}; use: {', '.join(codes)}."
            return ()
        if code not in chosen:
            chosen.append(code)
    return tuple(chosen)


def _int(
    raw: Mapping[str, Any], name: str, lo: int, hi: int, errors: dict[str, str]
) -> int | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        errors[name] = f"Must be a whole number from {lo} to {hi}."
        return None
    return value


def _bool(raw: Mapping[str, Any], name: str, errors: dict[str, str]) -> bool:
    value = raw.get(name)
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    errors[name] = "Must be yes or no."
    return False


def _date(raw: Mapping[str, Any], today: date, errors: dict[str, str]) -> date:
    value = raw.get("date")
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        parsed = value
    elif value is None or value == "":
        errors["date"] = "This field is required."
        return today
    else:
        try:
            parsed = date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            errors["date"] = "Must be a date such as 2026-03-31."
            return today
    if parsed > today:
        errors["date"] = "Lies in the future."
    return parsed


def validate_contact(
    raw: Mapping[str, Any], *, today: date
) -> tuple[CleanContact | None, dict[str, str]]:
    """Check one contact record (a form's cleaned data, an API body or a CSV
    row of strings). Returns ``(record, {})`` or ``(None, {field: message})``.

    Rules beyond the codes: offending status only for own-concern callers;
    contacts that were not answered carry no conversation details; end
    distress needs start distress.
    """
    errors: dict[str, str] = {}
    for name in raw:
        if name not in FIELDS:
            errors[str(name)[:64]] = "Unknown field."
    day = _date(raw, today, errors)
    hour = _int(raw, "hour", 0, 23, errors)
    channel = _code(raw, "channel", CHANNELS, errors)
    if not channel and "channel" not in errors:
        errors["channel"] = "This field is required."
    status = _code(raw, "status", STATUSES, errors)
    if not status and "status" not in errors:
        errors["status"] = "This field is required."
    caller_type = _code(raw, "caller_type", CALLER_TYPES, errors)
    offending = _code(raw, "offending_status", OFFENDING_STATUSES, errors)
    if offending and caller_type != "own_concern":
        errors["offending_status"] = (
            "Only recorded for callers concerned about their own thoughts or behaviour."
        )
    concerns = _multi(raw, "concerns", CONCERNS, errors)
    risk = _code(raw, "risk_level", RISK_LEVELS, errors, "not_assessed")
    self_harm = _code(raw, "self_harm_risk", YES_NO_UNKNOWN, errors, "unknown")
    d_start = _int(raw, "distress_start", DISTRESS_MIN, DISTRESS_MAX, errors)
    d_end = _int(raw, "distress_end", DISTRESS_MIN, DISTRESS_MAX, errors)
    if d_end is not None and d_start is None and "distress_start" not in errors:
        errors["distress_end"] = "Record the distress at the start as well."
    actions = _multi(raw, "actions", ACTIONS, errors)
    if "none" in actions and len(actions) > 1:
        errors["actions"] = "'none' cannot be combined with other actions."
    repeat = _code(raw, "repeat_contact", YES_NO_UNKNOWN, errors, "unknown")
    previous = _code(
        raw, "previous_actions_taken", PREVIOUS_ACTIONS, errors, "not_applicable"
    )
    if previous != "not_applicable" and repeat != "yes":
        errors["previous_actions_taken"] = "Only for repeat contacts."
    pseudonym = raw.get("pseudonym") or ""
    if not isinstance(pseudonym, str):
        errors["pseudonym"] = "Must be text."
        pseudonym = ""
    safeguarding = _code(raw, "safeguarding", SAFEGUARDING, errors, "none")
    duration = _code(raw, "duration", DURATION_BANDS, errors)
    fidelity = _bool(raw, "fidelity_sample", errors)
    if status and status != "answered":
        detail = {
            "caller_type": caller_type,
            "offending_status": offending,
            "concerns": concerns,
            "distress_start": d_start,
            "distress_end": d_end,
            "actions": actions,
            "pseudonym": pseudonym,
        }
        for name, value in detail.items():
            if value not in ("", (), None) and name not in errors:
                errors[name] = "Only for answered contacts."
    if errors:
        return None, errors
    return (
        CleanContact(
            date=day,
            hour=hour,
            channel=channel,
            status=status,
            caller_type=caller_type,
            offending_status=offending,
            concerns=concerns,
            risk_level=risk,
            self_harm_risk=self_harm,
            distress_start=d_start,
            distress_end=d_end,
            actions=actions,
            repeat_contact=repeat,
            previous_actions_taken=previous,
            pseudonym=pseudonym.strip(),
            safeguarding=safeguarding,
            duration=duration,
            fidelity_sample=fidelity,
        ),
        {},
    )
