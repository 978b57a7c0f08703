"""The interface ships in English and German."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from evidencehub.apps.initiatives.core_strings import EVIDENCE_CONDITIONS
from evidencehub.core.evidence import Design, evidence_ceiling


def test_core_texts_shown_in_pages_are_marked_for_translation() -> None:
    assert {evidence_ceiling(d).condition for d in Design} == set(EVIDENCE_CONDITIONS)


@pytest.mark.parametrize(
    ("english", "german"),
    [("Sign in", "Anmelden"), ("Evaluation plan", "Evaluationsplan")],
)
def test_german_catalogue_is_compiled(english: str, german: str) -> None:
    with translation.override("de"):
        assert translation.gettext(english) == german


def test_every_core_condition_has_a_german_translation() -> None:
    with translation.override("de"):
        for text in EVIDENCE_CONDITIONS:
            assert translation.gettext(text) != text


@pytest.mark.django_db
def test_pages_follow_the_chosen_language(cast: Any, client_for: Any) -> None:
    client = client_for(cast.admin_a)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    page = client.get("/initiatives/helpline-a/plan/")
    assert 'lang="de"' in page.content.decode()
    assert "Evaluationsplan" in page.content.decode()


PACKAGE = Path(__file__).resolve().parents[2] / "src" / "evidencehub"
CATALOGUES = sorted(PACKAGE.rglob("locale/de/LC_MESSAGES/django.po"))


def test_every_app_catalogue_is_found() -> None:
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"evidencehub", "reports", "sharing", "privacy", "disclosure"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_placeholders_match_and_compiled_file_is_current(
    po: Path, tmp_path: Path
) -> None:
    # A translation that drops or renames a %(name)s placeholder raises
    # KeyError on the page; msgfmt --check-format catches it before that.
    msgfmt = shutil.which("msgfmt") or "/usr/bin/msgfmt"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", fresh, po], check=True)
    mo = po.with_suffix(".mo")
    assert mo.read_bytes() == fresh.read_bytes(), f"recompile {mo}"
