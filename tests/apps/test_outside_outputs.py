"""Every path by which a figure can leave an organisation, scanned as an
outside viewer sees it: no cell under the suppression threshold anywhere.

The data (``computed``): organisation A has 30 phone, 3 chat and 14 e-mail
contacts in 2026, so the chat cell and the figures that would give it away
must be withheld on every path; organisation B has 25 phone contacts.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
from django.utils import timezone

from tests.apps.disclosure.conftest import computed  # noqa: F401
from tests.disclosure_scan import small_cells

THRESHOLD = 10
# poppler-utils, installed by .ci/run; a missing tool fails rather than skips
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PERIOD = "2026"


def _clean(output: Any, where: str) -> None:
    found = small_cells(output, THRESHOLD)
    assert found == [], f"{where}: {found}"


def test_the_data_really_has_a_small_cell(computed: Any) -> None:  # noqa: F811
    # Without this, every scan below could pass on data with nothing to hide.
    from evidencehub.apps.kpis.models import StoredResult

    assert StoredResult.objects.filter(
        initiative=computed.initiative_a, group="chat", value=3
    ).exists()


def test_evaluator_pages_and_api(computed: Any, client_for: Any, api_for: Any) -> None:  # noqa: F811
    slug = computed.initiative_a.slug
    web = client_for(computed.evaluator)
    api = api_for(computed.evaluator)
    for url in (
        f"/consortia/consortium/results/?period={PERIOD}",
        f"/initiatives/{slug}/dashboard/?period={PERIOD}",
        f"/initiatives/{slug}/dashboard/?period={PERIOD}&breakdown=channel",
    ):
        response = web.get(url)
        assert response.status_code == 200, url
        _clean(response.content.decode(), url)
    for url in (
        f"/api/v1/consortia/consortium/results/?period={PERIOD}",
        f"/api/v1/initiatives/{slug}/dashboard/?period={PERIOD}",
        f"/api/v1/initiatives/{slug}/dashboard/?period={PERIOD}&breakdown=channel",
    ):
        response = api.get(url)
        assert response.status_code == 200, url
        _clean(response.json(), url)


def test_outside_exports_in_every_format(computed: Any) -> None:  # noqa: F811
    from evidencehub.apps.disclosure.selectors import Audience
    from evidencehub.apps.sharing.services import export_create
    from evidencehub.core.kpis.results import parse_period

    def made(fmt: str) -> bytes:
        return export_create(
            actor=computed.admin_a,
            initiative=computed.initiative_a,
            period=parse_period(PERIOD),
            fmt=fmt,
            audience=Audience.OUTSIDE,
            via="test",
        ).content

    _clean(json.loads(made("json")), "json export")
    with zipfile.ZipFile(io.BytesIO(made("csv"))) as archive:
        for name in archive.namelist():
            rows = list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            _clean(rows, f"csv export {name}")
    book = openpyxl.load_workbook(io.BytesIO(made("xlsx")), read_only=True)
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if rows and rows[0]:
            head = [str(h) for h in rows[0]]
            _clean([dict(zip(head, r, strict=False)) for r in rows[1:]], sheet.title)


def test_signed_bundle(computed: Any, tmp_path: Path, settings: Any) -> None:  # noqa: F811
    from evidencehub.apps.federation.services import bundle_export
    from evidencehub.core.kpis.results import parse_period

    settings.EVIDENCEHUB_BUNDLE_KEY_FILE = str(tmp_path / "key.pem")
    bundle = bundle_export(
        organisation=computed.initiative_a.organisation,
        period=parse_period(PERIOD),
        actor=computed.admin_a,
    )
    _clean(bundle, "bundle")


def test_share_link_report_as_html_and_pdf(
    computed: Any,  # noqa: F811
    client: Any,
    tmp_path: Path,
) -> None:
    from evidencehub.apps.sharing.services import share_link_create

    link = share_link_create(
        actor=computed.admin_a,
        initiative=computed.initiative_a,
        data={
            "period": PERIOD,
            "language": "en",
            "expires": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    html = client.get(f"/shared/{link.token}/")
    assert html.status_code == 200
    _clean(html.content.decode(), "shared report (HTML)")
    pdf = client.get(f"/shared/{link.token}/report.pdf")
    assert pdf.status_code == 200
    (tmp_path / "r.pdf").write_bytes(
        b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    )
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(tmp_path / "r.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    _clean(text, "shared report (PDF)")


def test_the_scanner_finds_the_small_cell_in_an_internal_export(
    computed: Any,  # noqa: F811
) -> None:
    # The control: the same export for the organisation itself keeps the 3.
    from evidencehub.apps.disclosure.selectors import Audience
    from evidencehub.apps.sharing.services import export_create
    from evidencehub.core.kpis.results import parse_period

    internal = export_create(
        actor=computed.admin_a,
        initiative=computed.initiative_a,
        period=parse_period(PERIOD),
        fmt="json",
        audience=Audience.INTERNAL,
        via="test",
    ).content
    assert small_cells(json.loads(internal), THRESHOLD) != []
