"""Service events: the controlled vocabulary and the validation every event
passes before it is stored, whichever way it arrives (snippet, API, Python
client, file import).

Nothing here accepts free text. Every stored text value is either one of the
fixed codes below or a key the initiative declared in advance (modules, custom
event types, campaign codes); the optional client event id is only ever stored
as a hash. That is how "free text from service users is not accepted on
collection endpoints" (ARCHITECTURE.md §6) is enforced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

EVENT_TYPES: dict[str, str] = {
    "page_view": "Page view",
    "programme_landing": "Programme landing page seen",
    "module_started": "Module started",
    "module_completed": "Module completed",
    "self_assessment_started": "Self-assessment started",
    "self_assessment_completed": "Self-assessment completed",
    "resource_downloaded": "Resource downloaded",
    "help_link_clicked": "Help link clicked",
    "warning_shown": "Warning message shown",
    "chat_started": "Chat started",
    "chat_ended": "Chat ended",
    "feedback_submitted": "Feedback submitted",
    "micro_survey_answered": "Micro-survey answered",
}
# Types that may carry a small integer answer (a 0-10 rating or scale point).
VALUE_TYPES = frozenset({"feedback_submitted", "micro_survey_answered"})
VALUE_MIN, VALUE_MAX = 0, 10

CHANNELS: dict[str, str] = {
    "web": "Website",
    "onion": "Onion service",
    "app": "App",
    "phone": "Phone",
    "chat": "Chat",
    "email": "E-mail",
}
REFERRERS: dict[str, str] = {
    "direct": "Direct or unknown",
    "search": "Search engine",
    "social": "Social media",
    "partner": "Partner organisation",
    "campaign": "Campaign (with a declared campaign code)",
}
TIME_RESOLUTIONS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}

FIELDS = frozenset(
    {
        "type",
        "module",
        "channel",
        "locale",
        "referrer",
        "campaign",
        "id",
        "time",
        "value",
    }
)
MAX_BATCH = 1000
# Keys an initiative declares: lower-case slugs starting with a letter.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
KEY_MAX = 40
LOCALE_PATTERN = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2}|[0-9]{3}))?$")
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Declared:
    """What an initiative declared: module keys, custom event types, campaign
    codes. Anything outside these sets (and the fixed vocabulary) is refused."""

    modules: frozenset[str] = frozenset()
    custom_types: frozenset[str] = frozenset()
    campaigns: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CleanEvent:
    type: str
    module: str = ""
    channel: str = "web"
    locale: str = ""
    referrer: str = ""
    campaign: str = ""
    client_id: str = ""
    time: datetime | None = None
    value: int | None = None


def validate_declared_key(value: str) -> str | None:
    """Return an error message when ``value`` is not a valid declared key."""
    if not KEY_PATTERN.match(value):
        return "Use 1 to 40 lower-case letters, digits, '-' or '_', from a letter."
    return None


def _text(raw: Mapping[str, Any], name: str, errors: dict[str, str]) -> str:
    value = raw.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = "Must be text."
        return ""
    if len(value) > 64:
        errors[name] = "Too long (at most 64 characters)."
        return ""
    return value.strip()


def normalise_locale(value: str) -> str | None:
    """``de`` → ``de``; ``de_de``/``de-de`` → ``de-DE``; None when malformed."""
    match = LOCALE_PATTERN.match(value)
    if not match:
        return None
    lang, region = match.group(1).lower(), match.group(2)
    return f"{lang}-{region.upper()}" if region else lang


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 date-time with an offset (``Z`` allowed) → aware UTC; None
    when malformed or without an offset."""
    try:
        parsed = datetime.fromisoformat(
            value.replace("Z", "+00:00").replace("z", "+00:00")
        )
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def truncate_time(moment: datetime, resolution: str = "hour") -> datetime:
    """Floor an aware datetime to the hour (default) or day, in UTC.

    Raises:
        ValueError: unknown resolution or a naive datetime.
    """
    if moment.tzinfo is None:
        raise ValueError("moment: must be timezone-aware")
    moment = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if resolution == "day":
        return moment.replace(hour=0)
    if resolution != "hour":
        raise ValueError(f"resolution: {resolution!r} is not hour or day")
    return moment


def validate_event(
    raw: Any,
    *,
    declared: Declared,
    now: datetime,
    max_age: timedelta = timedelta(days=7),
) -> tuple[CleanEvent | None, dict[str, str]]:
    """Check one event.

    ``raw`` is a decoded JSON object (or a CSV row as a mapping of strings,
    where empty cells mean "not given"). ``now`` is aware; an event ``time``
    must fall within ``[now - max_age, now + 5 min]``.

    Returns ``(event, {})`` or ``(None, {field: message})`` naming every bad
    field; unknown fields are errors ("Unknown field.").
    """
    if not isinstance(raw, Mapping):
        return None, {"non_field_errors": "Each event must be a JSON object."}
    errors: dict[str, str] = {}
    for name in raw:
        if name not in FIELDS:
            errors[str(name)[:64]] = "Unknown field."
    type_ = _text(raw, "type", errors)
    if not type_ and "type" not in errors:
        errors["type"] = "This field is required."
    elif type_ and type_ not in EVENT_TYPES and type_ not in declared.custom_types:
        errors["type"] = "Unknown event type (not in the vocabulary or declared)."
    module = _text(raw, "module", errors)
    if module and module not in declared.modules:
        errors["module"] = "Unknown module (not declared for this initiative)."
    channel = _text(raw, "channel", errors) or "web"
    if channel not in CHANNELS and "channel" not in errors:
        errors["channel"] = f"Must be one of: {', '.join(CHANNELS)}."
    locale = _text(raw, "locale", errors)
    if locale:
        normalised = normalise_locale(locale)
        if normalised is None:
            errors["locale"] = "Must be a language tag such as 'de' or 'nl-BE'."
        locale = normalised or ""
    referrer = _text(raw, "referrer", errors)
    if referrer and referrer not in REFERRERS:
        errors["referrer"] = (
            f"Must be a category, one of: {', '.join(REFERRERS)} (never a URL)."
        )
    campaign = _text(raw, "campaign", errors)
    if campaign:
        if campaign not in declared.campaigns:
            errors["campaign"] = "Unknown campaign code (not declared)."
        elif referrer not in ("", "campaign"):
            errors["campaign"] = "Only with referrer 'campaign'."
        referrer = "campaign"
    elif referrer == "campaign" and "referrer" not in errors:
        errors["campaign"] = "A declared campaign code is required with 'campaign'."
    client_id = _text(raw, "id", errors)
    if client_id and not CLIENT_ID_PATTERN.match(client_id):
        errors["id"] = "Use 8 to 64 letters, digits, '-' or '_' (e.g. a UUID)."
    time: datetime | None = None
    raw_time = _text(raw, "time", errors)
    if raw_time:
        time = parse_time(raw_time)
        if time is None:
            errors["time"] = "Must be an ISO 8601 date-time with a time zone."
        elif time > now + FUTURE_TOLERANCE:
            errors["time"] = "Lies in the future."
        elif time < now - max_age:
            days = max_age.days
            errors["time"] = (
                f"Older than {days} days; enter older activity as aggregate figures."
            )
    value = raw.get("value")
    if value in ("", None):
        value = None
    else:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            errors["value"] = "Must be a whole number."
            value = None
        elif not VALUE_MIN <= value <= VALUE_MAX:
            errors["value"] = f"Must be between {VALUE_MIN} and {VALUE_MAX}."
            value = None
        elif type_ not in VALUE_TYPES and type_ not in declared.custom_types:
            errors["value"] = (
                "Only feedback, micro-survey and custom events carry a value."
            )
            value = None
    if errors:
        return None, errors
    return (
        CleanEvent(
            type=type_,
            module=module,
            channel=channel,
            locale=locale,
            referrer=referrer,
            campaign=campaign,
            client_id=client_id,
            time=time,
            value=value,
        ),
        {},
    )


def split_payload(payload: Any) -> tuple[list[Any] | None, dict[str, str]]:
    """Turn a decoded request body into a list of raw events.

    Accepted shapes: one event object ``{"type": ...}`` or a batch
    ``{"events": [...]}`` of 1 to 1,000 objects. A top-level ``key`` (the site
    key) is removed by the caller first.
    """
    if not isinstance(payload, Mapping):
        return None, {"non_field_errors": "The body must be a JSON object."}
    if "events" in payload:
        extra = sorted(str(k)[:64] for k in payload if k != "events")
        if extra:
            return None, dict.fromkeys(extra, "Unknown field.")
        events = payload["events"]
        if not isinstance(events, list) or not events:
            return None, {"events": "Must be a non-empty list of events."}
        if len(events) > MAX_BATCH:
            return None, {"events": f"At most {MAX_BATCH} events per request."}
        return list(events), {}
    return [payload], {}


def validate_batch(
    events: list[Any], *, declared: Declared, now: datetime, max_age: timedelta
) -> tuple[list[CleanEvent], dict[str, str]]:
    """Validate every event; errors are keyed ``events[i].field``. A batch is
    accepted whole or rejected whole, so any error means nothing is kept."""
    clean: list[CleanEvent] = []
    errors: dict[str, str] = {}
    for i, raw in enumerate(events):
        event, errs = validate_event(raw, declared=declared, now=now, max_age=max_age)
        if event is not None:
            clean.append(event)
        for field, message in errs.items():
            errors[f"events[{i}].{field}"] = message
    return clean, errors
