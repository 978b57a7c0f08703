from __future__ import annotations

import pytest

from evidencehub.core.validation import (
    ISO_3166_ALPHA2,
    normalise_country,
    normalise_language,
)


def test_all_249_assigned_codes_are_known() -> None:
    assert len(ISO_3166_ALPHA2) == 249


@pytest.mark.parametrize(("raw", "code"), [("de", "DE"), (" nl ", "NL"), ("GB", "GB")])
def test_countries_are_normalised(raw: str, code: str) -> None:
    assert normalise_country(raw) == code


@pytest.mark.parametrize("raw", ["UK", "EU", "XX", "DEU", "", "D"])
def test_unassigned_country_codes_are_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="ISO 3166"):
        normalise_country(raw)


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("de", "de"),
        ("EN", "en"),
        ("pt-br", "pt-BR"),
        ("sr_latn_rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
    ],
)
def test_language_tags_are_canonicalised(raw: str, tag: str) -> None:
    assert normalise_language(raw) == tag


@pytest.mark.parametrize("raw", ["", "english", "d", "de-", "de-Germany", "12"])
def test_malformed_language_tags_are_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="BCP 47"):
        normalise_language(raw)
