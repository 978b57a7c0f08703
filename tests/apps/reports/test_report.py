"""The evaluation report (PDF and HTML), the consortium report and
``evidencehub report``: real renders checked with pdfinfo and pdftotext."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
from datetime import date
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import include, path
from django.utils import timezone

from evidencehub import cli
from evidencehub.apps.reports.report_views import report_preview
from tests.disclosure_scan import assert_no_small_cells, small_cells

pytestmark = pytest.mark.django_db

# The preview view is served under this module's URLconf in these tests.
urlpatterns = [
    path(
        "initiatives/<slug:slug>/report/preview/",
        report_preview,
        name="report_preview",
    ),
    path("", include("evidencehub.config.urls")),
]

PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
YEAR = "2026"
SYNTHETIC_APPS = {"collect", "instruments", "operations", "kpis"}


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> tuple[int, str]:
    """(page count, text) of a tagged PDF, by pdfinfo and pdftotext."""
    f = tmp_path / f"{name}.pdf"
    f.write_bytes(pdf)
    info = subprocess.run(
        [PDFINFO, str(f)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Tagged:\s+yes", info), info  # for screen readers
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(f), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return pages, text


def small_counts(text: str, threshold: int) -> list[int]:
    """Every count printed as ``n = 1,234`` (pdftotext may close up the
    spaces) that is under ``threshold``."""
    counts = re.findall(r"\bn\s*=\s*(\d[\d,.]*\d|\d)", text)
    found = [int(m.replace(",", "").replace(".", "")) for m in counts]
    return [n for n in found if 0 < n < threshold]


class _Tables(HTMLParser):
    """Rows of every ``<table>`` as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def small_n_cells(html: str, threshold: int) -> list[str]:
    """Cells under a column headed ``n`` (any table, charts' tables
    included) holding a count under ``threshold``."""
    parser = _Tables()
    parser.feed(html)
    bad = []
    for table in parser.tables:
        if not table or "n" not in table[0]:
            continue
        col = table[0].index("n")
        for row in table[1:]:
            cell = row[col] if col < len(row) else ""
            count = cell.replace("n =", "").replace(",", "").strip()
            if count.isdigit() and 0 < int(count) < threshold:
                bad.append(cell)
    return bad


def _contacts(initiative: Any, total: int, high_risk: int) -> None:
    from tests.apps.kpis.conftest import contact

    for i in range(total):
        contact(
            initiative,
            date(2026, 3, 1 + i % 28),
            risk_level="high" if i < high_risk else "low",
            actions=["safety_plan"] if i < high_risk else ["none"],
            distress_start=7,
            distress_end=5,
        )


@pytest.fixture
def computed(cast: Any) -> Any:
    """Helpline A with 40 contacts, 3 of them high risk (a small cell), and
    Helpline B with 25; KPIs computed and stored for 2026."""
    from evidencehub.apps.kpis.services import compute_and_store
    from evidencehub.core.kpis.results import parse_period

    _contacts(cast.initiative_a, 40, 3)
    _contacts(cast.initiative_b, 25, 12)
    for initiative in (cast.initiative_a, cast.initiative_b):
        compute_and_store(
            initiative=initiative,
            period=parse_period(YEAR),
            kpi_ids=["R02", "R05", "E07", "H02", "W08"],
        )
    return cast


def _render(initiative: Any, audience: str, **kw: Any) -> bytes:
    from evidencehub.apps.disclosure.selectors import Audience
    from evidencehub.apps.reports.rendering import render_report
    from evidencehub.core.kpis.results import parse_period

    return render_report(
        initiative=initiative,
        period=parse_period(YEAR),
        audience=Audience(audience),
        **kw,
    )


def _reasons(initiative: Any) -> list[str]:
    from evidencehub.apps.disclosure.selectors import Audience, released_results
    from evidencehub.apps.kpis.selectors import stored
    from evidencehub.core.kpis.results import parse_period

    results = stored(initiative=initiative, period=parse_period(YEAR))
    released = released_results(results=results, audience=Audience.OUTSIDE)
    return [why for r in released if r.suppressed for why in r.reasons]


# -- the demo report as PDF ----------------------------------------------------------


def test_demo_report_pdf_pages_text_language_and_protection(tmp_path: Path) -> None:
    from evidencehub.apps.disclosure.selectors import release_policy
    from evidencehub.apps.initiatives.models import Initiative
    from evidencehub.demo.loader import EXTENSIONS, load_demo

    # The synthetic demo, with the apps whose data the report draws on.
    load_demo(extensions=False)
    for module in EXTENSIONS:
        if module.split(".")[2] in SYNTHETIC_APPS:
            importlib.import_module(module).load(reset=False)
    helpline = Initiative.objects.get(slug="demo-helpline")
    period = str(timezone.now().year)
    steps: list[tuple[int, int, str]] = []

    def render(audience: str, language: str = "en", fmt: str = "pdf") -> bytes:
        from evidencehub.apps.disclosure.selectors import Audience
        from evidencehub.apps.reports.rendering import render_report
        from evidencehub.core.kpis.results import parse_period

        return render_report(
            initiative=helpline,
            period=parse_period(period),
            audience=Audience(audience),
            language=language,
            fmt=fmt,
            progress=lambda *a: steps.append(a),
        )

    pdf = render("internal")
    assert pdf.startswith(b"%PDF-")
    pages, text = pdf_text(pdf, tmp_path, "internal")
    assert 6 <= pages <= 40
    for heading in (
        "Evaluation report",
        "Demo confidential helpline",
        "Summary in plain language",
        "The initiative",
        "Logic model",
        "Evaluation plan",
        "Methods and limitations",
        "KPI results with provenance",
        "Charts",
        "Policy alignment",
        "Appendix: definitions",
    ):
        assert heading in text, heading
    # provenance: KPI id and version, method ids, period, n
    assert "R02 v1" in text
    assert "evidencehub.stats.wilson v1" in text
    assert "n = 2," in text or "n = 1," in text
    assert f"{period};" in text
    # internal marking on every page, and page numbers "k / N"
    assert text.count("Internal — not for sharing") >= pages
    assert f"{pages} / {pages}" in text
    # the summary leads with what changed, not with an access count
    summary = text.split("Summary in plain language", 1)[1][:1500]
    assert summary.index("What changed") < summary.index("How the service was used")
    assert "Synthetic demo data" in text
    assert steps[-1][0] == steps[-1][1] == 4

    outside = render("outside")
    _pages, text_out = pdf_text(outside, tmp_path, "outside")
    threshold = release_policy().threshold
    assert "Internal — not for sharing" not in text_out
    assert "Protected figures only" in text_out
    assert small_counts(text_out, threshold) == []
    assert_no_small_cells(text_out, threshold=threshold)
    assert small_counts(text, threshold) != [], "internal shows the small cell"
    assert "withheld" in text_out
    # every table of the outside page, the dashboard's chart tables included
    assert small_n_cells(render("outside", fmt="html").decode(), threshold) == []

    german = render("internal", language="de")
    _pages_de, text_de = pdf_text(german, tmp_path, "de")
    for heading in (
        "Evaluationsbericht",
        "Zusammenfassung in einfacher Sprache",
        "Methoden und Grenzen",
        "KPI-Ergebnisse mit Herkunftsangaben",
        "Intern — nicht zur Weitergabe",
    ):
        assert heading in text_de, heading


# -- HTML renders on hand-made data ------------------------------------------------


def test_outside_report_withholds_small_cells_and_says_why(computed: Any) -> None:
    internal = _render(computed.initiative_a, "internal").decode()
    outside = _render(computed.initiative_a, "outside").decode()
    # H02 rests on the 3 high-risk contacts: shown inside, withheld outside.
    assert "n = 3" in internal
    assert "n = 3" not in outside
    assert small_counts(outside, 10) == []
    assert small_n_cells(outside, 10) == []
    assert small_n_cells(internal, 10) != []  # the scan can fail
    assert_no_small_cells(outside, threshold=10)
    assert "n attribute = 3" in small_cells(internal, 10)
    # the pipeline's own reasons are printed beside the withheld figure
    reasons = _reasons(computed.initiative_a)
    assert reasons
    assert all(escape(why) in outside for why in reasons)
    assert "Internal — not for sharing" in internal
    assert "Internal — not for sharing" not in outside
    assert "n = 40" in outside


def test_report_states_missing_outcomes_before_counts(computed: Any) -> None:
    html = _render(computed.initiative_a, "internal").decode()
    summary = html.split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert "What changed for the people served" in summary
    assert "EIF level" in summary


def test_cover_names_published_sources(computed: Any) -> None:
    from evidencehub.apps.collect.models import AggregateFigure

    citation = "Example Service, Annual report 2026, p. 4 (fictional test citation)"
    AggregateFigure.objects.create(
        initiative=computed.initiative_a,
        element="calls_answered",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        value=1200,
        source_system="published",
        note=citation,
    )
    html = _render(computed.initiative_a, "outside").decode()
    assert "own published figures, re-analysed" in html
    assert citation in html
    plain = _render(computed.initiative_b, "outside").decode()
    assert "own published figures" not in plain


def test_progress_is_reported_in_order(computed: Any) -> None:
    seen: list[tuple[int, int, str]] = []
    _render(computed.initiative_a, "internal", progress=lambda *a: seen.append(a))
    assert [s[0] for s in seen] == [0, 1, 2, 3]
    assert all(s[1] == 3 for s in seen)


def test_bad_parameters_name_the_field(computed: Any) -> None:
    from evidencehub.apps.reports.rendering import ReportError

    with pytest.raises(ReportError, match=r"^fmt: ") as e:
        _render(computed.initiative_a, "internal", fmt="docx")
    assert e.value.field == "fmt"
    with pytest.raises(ReportError, match=r"^language: "):
        _render(computed.initiative_a, "internal", language="xx")


def test_protect_text_hides_small_counts_in_prose() -> None:
    from evidencehub.apps.reports.rendering import protect_text

    assert (
        protect_text("linked pre/post pairs: 3 of the 30 needed", 10)
        == "linked pre/post pairs: fewer than 10 of the 30 needed"
    )
    assert (
        protect_text("pairs: 12 of the 30 needed", 10) == "pairs: 12 of the 30 needed"
    )
    assert protect_text("4 contacts with a start", 10).startswith("fewer than 10")
    assert protect_text("EIF level 2 (SMS 1)", 10) == "EIF level 2 (SMS 1)"


# -- consortium report -----------------------------------------------------------


def test_consortium_report_uses_released_figures_only(computed: Any) -> None:
    from evidencehub.apps.accounts.models import Consortium
    from evidencehub.apps.reports.rendering import (
        ReportError,
        render_consortium_report,
    )
    from evidencehub.core.kpis.results import parse_period

    consortium = Consortium.objects.get(slug="consortium")
    html = render_consortium_report(
        consortium=consortium,
        intervention_type="helpline",
        period=parse_period(YEAR),
    ).decode()
    assert "Helpline A" in html and "Helpline B" in html
    assert "n = 40" in html and "n = 25" in html
    assert "n = 12" in html  # Helpline B's high-risk contacts: above threshold
    assert small_counts(html, 10) == []
    assert "withheld" in html  # Helpline A's three high-risk contacts
    assert "Internal" not in html
    with pytest.raises(ReportError, match="intervention_type"):
        render_consortium_report(
            consortium=consortium,
            intervention_type="nonsense",
            period=parse_period(YEAR),
        )


def test_consortium_report_pdf_in_german(computed: Any, tmp_path: Path) -> None:
    from evidencehub.apps.accounts.models import Consortium
    from evidencehub.apps.reports.rendering import render_consortium_report
    from evidencehub.core.kpis.results import parse_period

    pdf = render_consortium_report(
        consortium=Consortium.objects.get(slug="consortium"),
        intervention_type="helpline",
        period=parse_period(YEAR),
        language="de",
        fmt="pdf",
    )
    pages, text = pdf_text(pdf, tmp_path, "consortium")
    assert pages >= 2
    assert "Konsortialbericht" in text
    assert small_counts(text, 10) == []


# -- preview page ----------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_preview_is_for_members_only(computed: Any, client_for: Any) -> None:
    url = "/initiatives/helpline-a/report/preview/"
    ok = client_for(computed.viewer_a).get(url, {"period": YEAR})
    assert ok.status_code == 200
    assert "Internal — not for sharing" in ok.content.decode()
    outside = client_for(computed.viewer_a).get(
        url, {"period": YEAR, "view": "outside"}
    )
    assert "Internal — not for sharing" not in outside.content.decode()
    bad = client_for(computed.viewer_a).get(url, {"period": "2026-13"})
    assert bad.status_code == 400
    assert bad.content.decode().startswith("period:")
    assert client_for(computed.viewer_a).get(url, {"language": "xx"}).status_code == 400
    assert client_for(computed.admin_b).get(url).status_code == 404


# -- CLI -------------------------------------------------------------------------


def test_cli_writes_html_and_pdf(computed: Any, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "report.html"
    call_command(
        "report",
        "--initiative",
        "helpline-a",
        "--period",
        YEAR,
        "--format",
        "html",
        "--audience",
        "outside",
        "--language",
        "de",
        "--no-progress",
        "-o",
        str(out),
    )
    html = out.read_text(encoding="utf-8")
    assert '<html lang="de">' in html
    assert "Evaluationsbericht" in html
    pdf = tmp_path / "consortium.pdf"
    call_command(
        "report",
        "--consortium",
        "consortium",
        "--type",
        "helpline",
        "--period",
        YEAR,
        "-o",
        str(pdf),
    )
    assert pdf.read_bytes().startswith(b"%PDF-")
    err = capsys.readouterr().err
    assert "Done" in err and "4/4" in err  # the progress bar, on standard error


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--initiative", "nope", "--period", YEAR], "--initiative: no initiative"),
        (["--initiative", "helpline-a", "--period", "20x6"], "--period: "),
        (["--consortium", "nope", "--period", YEAR], "--consortium: no consortium"),
        (["--consortium", "consortium", "--period", YEAR], "--type: required"),
    ],
)
def test_cli_refuses_bad_input(
    computed: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "r.pdf"
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("report", *args, "--no-progress", "-o", str(out))
    assert not out.exists()


def test_cli_refuses_unwritable_paths_with_a_non_zero_exit(
    computed: Any, tmp_path: Path, capsys: Any
) -> None:
    base = ["report", "--initiative", "helpline-a", "--period", YEAR, "-o"]
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*base, str(tmp_path / "missing" / "r.pdf")])
    assert exit_info.value.code == 1
    assert "-o/--output: the folder" in capsys.readouterr().err
    with pytest.raises(CommandError, match="is a folder"):
        call_command(*base, str(tmp_path))
    with pytest.raises(CommandError, match="not a usable file name"):
        call_command(*base, str(tmp_path / "bad\x00name.pdf"))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if not os.access(locked, os.W_OK):  # root may write anyway
            with pytest.raises(CommandError, match="cannot write"):
                call_command(*base, str(locked / "r.pdf"))
    finally:
        locked.chmod(0o700)


def test_published_figures_example_says_so_on_the_cover() -> None:
    """The worked example from services' published figures (issue 9): the
    cover says they are the services' own figures, re-analysed, with sources."""
    from evidencehub.apps.initiatives.models import Initiative
    from evidencehub.apps.sharing import published_example
    from evidencehub.demo.loader import load_demo

    load_demo(extensions=False)
    published_example.load(reset=False)
    initiative = Initiative.objects.get(slug=published_example.INITIATIVE_SLUG)
    from evidencehub.apps.disclosure.selectors import Audience
    from evidencehub.apps.reports.rendering import render_report
    from evidencehub.core.kpis.results import parse_period

    html = render_report(
        initiative=initiative,
        period=parse_period(published_example.PERIOD),
        audience=Audience.OUTSIDE,
    ).decode()
    cover = html.split('id="summary"', 1)[0]
    assert "own published figures, re-analysed." in cover
    assert escape(published_example.CITATION) in cover
    assert "source: aggregate_figures" in html


def test_report_of_an_initiative_with_nothing_yet_says_what_is_missing(
    cast: Any,
) -> None:
    html = _render(cast.initiative_b, "outside").decode()
    assert "No KPI has been computed for this period yet." in html
    assert "No logic model has been described yet." in html
    assert "No evaluation questions have been set yet." in html
    assert "No outcome was measured for this period" in html
    assert "pairing, response or follow-up rates D01, D02, D04, E10" in html
