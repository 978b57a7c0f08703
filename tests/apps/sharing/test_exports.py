"""Exports: every format parses back with its data dictionary and provenance;
outside exports pass the release pipeline; formulas are neutralised."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.disclosure.selectors import Audience
from evidencehub.apps.sharing import exports
from evidencehub.apps.sharing.services import export_create
from evidencehub.core.kpis.results import parse_period
from tests.apps.sharing.conftest import PERIOD

COUNT_COLUMNS = ("n", "numerator", "denominator")


def small_cells(rows: list[dict[str, Any]], threshold: int = 10) -> list[Any]:
    """Counts (and count-valued KPIs) between 1 and threshold - 1."""
    found = []
    for row in rows:
        for col in COUNT_COLUMNS:
            v = row.get(col)
            if v not in (None, "") and 0 < float(v) < threshold:
                found.append((row["kpi_id"], row["group"], col, v))
        v = row.get("value")
        if row.get("unit") != "%" and v not in (None, "") and 0 < float(v) < threshold:
            found.append((row["kpi_id"], row["group"], "value", v))
    return found


def make(cast: Any, fmt: str, audience: Audience = Audience.OUTSIDE) -> bytes:
    return export_create(
        actor=cast.analyst_a,
        initiative=cast.initiative_a,
        period=parse_period(PERIOD),
        fmt=fmt,
        audience=audience,
        via="page",
    ).content


def from_csv_zip(content: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig")))
            )
            for name in z.namelist()
        }


def from_xlsx(content: bytes) -> dict[str, list[dict[str, Any]]]:
    wb = load_workbook(io.BytesIO(content))
    out = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        out[ws.title] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    return out


@pytest.mark.django_db
def test_json_export_carries_dictionary_provenance_and_no_small_cell(
    results: Any,
) -> None:
    doc = json.loads(make(results, "json"))
    assert set(doc) == {"about", "dictionary", "tables"}
    names = [c["name"] for c in doc["dictionary"]]
    assert all(set(c) == {"name", "meaning", "unit", "type"} for c in doc["dictionary"])
    totals = doc["tables"]["kpi_results"]
    assert {r["kpi_id"] for r in totals} == {"R01", "R02", "R03", "R09"}
    assert all(list(r) == names for r in totals)
    r03 = next(r for r in totals if r["kpi_id"] == "R03")
    assert r03["value"] == pytest.approx(500 / 2700 * 100, abs=1e-4)
    assert r03["lower"] < r03["value"] < r03["upper"]
    assert (
        "wilson" in r03["methods"]
        and "evidencehub.disclosure.threshold" in (r03["methods"])
    )
    assert r03["period"] == PERIOD and r03["computed_at"]
    about = doc["about"]
    assert about["audience"] == "outside" and "threshold 10" in about["suppression"]
    assert "numerator" not in names
    cells = doc["tables"]["kpi_results_by_breakdown"]
    chat = next(r for r in cells if r["group"] == "chat")
    assert chat["suppressed"] is True and chat["value"] is None and chat["n"] is None
    assert "under 10" in chat["suppression_reason"]
    assert small_cells(totals + cells) == []
    # the chat count cannot be worked out as total minus phone
    r02 = next(r for r in totals if r["kpi_id"] == "R02")
    phone = next(r for r in cells if r["group"] == "phone")
    assert r02["value"] is None or phone["value"] is None
    assert about["suppressed_figures"] == 2


@pytest.mark.django_db
def test_internal_export_is_marked_and_keeps_every_figure(results: Any) -> None:
    doc = json.loads(make(results, "json", Audience.INTERNAL))
    assert doc["about"]["audience"] == "internal"
    assert doc["about"]["notice"].startswith("INTERNAL")
    rows = doc["tables"]["kpi_results"] + doc["tables"]["kpi_results_by_breakdown"]
    assert all(r["audience"] == "internal" for r in rows)
    chat = next(r for r in rows if r["group"] == "chat")
    assert chat["value"] == 4 and chat["suppressed"] is False
    assert "numerator" in [c["name"] for c in doc["dictionary"]]
    # the scan finds the small cell when nothing protects it
    assert small_cells(rows)


@pytest.mark.django_db
def test_csv_zip_parses_back_with_dictionary_and_neutralised_formulas(
    results: Any,
) -> None:
    files = from_csv_zip(make(results, "csv"))
    assert set(files) == {
        "kpi_results",
        "kpi_results_by_breakdown",
        "data_dictionary",
        "about",
    }
    names = [c["name"] for c in files["data_dictionary"]]
    assert list(files["kpi_results"][0]) == names
    assert {r["kpi_id"] for r in files["kpi_results"]} == {"R01", "R02", "R03", "R09"}
    cells = {r["group"]: r for r in files["kpi_results_by_breakdown"]}
    notes = {r["kpi_id"]: r["notes"] for r in files["kpi_results"]}
    assert notes["R01"] == "'" + '=HYPERLINK("http://example.invalid","x")'
    assert notes["R09"] == "'@SUM(1+1)"
    assert cells["chat"]["value"] == "" and cells["chat"]["suppressed"] == "True"
    assert small_cells(files["kpi_results"] + files["kpi_results_by_breakdown"]) == []
    about = {r["key"]: r["value"] for r in files["about"]}
    assert about["audience"] == "outside" and about["period"] == PERIOD


@pytest.mark.django_db
def test_xlsx_has_dictionary_as_second_sheet_and_no_formulas(results: Any) -> None:
    content = make(results, "xlsx")
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["KPI results", "Data dictionary", "By breakdown", "About"]
    # openpyxl would store a string starting with "=" as a formula
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)
    sheets = from_xlsx(content)
    names = [c["name"] for c in sheets["Data dictionary"]]
    assert list(sheets["KPI results"][0]) == names
    chat = next(r for r in sheets["By breakdown"] if r["group"] == "chat")
    assert chat["value"] is None and chat["suppressed"] is True
    r01 = next(r for r in sheets["KPI results"] if r["kpi_id"] == "R01")
    assert r01["notes"].startswith("'=HYPERLINK") and r01["value"] == 1000
    rows = sheets["KPI results"] + sheets["By breakdown"]
    assert small_cells(rows) == []


def test_safe_cell_follows_owasp() -> None:
    for bad in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert exports.safe_cell(bad) == "'" + bad
    assert exports.safe_cell("plain") == "plain"
    assert exports.safe_cell(-1.5) == -1.5
    assert exports.safe_cell(None) is None


@pytest.mark.django_db
def test_every_export_is_audit_logged(results: Any) -> None:
    make(results, "xlsx")
    event = AuditEvent.objects.filter(action="evidencehub.export.created").get()
    assert event.data["format"] == "xlsx" and event.data["audience"] == "outside"
    assert event.data["rows"] == 6 and event.data["suppressed"] == 2
    assert event.actor == results.analyst_a


@pytest.mark.django_db
def test_cli_export_writes_each_format(results: Any, tmp_path: Path) -> None:
    for fmt in exports.FORMATS:
        target = tmp_path / f"out.{fmt}"
        out = io.StringIO()
        call_command(
            "export",
            "--initiative=helpline-a",
            f"--period={PERIOD}",
            f"--format={fmt}",
            f"-o={target}",
            "--quiet",
            stdout=out,
        )
        assert "6 rows" in out.getvalue()
        assert target.stat().st_size > 100
    doc = json.loads((tmp_path / "out.json").read_text())
    assert doc["about"]["audience"] == "outside"
    event = AuditEvent.objects.filter(action="evidencehub.export.created").first()
    assert event is not None and event.data["via"] == "cli" and event.actor is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--initiative=nope", "--period=2025"], "--initiative"),
        (["--initiative=helpline-a", "--period=2025-13"], "--period"),
        (["--initiative=helpline-a", "--period=next year"], "--period"),
    ],
)
def test_cli_bad_input_names_the_option(
    results: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("export", *args, "--format=json", f"-o={tmp_path / 'x.json'}")


@pytest.mark.django_db
def test_cli_missing_folder_is_an_error(results: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="-o"):
        call_command(
            "export",
            "--initiative=helpline-a",
            f"--period={PERIOD}",
            "--format=json",
            f"-o={tmp_path / 'missing' / 'x.json'}",
        )


@pytest.mark.django_db
def test_export_page_downloads_for_analyst_and_refuses_viewer(
    results: Any, client_for: Any
) -> None:
    client = client_for(results.analyst_a)
    url = "/initiatives/helpline-a/export/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"period": PERIOD, "format": "json", "audience": "outside"})
    assert r.status_code == 200
    assert r["Content-Disposition"].endswith('-outside.json"')
    assert json.loads(r.content)["about"]["initiative"] == "helpline-a"
    bad = client.post(url, {"period": "March", "format": "doc", "audience": "x"})
    assert bad.status_code == 400
    assert b"period" in bad.content and b"format" in bad.content
    viewer = client_for(results.viewer_a)
    assert viewer.post(url, {"period": PERIOD, "format": "json"}).status_code == 403


@pytest.mark.django_db
def test_export_api(results: Any, api_for: Any) -> None:
    api = api_for(results.analyst_a)
    url = "/api/v1/initiatives/helpline-a/export/"
    r = api.get(url, {"period": PERIOD, "format": "csv"})
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    assert "kpi_results" in from_csv_zip(r.content)
    unknown = api.get(url, {"period": PERIOD, "extra": "1"})
    assert unknown.status_code == 400 and "extra" in unknown.json()
    bad_format = api.get(url, {"period": PERIOD, "format": "pdf"})
    assert bad_format.status_code == 400 and "format" in bad_format.json()
    bad_period = api.get(url, {"period": "2025-99"})
    assert bad_period.status_code == 400 and "period" in bad_period.json()
    assert api_for(results.viewer_a).get(url).status_code == 403
    assert api_for(results.admin_b).get(url).status_code == 404


@pytest.mark.django_db
def test_large_export_runs_as_job(
    results: Any, client_for: Any, monkeypatch: Any
) -> None:
    from evidencehub.apps.sharing import views

    monkeypatch.setattr(views, "LARGE_EXPORT_ROWS", 1)
    client = client_for(results.analyst_a)
    r = client.post(
        "/initiatives/helpline-a/export/",
        {"period": PERIOD, "format": "xlsx", "audience": "internal"},
    )
    assert r.status_code == 302 and "/jobs/" in r["Location"]
    status = client.get(r["Location"] + "status/").json()
    assert status["state"] == "done" and status["percent"] == 100
    download = client.get(status["download"])
    assert download.status_code == 200
    assert from_xlsx(download.content)["About"]
