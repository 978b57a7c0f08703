"""KPI names and descriptions in German: the generated string module stays in
step with the catalogue, every text has a German translation, and German
pages and reports show the German names."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from evidencehub.apps.kpis import catalogue_strings
from evidencehub.apps.kpis.docs import STRINGS_PATH, render_catalogue_strings
from evidencehub.core.kpis.definitions import DATA_NEEDED, DOMAINS, load_catalogue

# Two KPIs picked for the page tests, with their German names.
R03_DE = "Annahmequote"
W09_DE = "Zuverlässige Verschlechterung"
# Words that are the same in both languages.
SAME_IN_GERMAN = {"Burnout"}


def _all_strings() -> tuple[str, ...]:
    return (
        *catalogue_strings.KPI_NAMES,
        *catalogue_strings.KPI_DESCRIPTIONS,
        *catalogue_strings.DOMAIN_LABELS,
        *catalogue_strings.DATA_NEEDED_LABELS,
    )


# -- the generated module ----------------------------------------------------


def test_string_module_is_the_generated_one() -> None:
    assert STRINGS_PATH.read_text(encoding="utf-8") == render_catalogue_strings(
        load_catalogue()
    ), "catalogue_strings.py is stale: run `evidencehub kpi strings`"


def test_string_module_lists_exactly_the_catalogue_texts() -> None:
    cat = load_catalogue()
    assert set(catalogue_strings.KPI_NAMES) == {k.name for k in cat.kpis}
    assert set(catalogue_strings.KPI_DESCRIPTIONS) == {k.description for k in cat.kpis}
    assert set(catalogue_strings.DOMAIN_LABELS) == set(DOMAINS.values())
    assert set(catalogue_strings.DATA_NEEDED_LABELS) == set(DATA_NEEDED.values())


def test_a_changed_catalogue_makes_the_module_stale() -> None:
    cat = load_catalogue()
    first = cat.kpis[0]
    changed = replace(cat, kpis=(replace(first, name="Visits per day"), *cat.kpis[1:]))
    text = render_catalogue_strings(changed)
    assert 'gettext_noop("Visits per day")' in text
    assert text != STRINGS_PATH.read_text(encoding="utf-8")


def test_long_texts_are_laid_out_as_ruff_formats_them() -> None:
    text = render_catalogue_strings(load_catalogue())
    assert max(len(line) for line in text.splitlines()[1:]) > 88  # long messages
    for line in text.splitlines():
        if line.startswith("    gettext_noop(") and line.endswith("),"):
            assert len(line) <= 88, line


def test_cli_check_passes_when_current(capsys: Any) -> None:
    call_command("kpi", "strings", "--check")
    assert "up to date" in capsys.readouterr().out


def test_cli_check_fails_and_cli_rewrites_a_stale_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from evidencehub.apps.kpis.management.commands import kpi as command

    stale = tmp_path / "catalogue_strings.py"
    stale.write_text("KPI_NAMES = ()\n", encoding="utf-8")
    monkeypatch.setattr(command, "STRINGS_PATH", stale)
    with pytest.raises(CommandError, match="stale"):
        call_command("kpi", "strings", "--check")
    call_command("kpi", "strings")
    assert "wrote" in capsys.readouterr().out
    assert stale.read_text(encoding="utf-8") == STRINGS_PATH.read_text(encoding="utf-8")


# -- the German catalogue ----------------------------------------------------


def test_every_catalogue_text_has_a_german_translation() -> None:
    with translation.override("de"):
        untranslated = [
            t
            for t in _all_strings()
            if translation.gettext(t) == t and t not in SAME_IN_GERMAN
        ]
    assert untranslated == []


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("Answer rate", R03_DE),
        ("Reliable deterioration", W09_DE),
        ("Reach", "Reichweite"),
        ("Engagement", "Inanspruchnahme"),
        (
            "Reliable well-being improvement",
            "Zuverlässige Verbesserung des Wohlbefindens (Reliable Change Index)",
        ),
    ],
)
def test_established_german_terms_are_used(english: str, german: str) -> None:
    with translation.override("de"):
        assert translation.gettext(english) == german


def test_ids_and_abbreviations_survive_translation() -> None:
    cat = load_catalogue()
    with translation.override("de"):
        for k in cat.kpis:
            for token in ("PHQ-9", "GAD-7", "K10", "CORE-10", "ProQOL 5", "E10"):
                if token in k.description:
                    assert token in translation.gettext(k.description), k.id


# -- pages -------------------------------------------------------------------


def _german(client: Any) -> Any:
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    return client


@pytest.mark.django_db
def test_catalogue_page_in_german_shows_german_names(
    cast: Any, client_for: Any
) -> None:
    page = _german(client_for(cast.viewer_a)).get("/kpis/")
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert R03_DE in text and W09_DE in text
    assert "Answer rate" not in text and "Reliable deterioration" not in text
    with translation.override("de"):
        assert translation.gettext(load_catalogue()["R03"].description) in text
    assert ">Reichweite</option>" in text  # domain filter
    assert ">Nutzungsereignisse (Website, App)</option>" in text  # data filter


@pytest.mark.django_db
def test_catalogue_page_in_english_is_unchanged(cast: Any, client_for: Any) -> None:
    text = html.unescape(client_for(cast.viewer_a).get("/kpis/").content.decode())
    assert "Answer rate" in text and "Reliable deterioration" in text
    assert R03_DE not in text


@pytest.mark.django_db
def test_kpi_detail_page_in_german(cast: Any, client_for: Any) -> None:
    page = _german(client_for(cast.viewer_a)).get("/kpis/W09/")
    text = html.unescape(page.content.decode())
    assert f"W09 · {W09_DE}" in text
    assert "Ein Hinweis auf möglichen Schaden" in text
    assert "<dd>Wohlbefinden</dd>" in text


def _store(initiative: Any, kpi_id: str, **kw: Any) -> None:
    from evidencehub.apps.kpis.models import StoredResult
    from evidencehub.core.kpis.results import parse_period

    p = parse_period("2026")
    StoredResult.objects.create(
        organisation_id=initiative.organisation_id,
        initiative=initiative,
        kpi_id=kpi_id,
        kpi_version="1",
        period_label=p.label,
        period_kind=p.kind,
        period_start=p.start,
        period_end=p.end,
        status="ok",
        methods=[{"id": "evidencehub.kpis.engine", "version": "1"}],
        computed_at=datetime(2026, 11, 1, tzinfo=UTC),
        **kw,
    )


@pytest.fixture
def figures(cast: Any) -> Any:
    i = cast.initiative_a
    _store(i, "R03", value=80.5, lower=79.0, upper=82.0, n=2735, unit="%")
    _store(i, "W09", value=4.7, lower=1.8, upper=11.4, n=86, unit="%")
    return cast


@pytest.mark.django_db
def test_dashboard_in_german_shows_german_names(figures: Any, client_for: Any) -> None:
    url = "/initiatives/helpline-a/dashboard/"
    page = _german(client_for(figures.viewer_a)).get(url, {"period": "2026"})
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert 'lang="de"' in text
    assert f"{R03_DE} (R03)" in text  # chart labels
    assert f"{W09_DE} (W09)" in text
    assert "Answer rate" not in text and "Reliable deterioration" not in text


@pytest.mark.django_db
def test_german_report_names_kpis_and_defines_them_in_german(figures: Any) -> None:
    from evidencehub.apps.disclosure.selectors import Audience
    from evidencehub.apps.reports.rendering import render_report
    from evidencehub.core.kpis.results import parse_period

    def render(language: str) -> str:
        return html.unescape(
            render_report(
                initiative=figures.initiative_a,
                period=parse_period("2026"),
                audience=Audience.INTERNAL,
                language=language,
            ).decode()
        )

    german = render("de")
    definitions = german.split('id="definitions"', 1)[1]
    assert f"R03 v1 — {R03_DE}" in definitions
    assert f"W09 v1 — {W09_DE}" in definitions
    assert "Ein Hinweis auf möglichen Schaden" in definitions
    assert "Answer rate" not in german
    english = render("en")
    assert "R03 v1 — Answer rate" in english and R03_DE not in english


@pytest.mark.django_db
def test_benchmark_page_in_german_lists_german_names(
    cast: Any, client_for: Any
) -> None:
    page = _german(client_for(cast.admin_a)).get(
        "/initiatives/helpline-a/benchmarks/", {"kpi": "R03", "period": "2026"}
    )
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert f"R03 {R03_DE}</option>" in text
    assert "R03 Answer rate" not in text
