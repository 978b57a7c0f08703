"""360Giving import (all-or-nothing, row-level report), anonymised recipients
honoured everywhere, and export as a valid package."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.funding.imports import (
    ImportFailed,
    anonymise_recipient,
    import_360giving,
)
from evidencehub.apps.funding.models import PastGrant
from evidencehub.core.funding.giving360 import CATALOGUE, package_validator

REAL = Path("/work/shared/data/real/blagrave-trust_360G-blagravetrust-2016.xlsx")
PACKAGE = CATALOGUE / "synthetic-example-360giving-package.json"
CSV = CATALOGUE / "synthetic-example-360giving-grants.csv"
HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,"
    "Funding Org:Identifier,Funding Org:Name"
)


@pytest.mark.django_db
@pytest.mark.skipif(not REAL.exists(), reason="shared real data not present")
def test_real_xlsx_imports_and_duplicate_is_reported_once() -> None:
    batch = import_360giving(actor=None, name=REAL.name, data=REAL.read_bytes())
    assert (batch.created, batch.updated, batch.duplicates) == (68, 0, 1)
    assert PastGrant.objects.count() == 68
    assert batch.report["duplicates"][0]["id"] == "360G-blagravetrust-00658000008xOPI"
    assert (
        PastGrant.objects.filter(
            identifier="360G-blagravetrust-00658000008xOPI"
        ).count()
        == 1
    )
    assert AuditEvent.objects.filter(
        action="evidencehub.funder_import.completed"
    ).exists()
    again = import_360giving(actor=None, name=REAL.name, data=REAL.read_bytes())
    assert (again.created, again.updated) == (0, 68)


@pytest.mark.django_db
def test_shipped_examples_import() -> None:
    import_360giving(actor=None, name=PACKAGE.name, data=PACKAGE.read_bytes())
    batch = import_360giving(actor=None, name=CSV.name, data=CSV.read_bytes())
    assert batch.updated == 2 and PastGrant.objects.count() == 2
    grant = PastGrant.objects.get(identifier="360G-ExamplePreventionFund-2024-001")
    assert grant.countries == ["DE"] and str(grant.amount_awarded) == "15000.00"


@pytest.mark.django_db
def test_malformed_file_imports_nothing() -> None:
    rows = [
        "360G-x-1,Good,D,EUR,1000,2024-01-02,a,R,b,F",
        "360G-x-2,Bad,D,EUR,a lot,2024-13-02,a,R,b,F",
    ]
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    with pytest.raises(ImportFailed) as failure:
        import_360giving(actor=None, name="bad.csv", data=data)
    report = failure.value.report
    assert report["ok"] is False and report["grants"] == 1
    (error,) = report["errors"]
    assert error["row"] == 3 and error["id"] == "360G-x-2"
    assert any("amountAwarded" in m for m in error["messages"])
    assert PastGrant.objects.count() == 0
    with pytest.raises(ImportFailed, match="not valid JSON"):
        import_360giving(actor=None, name="x.json", data=b"[{")
    assert PastGrant.objects.count() == 0


@pytest.mark.django_db
def test_cli_import_and_export(tmp_path: Path) -> None:
    out = StringIO()
    call_command("funders", "import-360giving", str(PACKAGE), stdout=out)
    assert "2 new grant(s)" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n360G-x,T,D,EUR,x,2024-01-01,a,R,b,F\n")
    with pytest.raises(SystemExit) as code:
        call_command(
            "funders",
            "import-360giving",
            str(bad),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert code.value.code == 1
    target = tmp_path / "out.json"
    call_command(
        "funders", "export-360giving", "--output", str(target), stdout=StringIO()
    )
    package = json.loads(target.read_text())
    assert list(package_validator().iter_errors(package)) == []
    assert len(package["grants"]) == 2


def test_anonymised_recipient_is_honoured_everywhere(
    cast: Any, client_for: Any, api_for: Any
) -> None:
    import_360giving(
        actor=None,
        name=PACKAGE.name,
        data=PACKAGE.read_bytes(),
        anonymise_ids={"360G-ExamplePreventionFund-2024-001": "Southern Germany"},
    )
    secret = "Example Child Safeguarding Association"
    grant = PastGrant.objects.get(identifier="360G-ExamplePreventionFund-2024-001")
    assert grant.recipient_anonymised and grant.region == "Southern Germany"
    assert secret not in json.dumps(grant.data)
    page = client_for(cast.viewer_a).get("/funding/past-grants/").content.decode()
    assert (
        "Anonymous Recipient" in page
        and "Southern Germany" in page
        and secret not in page
    )
    found = client_for(cast.viewer_a).get(
        "/funding/past-grants/?q=safeguarding+association"
    )
    assert secret not in found.content.decode()
    api = api_for(cast.viewer_a).get("/api/v1/funders/past-grants/").content.decode()
    assert secret not in api
    export = client_for(cast.viewer_a).get("/funding/past-grants/360giving.json")
    assert secret not in export.content.decode()
    assert list(package_validator().iter_errors(json.loads(export.content))) == []
    # A re-import of the publisher's file keeps the recipient anonymous.
    import_360giving(actor=None, name=PACKAGE.name, data=PACKAGE.read_bytes())
    grant.refresh_from_db()
    assert grant.recipient_anonymised and secret not in json.dumps(grant.data)


@pytest.mark.django_db
def test_anonymise_later_with_new_description() -> None:
    import_360giving(actor=None, name=PACKAGE.name, data=PACKAGE.read_bytes())
    grant = PastGrant.objects.get(identifier="360G-ExamplePreventionFund-2024-002")
    anonymise_recipient(
        actor=None, grant=grant, region="Northern Europe", description="A regrant pot."
    )
    grant.refresh_from_db()
    assert (
        grant.recipient_name == "Anonymous Recipient"
        and grant.description == "A regrant pot."
    )
    assert "Example Regional Network" not in grant.search_text


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_import_page_and_api_are_platform_admin_only(
    cast: Any, client_for: Any, api_for: Any
) -> None:
    assert client_for(cast.admin_a).get("/funding/import/").status_code == 403
    response = api_for(cast.admin_a).post(
        "/api/v1/funders/imports/",
        {"file": upload(PACKAGE.name, PACKAGE.read_bytes())},
        format="multipart",
    )
    assert response.status_code == 403
    admin = api_for(cast.platform_admin)
    bad_csv = (HEADER + "\n360G-x,T,D,EUR,x,2024-01-01,a,R,b,F\n").encode()
    bad = admin.post(
        "/api/v1/funders/imports/",
        {"file": upload("bad.csv", bad_csv)},
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["report"]["errors"][0]["row"] == 2
    ok = admin.post(
        "/api/v1/funders/imports/",
        {"file": upload(PACKAGE.name, PACKAGE.read_bytes())},
        format="multipart",
    )
    assert ok.status_code == 201 and ok.json()["created"] == 2
    page = client_for(cast.platform_admin).post(
        "/funding/import/", {"file": upload("bad.csv", bad_csv)}
    )
    assert page.status_code == 200
    assert "Nothing was imported" in page.content.decode()
