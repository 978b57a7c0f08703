"""iCalendar (RFC 5545) output, validated by parsing it back, and the
CommonGrants shape."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from icalendar import Calendar

from evidencehub.core.funding.calendar import (
    DeadlineEvent,
    commongrants_opportunity,
    ical_feed,
)


def test_ical_round_trip() -> None:
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    body = ical_feed(
        "Watchlist",
        [
            DeadlineEvent(
                "a@x",
                "Timed call",
                datetime(2026, 2, 1, 16, tzinfo=UTC),
                "https://e.org",
            ),
            DeadlineEvent("b@x", "Date-only call", date(2026, 3, 1)),
        ],
        stamp=stamp,
    )
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["a@x", "b@x"]
    assert events[0].decoded("DTSTART") == datetime(2026, 2, 1, 16, tzinfo=UTC)
    assert events[1].decoded("DTSTART") == date(2026, 3, 1)
    assert events[1].decoded("DTEND") == date(2026, 3, 2)
    alarm = events[0].walk("VALARM")[0]
    assert alarm.decoded("TRIGGER") == timedelta(days=-14)
    # Lines are folded at 75 octets as RFC 5545 section 3.1 requires.
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_commongrants_shape() -> None:
    data = commongrants_opportunity(
        key="k",
        title="T",
        status="rolling",
        description="D",
        currency="EUR",
        min_grant=Decimal(1000),
        max_grant=None,
        total_budget=Decimal("5000000"),
        opening=date(2026, 1, 1),
        deadlines=[date(2026, 2, 1), datetime(2026, 3, 1, 15, tzinfo=UTC)],
        applicant_types=["non_profit"],
        source_url="https://e.org",
        custom={"funder": "F", "eligibleCountries": ["DE"]},
    )
    assert data["status"] == {"value": "custom", "customValue": "rolling"}
    assert data["funding"] == {
        "minAwardAmount": {"amount": "1000.00", "currency": "EUR"},
        "totalAmountAvailable": {"amount": "5000000.00", "currency": "EUR"},
    }
    assert data["keyDates"]["closeDate"]["date"] == "2026-03-01"
    assert data["keyDates"]["otherDates"]["deadline1"]["date"] == "2026-02-01"
    assert data["keyDates"]["postDate"]["date"] == "2026-01-01"
    assert data["customFields"]["eligibleCountries"]["fieldType"] == "array"
