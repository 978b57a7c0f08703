from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from evidencehub.core.tabular import TabularError, open_table


def rows(path: Path, **kw: str) -> list[tuple[int, dict[str, str]]]:
    with open_table(path, **kw) as table:
        return [(r.line, r.values) for r in table]


def test_utf8_bom_comma_and_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffID,Name\n00123,Zoë\n".encode())
    with open_table(path) as table:
        assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
        assert table.headers == ["id", "name"]
        assert [r.values for r in table] == [{"id": "00123", "name": "Zoë"}]


def test_cp1252_semicolon_with_commas_inside_quotes(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    text = 'code;label;amount\r\n007;"Müller, Hans; Sohn";"1,5"\r\n'
    text += "".join(f'{i:03d};"a, b, c";"{i},25"\r\n' for i in range(30))
    path.write_bytes(text.encode("cp1252"))
    with open_table(path) as table:
        assert (table.encoding, table.delimiter) == ("cp1252", ";")
        first = next(iter(table))
    assert first.values == {
        "code": "007",
        "label": "Müller, Hans; Sohn",
        "amount": "1,5",
    }


def test_commas_in_quoted_fields_do_not_fool_detection(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    lines = ["a,b"] + ['"x; y; z; w",1'] * 20
    path.write_text("\n".join(lines) + "\n")
    with open_table(path) as table:
        assert table.delimiter == ","


def test_quoted_newlines_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text('id,note\n1,"two\nlines"\n\n2,x\n3,y,extra\n')
    found = []
    with open_table(path) as table:
        for row in table:
            found.append((row.line, row.values["note"], row.errors))
    assert found[0] == (2, "two\nlines", {})
    assert found[1] == (5, "x", {})
    assert found[2][0] == 6 and "column 3" in found[2][2]


def test_declared_delimiter_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("a\tb\n1\tä\n".encode("latin-1"))
    assert rows(path, delimiter="\t", encoding="latin-1") == [(2, {"a": "1", "b": "ä"})]


def test_broken_quotes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text('a,b\n1,2\n3,"unterminated\n')
    with open_table(path) as table, pytest.raises(TabularError) as err:
        list(table)
    assert err.value.line == 3


def test_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("a,A \n1,2\n")
    with pytest.raises(TabularError, match="appears twice"):
        open_table(path)
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(TabularError, match="empty"):
        open_table(empty)
    trailing = tmp_path / "t.csv"
    trailing.write_text("a;b;\n1;2;\n")
    assert rows(trailing) == [(2, {"a": "1", "b": "2"})]


def test_xlsx_keeps_leading_zeros_and_dates(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Code", "When", "Value", "Ratio"])
    sheet.append(["00042", 7, date(2026, 1, 2), 3.0, 0.25])
    sheet["B2"].number_format = "0000"
    sheet.append([None, None, None, None, None])
    sheet.append(["x", 1, datetime(2026, 1, 2, 13, 30), 1, 1])  # noqa: DTZ001 - Excel has no zones
    path = tmp_path / "book.xlsx"
    book.save(path)
    found = rows(path)
    assert found[0] == (
        2,
        {
            "id": "00042",
            "code": "0007",
            "when": "2026-01-02",
            "value": "3",
            "ratio": "0.25",
        },
    )
    assert found[1][0] == 4 and found[1][1]["when"] == "2026-01-02 13:30:00"


def test_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text(
        json.dumps({"Type": "x", "id": "007", "n": 5, "ok": True, "z": None})
        + "\n\n[1]\n{bad\n"
        + json.dumps({"a": {"nested": 1}})
        + "\n"
    )
    found = []
    with open_table(path) as table:
        for row in table:
            found.append((row.line, row.values, row.errors))
    assert found[0] == (
        1,
        {"type": "x", "id": "007", "n": "5", "ok": "true", "z": ""},
        {},
    )
    assert found[1][0] == 3 and found[1][2]
    assert found[2][0] == 4 and "not JSON" in next(iter(found[2][2].values()))
    assert found[3][2] == {"a": "Nested values are not accepted."}


def test_streams_can_be_read_twice_without_being_closed() -> None:
    stream = io.BytesIO(b"a,b\n1,2\n")
    for _ in range(2):
        stream.seek(0)
        with open_table(stream) as table:
            assert [r.values for r in table] == [{"a": "1", "b": "2"}]
    assert not stream.closed


def test_not_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(TabularError, match="XLSX"):
        open_table(path)
