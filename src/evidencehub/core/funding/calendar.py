"""Deadline calendars (iCalendar, RFC 5545) and CommonGrants-shaped calls.

* iCalendar: one ``VEVENT`` per deadline. A deadline with a stated time is a
  UTC ``DATE-TIME`` event; one without is an all-day ``DATE`` event, so no
  time is invented. Each event carries a ``VALARM`` 14 days before (the
  reminder Simpler.Grants.gov sends by e-mail). UIDs are stable, so calendar
  apps update rather than duplicate events when the feed changes.
* CommonGrants: the ``OpportunityBase`` shape of the CommonGrants protocol
  (HHS/simpler-grants-protocol): ``id``, ``title``, ``status{value}``,
  ``description``, ``funding{minAwardAmount, maxAwardAmount,
  totalAmountAvailable}`` as Money ``{amount, currency}``, ``keyDates``,
  ``acceptedApplicantTypes``, ``source`` and ``customFields``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from icalendar import Alarm, Calendar, Event

PRODID = "-//Prevention Evidence Hub//Funding deadlines//EN"


@dataclass(frozen=True)
class DeadlineEvent:
    """``uid``: stable and globally unique; ``when``: aware datetime (time
    stated) or date (time not stated)."""

    uid: str
    title: str
    when: datetime | date
    url: str = ""
    description: str = ""


def _one_line(text: str) -> str:
    """Collapse line breaks and other control characters, which a property
    value of this kind may not hold (RFC 5545, 3.3.11)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def ical_feed(name: str, events: list[DeadlineEvent], *, stamp: datetime) -> bytes:
    """An RFC 5545 ``VCALENDAR`` with one event per deadline."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _one_line(name))
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", _one_line(f"Deadline: {item.title}")[:250])
        if isinstance(item.when, datetime):
            event.add("dtstart", item.when)
            event.add("dtend", item.when)
        else:
            event.add("dtstart", item.when)
            event.add("dtend", item.when + timedelta(days=1))
        if item.url:
            event.add("url", item.url)
        if item.description:
            event.add("description", item.description)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Two weeks left: {item.title}"[:250])
        alarm.add("trigger", timedelta(days=-14))
        event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _money(amount: Decimal | None, currency: str) -> dict[str, str] | None:
    if amount is None or not currency:
        return None
    return {"amount": f"{amount:.2f}", "currency": currency}


def commongrants_opportunity(
    *,
    key: str,
    title: str,
    status: str,
    description: str,
    currency: str,
    min_grant: Decimal | None,
    max_grant: Decimal | None,
    total_budget: Decimal | None,
    opening: date | None,
    deadlines: list[datetime | date],
    applicant_types: list[str],
    source_url: str,
    custom: dict[str, Any],
) -> dict[str, Any]:
    """A call as a CommonGrants ``OpportunityBase`` dict.

    Our statuses map to the protocol's ``forecasted|open|closed|custom``:
    forthcoming -> forecasted, rolling -> custom ("rolling"), unknown ->
    custom ("unknown").
    """
    mapped = {"forthcoming": "forecasted", "open": "open", "closed": "closed"}
    status_obj: dict[str, str] = {"value": mapped.get(status, "custom")}
    if status_obj["value"] == "custom":
        status_obj["customValue"] = status
    funding: dict[str, Any] = {}
    for name, amount in (
        ("minAwardAmount", min_grant),
        ("maxAwardAmount", max_grant),
        ("totalAmountAvailable", total_budget),
    ):
        money = _money(amount, currency)
        if money:
            funding[name] = money
    key_dates: dict[str, Any] = {}
    if opening:
        key_dates["postDate"] = {
            "name": "Opening date",
            "eventType": "singleDate",
            "date": opening.isoformat(),
        }
    ordered = sorted(
        deadlines,
        key=lambda d: d.date() if isinstance(d, datetime) else d,
    )
    if ordered:
        last = ordered[-1]
        close: dict[str, Any] = {"name": "Deadline", "eventType": "singleDate"}
        if isinstance(last, datetime):
            close["date"] = last.date().isoformat()
            close["time"] = last.astimezone(UTC).strftime("%H:%M:%S")
            close["description"] = "Time in UTC"
        else:
            close["date"] = last.isoformat()
        key_dates["closeDate"] = close
        others = {
            f"deadline{i + 1}": {
                "name": f"Deadline {i + 1}",
                "eventType": "singleDate",
                "date": (d.date() if isinstance(d, datetime) else d).isoformat(),
            }
            for i, d in enumerate(ordered[:-1])
        }
        if others:
            key_dates["otherDates"] = others
    return {
        "id": key,
        "title": title,
        "status": status_obj,
        "description": description,
        "funding": funding,
        "keyDates": key_dates,
        "acceptedApplicantTypes": [{"value": t} for t in applicant_types],
        "source": source_url or None,
        "customFields": {
            name: {"name": name, "fieldType": _field_type(value), "value": value}
            for name, value in custom.items()
        },
    }


def _field_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"
