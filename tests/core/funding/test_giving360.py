"""360Giving reading and validation, offline, against the shipped schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencehub.core.funding import giving360 as g

REAL = Path("/work/shared/data/real/blagrave-trust_360G-blagravetrust-2016.xlsx")
CATALOGUE = g.CATALOGUE


def test_shipped_examples_validate() -> None:
    for name in (
        "synthetic-example-360giving-package.json",
        "synthetic-example-360giving-grants.csv",
    ):
        parsed = g.parse_file(name, (CATALOGUE / name).read_bytes())
        assert not parsed.errors and len(parsed.grants) == 2


def test_package_ref_to_142_resolves_offline() -> None:
    package = json.loads(
        (CATALOGUE / "synthetic-example-360giving-package.json").read_text()
    )
    assert list(g.package_validator().iter_errors(package)) == []
    del package["grants"][0]["title"]
    assert list(g.package_validator().iter_errors(package))


@pytest.mark.skipif(not REAL.exists(), reason="shared real data not present")
def test_real_blagrave_file() -> None:
    parsed = g.parse_file(REAL.name, REAL.read_bytes())
    assert parsed.errors == []
    assert len(parsed.rows) == 69
    assert len(parsed.grants) == 68
    (dup,) = parsed.duplicates
    assert dup.grant_id == "360G-blagravetrust-00658000008xOPI"
    assert "loaded once" in dup.messages[0]
    dates = sorted(x["awardDate"] for x in parsed.grants)
    assert (dates[0], dates[-1]) == ("2013-07-07", "2016-11-08")
    assert {x["currency"] for x in parsed.grants} == {"GBP"}
    # A charity number written as a number becomes the string the schema wants.
    assert parsed.grants[0]["recipientOrganization"][0]["charityNumber"] == "1142154"


HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,"
    "Funding Org:Identifier,Funding Org:Name"
)


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_variations_real_publishers_use() -> None:
    data = csv(
        "360G-x-1,T,D,EUR,1000,2024-01-02,GB-CHC-1,R,GB-CHC-2,F",
        "360G-x-2,T,D,EUR,1000.50,2024-01-02T10:30:00Z,GB-CHC-1,R,GB-CHC-2,F",
        header=HEADER,
    )
    parsed = g.parse_file("a.csv", data)
    assert not parsed.errors
    assert [x["amountAwarded"] for x in parsed.grants] == [1000, 1000.5]
    extra = csv(
        "360G-x-1,T,D,EUR,5,2024-01-02,a,R,b,F,whatever",
        header=HEADER + ",Our Internal Code",
    )
    parsed = g.parse_file("b.csv", extra)
    assert not parsed.errors and "our_internal_code" in parsed.notes[0]
    semicolons = csv(
        "360G-x-1;T;D;EUR;5;2024-01-02;a;R;b;F", header=HEADER.replace(",", ";")
    )
    assert len(g.parse_file("c.csv", semicolons).grants) == 1
    bare = json.dumps(
        [
            json.loads(
                (CATALOGUE / "synthetic-example-360giving-package.json").read_text()
            )["grants"][0]
        ]
    )
    parsed = g.parse_file("d.json", bare.encode())
    assert len(parsed.grants) == 1 and "no metadata" in parsed.notes[0]


def test_row_level_errors_name_the_field() -> None:
    data = csv(
        "360G-x-1,T,D,EUR,1000,2024-01-02,a,R,b,F",
        "360G-x-2,T,D,EURO,lots,02/01/2024,a,R,b,F",
        ",T,D,EUR,1,2024-01-02,,,b,F",
        "360G-x-1,Other title,D,EUR,1000,2024-01-02,a,R,b,F",
    )
    parsed = g.parse_file("e.csv", data)
    by_row = {r.row: r for r in parsed.errors}
    assert set(by_row) == {3, 4, 5}
    row3 = " | ".join(by_row[3].messages)
    assert "amountAwarded" in row3 and "awardDate" in row3 and "currency" in row3
    assert "missing required field(s)" in " ".join(by_row[4].messages)
    assert "also used by row 2 with different details" in by_row[5].messages[0]


def test_unreadable_files() -> None:
    with pytest.raises(g.Giving360Error, match="not valid JSON"):
        g.parse_file("x.json", b"{")
    with pytest.raises(g.Giving360Error, match="needs a 'grants' list"):
        g.parse_file("x.json", b'{"title": "t"}')
    with pytest.raises(g.Giving360Error, match="not supported"):
        g.parse_file("x.pdf", b"%PDF")
    with pytest.raises(g.Giving360Error, match="No 'Identifier' column"):
        g.parse_file("x.csv", b"a,b\n1,2\n")
    with pytest.raises(g.Giving360Error, match="XLSX"):
        g.parse_file("x.xlsx", b"not a zip")
    with pytest.raises(g.Giving360Error, match="cannot be read"):
        g.parse_file("x.csv", b"Identifier,Identifier\n1,2\n")


def test_excel_windows_1252_csv_is_read() -> None:
    data = csv("360G-x-1,Caf\xe9 project,D,EUR,5,2024-01-02,a,R,b,F")
    parsed = g.parse_file("w.csv", data.decode().encode("cp1252"))
    assert parsed.grants[0]["title"] == "Caf\xe9 project"


def test_anonymise_and_build_package() -> None:
    grant = json.loads(
        (CATALOGUE / "synthetic-example-360giving-package.json").read_text()
    )["grants"][0]
    anon = g.anonymise(grant, region="Southern Germany", country="DE")
    assert anon["recipientOrganization"] == [
        {"id": anon["recipientOrganization"][0]["id"], "name": "Anonymous Recipient"}
    ]
    assert anon["recipientOrganization"][0]["id"].startswith("360G-")
    assert anon["beneficiaryLocation"] == [
        {"name": "Southern Germany", "countryCode": "DE"}
    ]
    assert "Example Child Safeguarding" not in json.dumps(anon)
    assert g.check_grant(anon) == []
    package = g.build_package(
        [anon],
        publisher_name="P",
        title="T",
        issued=__import__("datetime").date(2026, 1, 1),
    )
    assert list(g.package_validator().iter_errors(package)) == []
    with pytest.raises(g.Giving360Error):
        g.build_package(
            [],
            publisher_name="P",
            title="T",
            issued=__import__("datetime").date(2026, 1, 1),
        )
