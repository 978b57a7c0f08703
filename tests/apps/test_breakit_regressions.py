"""Regressions found by trying to break the product."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from icalendar import Calendar

from evidencehub.core.funding.calendar import DeadlineEvent, ical_feed
from evidencehub.core.funding.giving360 import Giving360Error, parse_json
from evidencehub.core.instruments import InstrumentError, parse_text
from evidencehub.core.tabular import open_table


def test_nul_characters_in_a_file_are_a_row_error_not_a_crash() -> None:
    table = open_table(io.BytesIO(b"date,pseudonym\n2026-01-01,Blue\x00Fox\n"))
    rows = list(table)
    assert rows[0].errors == {"pseudonym": "Contains a NUL character."}
    assert "\x00" not in rows[0].values["pseudonym"]


def test_deeply_nested_360giving_json_is_refused() -> None:
    deep = b'{"grants":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(Giving360Error, match="nested too deeply"):
        parse_json(deep)


def test_deeply_nested_instrument_definitions_are_refused() -> None:
    with pytest.raises(InstrumentError):
        parse_text("{" + '"a":[' * 50_000 + "]" * 50_000 + "}")


def test_calendar_names_with_line_breaks_still_make_a_valid_feed() -> None:
    feed = ical_feed(
        "Evént;\r\nSUMMARY:INJECT",
        [
            DeadlineEvent(
                uid="x@y",
                title="Call\nwith break",
                when=datetime(2027, 1, 1, tzinfo=UTC),
            )
        ],
        stamp=datetime(2026, 11, 29, tzinfo=UTC),
    )
    calendar = Calendar.from_ical(feed)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert "\n" not in str(calendar["X-WR-CALNAME"])


@pytest.mark.django_db
def test_saved_search_names_are_one_line(cast: Any) -> None:
    from evidencehub.apps.funding.services import saved_search_create

    saved = saved_search_create(
        actor=cast.admin_a,
        organisation=cast.org_a,
        name="Evént;\r\nSUMMARY:INJECT",
        params={"q": "prevention"},
    )
    assert saved.name == "Evént; SUMMARY:INJECT"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Call from +49 151 12345678", "a phone number"),
        ("caller john.doe@example.com", "an e-mail address"),
        ("at 10.1.2.3", "an IP address"),
        ("from 2001:db8::1", "an IP address"),
        ("Mozilla/5.0 (X11)", "a browser identification"),
        ("Genesys monthly export, October", None),
        ("3CX report 2026-10", None),
        ("exported at 10:30:45", None),
    ],
)
def test_identifying_text_is_recognised(text: str, kind: str | None) -> None:
    from evidencehub.core.identity import identifying_kind

    assert identifying_kind(text) == kind


def test_aggregate_figure_notes_cannot_carry_identities() -> None:
    from evidencehub.core.collect.figures import validate_figure

    clean, errors = validate_figure(
        {
            "element": "calls_offered",
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "value": 120,
            "source_system": "Call from +49 151 12345678",
            "note": "caller john.doe@example.com at 10.1.2.3",
        },
        today=date(2026, 11, 29),
    )
    assert clean is None
    assert set(errors) == {"source_system", "note"}


def test_server_error_log_never_names_a_client_address() -> None:
    import logging

    from evidencehub.cli import _gunicorn_argv
    from evidencehub.serving import RedactAddresses

    argv = _gunicorn_argv("127.0.0.1", 8000, 1)
    assert (
        argv[argv.index("--logger-class") + 1] == "evidencehub.serving.RedactingLogger"
    )
    for address in ("127.0.0.1", "203.0.113.7", "2001:db8::1", "::ffff:10.1.2.3"):
        record = logging.LogRecord(
            "gunicorn.error",
            logging.WARNING,
            __file__,
            1,
            "Invalid request from ip=%s: Request Line is too large",
            (address,),
            None,
        )
        assert RedactAddresses().filter(record)
        assert address not in record.getMessage()
        assert "Request Line is too large" in record.getMessage()


def test_gunicorn_accepts_the_logger_class() -> None:
    from gunicorn.config import Config

    from evidencehub.serving import RedactAddresses, RedactingLogger

    config = Config()
    config.set("logger_class", "evidencehub.serving.RedactingLogger")
    logger = RedactingLogger(config)
    assert any(isinstance(f, RedactAddresses) for f in logger.error_log.filters)


def test_json_lines_headers_are_known_when_the_table_opens() -> None:
    table = open_table(
        io.BytesIO(b'{"phq9_1": 1, "phq9_2": 0}\n{"phq9_1": 2, "phq9_2": 3}\n'),
        format="jsonl",
    )
    assert table.headers == ["phq9_1", "phq9_2"]
    assert [r.values["phq9_1"] for r in table] == ["1", "2"]
