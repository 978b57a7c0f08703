"""REDCap data dictionary and instrument ZIP import, on the real dictionary
in ../shared/data/real/ (bridge2ai-voice, Apache-2.0) and on hostile files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from evidencehub.core.instruments import score
from evidencehub.core.instruments.redcap import (
    COLUMNS,
    RedcapError,
    parse_dictionary,
    parse_zip,
    strip_html,
)

REAL = Path("/work/shared/data/real/bridge2ai-voice_gad7_extract.csv")
SCORED = [
    "nervous_anxious",
    "cant_control_worry",
    "worry_too_much",
    "trouble_relaxing",
    "hard_to_sit_still",
    "easily_agitated",
    "afraid_of_things",
]


def test_real_dictionary_imports_and_reports_everything() -> None:
    [rep] = parse_dictionary(REAL.read_bytes())
    assert rep.form == "q_generic_gad7_anxiety"
    assert rep.errors == []
    assert rep.instrument is not None
    # 15 fields: 8 imported + 7 skipped, none silently dropped
    assert len(rep.imported) + len(rep.skipped) == 15
    assert rep.imported == [*SCORED, "tough_to_work"]
    skipped = dict(rep.skipped)
    assert "@READONLY" in skipped["gad_7_session_id"]
    assert "identifier" in skipped["gad_7_started_at"]
    notes = dict(rep.notes)
    assert "branching logic not evaluated" in notes["tough_to_work"]
    assert "[nervous_anxious] > 0" in notes["tough_to_work"]  # the newline cell, joined
    [sub] = rep.instrument.subscales
    assert sub.id == "gad_7_anxiety" and list(sub.items) == SCORED
    s = score(rep.instrument, dict.fromkeys(SCORED, 2))
    assert s.subscales["gad_7_anxiety"] == 14
    assert rep.instrument.item("nervous_anxious").values == (0, 1, 2, 3)


def _dictionary(rows: list[list[str]]) -> str:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow(r + [""] * (len(COLUMNS) - len(r)))
    return buf.getvalue()


def test_instrument_zip_without_record_id_and_odd_fields() -> None:
    text = _dictionary(
        [
            [
                "mood",
                "wellbeing",
                "<b>How are you?</b>",
                "radio",
                "Today I feel <i>calm</i>&nbsp;",
                "1, Yes | 0, No",
            ],
            ["tick", "wellbeing", "", "checkbox", "Pick some", "1, A | 2, B"],
            ["total", "wellbeing", "", "calc", "Total", "[mood]*2"],
            [
                "ok",
                "wellbeing",
                "",
                "yesno",
                "Okay?",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "y",
                "",
                "",
                "",
                "",
                "@DEFAULT='1'",
            ],
            [
                "level",
                "wellbeing",
                "",
                "slider",
                "Level",
                "Low | Mid | High",
                "",
                "",
                "0",
                "10",
            ],
        ]
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("instrument.csv", text)
        zf.writestr("OriginID.txt", "redcap.example")
    [rep] = parse_zip(buf.getvalue())
    assert rep.instrument is not None
    assert rep.instrument.instructions == "How are you?"
    assert rep.instrument.item("mood").text == "Today I feel calm"
    assert rep.instrument.item("ok").required
    assert rep.instrument.item("level").values == tuple(range(11))
    skipped = dict(rep.skipped)
    assert "checkbox" in skipped["tick"] and "calculated" in skipped["total"]
    notes = dict(rep.notes)
    assert "HTML removed" in notes["mood"] and "@DEFAULT" in notes["ok"]


def test_bad_files_give_clear_errors() -> None:
    with pytest.raises(RedcapError, match="not a REDCap data dictionary"):
        parse_dictionary(b"a,b,c\n1,2,3\n")
    with pytest.raises(RedcapError, match="empty"):
        parse_dictionary(b"")
    with pytest.raises(RedcapError, match="not a ZIP"):
        parse_zip(b"PK-not-really")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("other.csv", "x")
    with pytest.raises(RedcapError, match=r"instrument\.csv"):
        parse_zip(buf.getvalue())


def test_non_numeric_codes_are_reported() -> None:
    text = _dictionary([["origin", "f", "", "radio", "Origin", "app, App | web, Web"]])
    [rep] = parse_dictionary(text)
    assert rep.instrument is None
    assert "not a whole number" in dict(rep.skipped)["origin"]
    assert rep.errors


def test_strip_html() -> None:
    assert strip_html("a<br>b &amp; c") == ("a b & c", True)
    assert strip_html("plain  text") == ("plain text", False)
