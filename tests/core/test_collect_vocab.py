from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from evidencehub.core.collect import contacts, figures
from evidencehub.core.collect.events import (
    Declared,
    split_payload,
    truncate_time,
    validate_event,
)
from evidencehub.core.collect.visitor import (
    browser_signature,
    truncate_ip,
    visitor_hash,
)

NOW = datetime(2026, 3, 1, 12, 34, 56, tzinfo=UTC)
DECLARED = Declared(modules=frozenset({"m1"}), custom_types=frozenset({"quiz"}))


def test_valid_event() -> None:
    event, errors = validate_event(
        {
            "type": "module_started",
            "module": "m1",
            "locale": "nl_be",
            "channel": "onion",
        },
        declared=DECLARED,
        now=NOW,
    )
    assert errors == {}
    assert event is not None and event.locale == "nl-BE" and event.channel == "onion"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"type": "page_view", "time": (NOW - timedelta(days=8)).isoformat()}, "time"),
        ({"type": "page_view", "time": "2026-03-01T10:00:00"}, "time"),
        ({"type": "page_view", "value": True}, "value"),
        ({"type": "page_view", "referrer": "campaign"}, "campaign"),
        ({"type": "quiz", "module": "m2"}, "module"),
    ],
)
def test_invalid_events(raw: dict[str, object], field: str) -> None:
    event, errors = validate_event(raw, declared=DECLARED, now=NOW)
    assert event is None and field in errors


def test_split_payload_shapes() -> None:
    assert split_payload({"type": "x"}) == ([{"type": "x"}], {})
    assert split_payload({"events": [{"type": "x"}]}) == ([{"type": "x"}], {})
    assert split_payload([1])[0] is None


def test_truncation() -> None:
    assert truncate_time(NOW) == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert truncate_time(NOW, "day") == datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="resolution"):
        truncate_time(NOW, "minute")


def test_ip_truncation_and_signature() -> None:
    assert truncate_ip("203.0.113.77") == "203.0.113.0/24"
    assert truncate_ip("::ffff:203.0.113.77") == "203.0.113.0/24"
    assert truncate_ip("2001:db8:85a3:1:2:3:4:5") == "2001:db8:85a3::/48"
    assert truncate_ip("not an ip") == ""
    sig = browser_signature(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    )
    assert sig == "Mobile Safari|iOS|mobile"
    salt = b"x" * 32
    a = visitor_hash(salt=salt, initiative_id=1, ip="203.0.113.1", user_agent="UA")
    b = visitor_hash(salt=salt, initiative_id=1, ip="203.0.113.200", user_agent="UA")
    assert a == b and len(a) == 32
    with pytest.raises(ValueError, match="salt"):
        visitor_hash(salt=b"", initiative_id=1, ip="", user_agent="")


def test_contact_rules() -> None:
    today = date(2026, 3, 1)
    ok, errors = contacts.validate_contact(
        {
            "date": "2026-02-28",
            "channel": "phone",
            "status": "answered",
            "caller_type": "own_concern",
            "offending_status": "prefer_not_to_say",
            "concerns": "csam_use|urges_fantasies",
            "actions": ["none"],
            "fidelity_sample": "yes",
        },
        today=today,
    )
    assert errors == {} and ok is not None
    assert ok.concerns == ("csam_use", "urges_fantasies") and ok.fidelity_sample
    _bad, errors = contacts.validate_contact(
        {
            "date": "2026-03-02",
            "channel": "phone",
            "status": "answered",
            "actions": "none|safety_plan",
            "distress_end": "4",
            "previous_actions_taken": "yes",
            "name": "x",
        },
        today=today,
    )
    assert set(errors) == {
        "date",
        "actions",
        "distress_end",
        "previous_actions_taken",
        "name",
    }


def test_figure_rules() -> None:
    today = date(2026, 3, 1)
    ok, errors = figures.validate_figure(
        {
            "element": "calls_offered",
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "value": "120",
        },
        today=today,
    )
    assert errors == {} and ok is not None and ok.value == 120
    _bad, errors = figures.validate_figure(
        {
            "element": "x",
            "period_start": "2024-01-01",
            "period_end": "2026-01-31",
            "value": -1,
            "note": "n" * 501,
        },
        today=today,
    )
    assert set(errors) == {"element", "period_end", "value", "note"}
