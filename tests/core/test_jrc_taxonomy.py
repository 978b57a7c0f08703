"""JRC 2023 (JRC131323) taxonomy: shipped data, loader rules and profile export."""

from __future__ import annotations

import dataclasses
import datetime
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from evidencehub.core.taxonomy.jrc import (
    CATEGORIES_BY_STAGE_IN_JUSTICE,
    CATEGORIES_BY_TARGET_GROUP,
    STAGES_IN_JUSTICE,
    TARGET_GROUPS,
    EvaluationPlan,
    InitiativeProfile,
    JrcExportError,
    JrcTaxonomy,
    JrcTaxonomyError,
    export_jrc_profile,
    load_jrc_taxonomy,
)

PLACEHOLDER_IDS = [f"criterion_{n:02d}" for n in range(1, 15)]


def profile(**changes: Any) -> InitiativeProfile:
    """A helpline for people worried about their own sexual thoughts."""
    base = InitiativeProfile(
        name="Example Helpline",
        slug="example-helpline",
        description="Anonymous telephone and chat support.",
        organisation_name="Example Foundation",
        organisation_country="DE",
        intervention_type="helpline",
        prevention_level="secondary",
        delivery_mode="hybrid",
        onion_service=False,
        target_groups=("own_thoughts_or_behaviour", "family_and_friends"),
        countries=("DE", "AT"),
        languages=("de", "en"),
        start_date=datetime.date(2020, 3, 1),
        end_date=None,
        status="active",
        website="https://helpline.example.org",
        funding=None,
        evaluation=EvaluationPlan(design="within_contact", evidence_level="2"),
        stage_in_justice="not_involved",
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture(scope="module")
def taxonomy() -> JrcTaxonomy:
    return load_jrc_taxonomy()


def category_ids(exported: dict[str, object]) -> list[str]:
    categories = exported["categories"]
    assert isinstance(categories, list)
    return [c["id"] for c in categories]


def criterion_out(exported: dict[str, object], criterion_id: str) -> dict[str, Any]:
    criteria = exported["criteria"]
    assert isinstance(criteria, list)
    (entry,) = [c for c in criteria if c["id"] == criterion_id]
    assert isinstance(entry, dict)
    return entry


# --- Shipped YAML ------------------------------------------------------------


def test_shipped_yaml_has_the_agreed_top_level_keys() -> None:
    text = (
        resources.files("evidencehub.catalogue")
        .joinpath("jrc_taxonomy.yaml")
        .read_text(encoding="utf-8")
    )
    raw = yaml.safe_load(text)
    assert set(raw) == {
        "id",
        "version",
        "title",
        "source",
        "criteria",
        "categories",
        "notes",
    }
    assert raw["id"] == "jrc131323"
    assert raw["version"] == 1
    assert raw["source"].endswith("/JRC131323")


def test_taxonomy_has_14_criteria_and_4_categories(taxonomy: JrcTaxonomy) -> None:
    assert len(taxonomy.criteria) == 14
    assert [c.position for c in taxonomy.criteria] == list(range(1, 15))
    assert {c.status for c in taxonomy.criteria} <= {"confirmed", "not_found"}
    assert [c.id for c in taxonomy.categories] == [
        "fear_they_may_offend",
        "during_criminal_proceedings",
        "after_criminal_proceedings",
        "children_and_young_people",
    ]
    assert all(c.status == "confirmed" for c in taxonomy.categories)
    assert all(c.source.startswith("https://") for c in taxonomy.categories)


def test_every_confirmed_criterion_has_a_title_and_source(
    taxonomy: JrcTaxonomy,
) -> None:
    for criterion in taxonomy.criteria:
        if criterion.status == "confirmed":
            assert criterion.title
            assert criterion.source
            assert criterion.source.startswith("https://")


def test_not_found_criteria_carry_nothing_invented(taxonomy: JrcTaxonomy) -> None:
    for criterion in taxonomy.criteria:
        if criterion.status == "not_found":
            assert criterion.title is None
            assert criterion.source is None
            assert criterion.values == ()
            assert criterion.maps_from is None
            assert not criterion.value_map


def test_every_maps_from_names_a_real_profile_field(taxonomy: JrcTaxonomy) -> None:
    top = {f.name for f in dataclasses.fields(InitiativeProfile)}
    nested = {f"evaluation.{f.name}" for f in dataclasses.fields(EvaluationPlan)}
    named: list[str] = []
    for criterion in taxonomy.criteria:
        named.extend(criterion.maps_from or ())
    for category in taxonomy.categories:
        named.extend(category.maps_from)
    assert named, "the categories at least must be fed by profile fields"
    for path in named:
        assert path in top | nested, path


def test_category_tables_cover_every_code_and_name_real_categories(
    taxonomy: JrcTaxonomy,
) -> None:
    assert set(CATEGORIES_BY_TARGET_GROUP) == set(TARGET_GROUPS)
    assert set(CATEGORIES_BY_STAGE_IN_JUSTICE) == set(STAGES_IN_JUSTICE)
    known = {c.id for c in taxonomy.categories}
    for table in (CATEGORIES_BY_TARGET_GROUP, CATEGORIES_BY_STAGE_IN_JUSTICE):
        for targets in table.values():
            assert set(targets) <= known


# --- Export with the shipped taxonomy ----------------------------------------


def test_export_of_a_helpline_profile(taxonomy: JrcTaxonomy) -> None:
    exported = export_jrc_profile(profile(), taxonomy)

    assert exported["taxonomy"] == "jrc131323"
    assert exported["taxonomy_version"] == 1
    assert exported["initiative"] == "example-helpline"
    assert set(exported) == {
        "taxonomy",
        "taxonomy_version",
        "initiative",
        "criteria",
        "categories",
        "unmapped",
    }
    criteria = exported["criteria"]
    assert isinstance(criteria, list)
    assert [c["id"] for c in criteria] == [c.id for c in taxonomy.criteria]
    for entry in criteria:
        assert set(entry) == {"id", "title", "value", "label", "status"}
        if entry["status"] == "not_found":
            assert entry["value"] is None
            assert entry["label"] is None
    assert exported["unmapped"] == [
        c.id for c in taxonomy.criteria if c.maps_from is None
    ]
    assert category_ids(exported) == ["fear_they_may_offend"]


def test_own_thoughts_maps_to_people_who_fear_they_may_offend(
    taxonomy: JrcTaxonomy,
) -> None:
    worried = profile(
        intervention_type="therapy_treatment",
        target_groups=("own_thoughts_or_behaviour",),
    )
    exported = export_jrc_profile(worried, taxonomy)
    assert "fear_they_may_offend" in category_ids(exported)
    categories = exported["categories"]
    assert isinstance(categories, list)
    assert categories[0]["label"] == "People who fear they may offend"

    others = profile(target_groups=("professionals",))
    assert category_ids(export_jrc_profile(others, taxonomy)) == []


def test_stage_in_justice_and_young_people_categories(taxonomy: JrcTaxonomy) -> None:
    mixed = profile(
        target_groups=("young_people_hsb",),
        stage_in_justice="mixed",
        intervention_type="therapy_treatment",
    )
    assert category_ids(export_jrc_profile(mixed, taxonomy)) == [
        "during_criminal_proceedings",
        "after_criminal_proceedings",
        "children_and_young_people",
    ]
    after = profile(target_groups=("other",), stage_in_justice="after_proceedings")
    assert category_ids(export_jrc_profile(after, taxonomy)) == [
        "after_criminal_proceedings"
    ]


def test_export_survives_a_json_round_trip(taxonomy: JrcTaxonomy) -> None:
    exported = export_jrc_profile(profile(stage_in_justice="mixed"), taxonomy)
    assert json.loads(json.dumps(exported)) == exported


# --- Mapping mechanics, on a test-only taxonomy ------------------------------
#
# The shipped file has no confirmed criterion yet. The file below is made up
# for these tests only: its criterion names are not JRC names.

TEST_ONLY_YAML = """
id: test_only
version: 3
title: Test-only taxonomy
source: https://example.org/test-only
criteria:
  - id: kind_of_service
    position: 1
    title: Kind of service (test only)
    source: https://example.org/test-only#1
    status: confirmed
    values:
      - {code: phone_line, label: Phone line}
      - {code: hidden_service, label: Hidden service}
    maps_from: [intervention_type]
    value_map:
      intervention_type: {helpline: phone_line}
  - id: channels
    position: 2
    title: Channels (test only)
    source: https://example.org/test-only#2
    status: confirmed
    multiple: true
    values:
      - {code: remote, label: Remote}
      - {code: in_person, label: In person}
      - {code: tor, label: Tor}
    maps_from: [delivery_mode, onion_service]
    value_map:
      delivery_mode: {online: remote, offline: in_person, hybrid: remote}
      onion_service: {"true": tor}
  - id: where
    position: 3
    title: Where (test only)
    source: https://example.org/test-only#3
    status: confirmed
    values: []
    maps_from: countries
  - id: unknown_one
    position: 4
    title: null
    source: null
    status: not_found
    values: []
    maps_from: null
categories:
  - id: fear_they_may_offend
    position: 1
    title: people who fear they may offend
    title_status: full
    label: People who fear they may offend
    source: https://example.org/test-only#c1
    status: confirmed
    maps_from: [target_groups]
  - id: during_criminal_proceedings
    position: 2
    title: during
    title_status: full
    label: During
    source: https://example.org/test-only#c2
    status: confirmed
    maps_from: [stage_in_justice]
  - id: after_criminal_proceedings
    position: 3
    title: after
    title_status: full
    label: After
    source: https://example.org/test-only#c3
    status: confirmed
    maps_from: [stage_in_justice]
  - id: children_and_young_people
    position: 4
    title: young
    title_status: translated
    label: Young
    source: https://example.org/test-only#c4
    status: confirmed
    maps_from: [target_groups]
notes: []
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_mapped_values_come_from_the_explicit_tables(tmp_path: Path) -> None:
    test_only = load_jrc_taxonomy(write(tmp_path, TEST_ONLY_YAML))
    exported = export_jrc_profile(profile(onion_service=True), test_only)

    assert exported["taxonomy"] == "test_only"
    assert exported["taxonomy_version"] == 3
    assert criterion_out(exported, "kind_of_service") == {
        "id": "kind_of_service",
        "title": "Kind of service (test only)",
        "value": "phone_line",
        "label": "Phone line",
        "status": "confirmed",
    }
    channels = criterion_out(exported, "channels")
    assert channels["value"] == ["remote", "tor"]
    assert channels["label"] == ["Remote", "Tor"]
    assert criterion_out(exported, "where")["value"] == ["DE", "AT"]
    assert criterion_out(exported, "where")["label"] is None
    assert exported["unmapped"] == ["unknown_one"]
    assert json.loads(json.dumps(exported)) == exported


def test_a_code_missing_from_the_table_is_left_out_not_guessed(
    tmp_path: Path,
) -> None:
    test_only = load_jrc_taxonomy(write(tmp_path, TEST_ONLY_YAML))
    exported = export_jrc_profile(profile(intervention_type="peer_support"), test_only)
    assert criterion_out(exported, "kind_of_service")["value"] is None
    assert criterion_out(exported, "kind_of_service")["label"] is None


def test_two_codes_for_a_single_valued_criterion_is_an_error(
    tmp_path: Path,
) -> None:
    text = TEST_ONLY_YAML.replace(
        "      intervention_type: {helpline: phone_line}",
        "      intervention_type: {helpline: phone_line}\n"
        '      onion_service: {"true": hidden_service}',
    ).replace(
        "maps_from: [intervention_type]",
        "maps_from: [intervention_type, onion_service]",
    )
    test_only = load_jrc_taxonomy(write(tmp_path, text))
    with pytest.raises(JrcExportError):
        export_jrc_profile(profile(onion_service=True), test_only)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("maps_from: countries", "maps_from: country_list"),
        (
            "status: not_found\n    values: []",
            "status: not_found\n    values: [{code: a, label: A}]",
        ),
        ("    title: null\n    source: null", "    title: Guessed\n    source: null"),
        ("{helpline: phone_line}", "{helpline: telephone}"),
        ("id: channels", "id: kind_of_service"),
        ('onion_service: {"true": tor}', "onion_service: {true: tor}"),
    ],
)
def test_loader_rejects_rule_breaking_files(tmp_path: Path, old: str, new: str) -> None:
    assert old in TEST_ONLY_YAML
    with pytest.raises(JrcTaxonomyError):
        load_jrc_taxonomy(write(tmp_path, TEST_ONLY_YAML.replace(old, new, 1)))


# --- Profile checks ----------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"intervention_type": "hotline"},
        {"target_groups": ("own_thoughts",)},
        {"stage_in_justice": "convicted"},
        {"countries": ("Germany",)},
        {"languages": ("german language",)},
        {"end_date": datetime.date(2019, 1, 1)},
        {"target_groups": ["own_thoughts_or_behaviour"]},
    ],
)
def test_profile_rejects_codes_outside_the_vocabularies(
    changes: dict[str, object],
) -> None:
    with pytest.raises((ValueError, TypeError)):
        profile(**changes)
