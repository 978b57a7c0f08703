"""The KPI catalogue as data: complete, valid, and broken definitions refused
with a message naming the KPI and the field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from evidencehub.core.kpis import (
    KpiDefinitionError,
    comparable,
    export_package,
    import_package,
    load_catalogue,
    parse_definition,
)

EXPECTED = {
    "R": 12,
    "E": 10,
    "W": 9,
    "B": 7,
    "H": 6,
    "M": 5,
    "A": 7,
    "C": 6,
    "S": 5,
    "P": 3,
    "ST": 9,
    "D": 6,
}


def test_all_85_rows_of_domain_kpis_section_2() -> None:
    cat = load_catalogue()
    assert len(cat.kpis) == 85
    counts: dict[str, int] = {}
    for k in cat.kpis:
        prefix = k.id.rstrip("0123456789")
        counts[prefix] = counts.get(prefix, 0) + 1
    assert counts == EXPECTED
    assert {k.source_status for k in cat.kpis} == {"confirmed", "unconfirmed"}
    assert cat["ST06"].source_status == "unconfirmed"  # ◐ in the brief
    assert cat["A07"].source_status == "unconfirmed"  # ✖ in the brief


def test_every_intervention_type_has_a_core_set_with_an_outcome() -> None:
    cat = load_catalogue()
    for name in (
        "helpline",
        "online_self_help",
        "therapy_treatment",
        "deterrence_warning",
        "peer_support",
        "professional_training",
        "other",
    ):
        kpis = cat.core_set(name)
        assert kpis, name
        assert any(k.is_outcome for k in kpis), name


def _raw() -> dict[str, Any]:
    return load_catalogue()["R03"].as_dict()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("name"), "R03.name: is required"),
        (lambda d: d.update(level="benefit"), "R03.level: must be one of"),
        (
            lambda d: d["formula"].update(denominator=None),
            "R03.formula.denominator: a ratio needs one",
        ),
        (lambda d: d.update(anonymity="A4"), "R03.anonymity: must be one of"),
        (lambda d: d.update(version=2), "R03.version:"),
        (lambda d: d.update(data_needed=["telepathy"]), "R03.data_needed[0]"),
        (lambda d: d.update(min_n=-1), "R03.min_n: must be 0 or more"),
        (lambda d: d.update(colour="red"), "R03.colour: unknown field"),
        (lambda d: d["evidence"].update(sms=7), "R03.evidence.sms"),
    ],
)
def test_broken_definition_is_refused(mutate: Any, message: str) -> None:
    raw = copy.deepcopy(_raw())
    mutate(raw)
    with pytest.raises(KpiDefinitionError) as exc:
        parse_definition(raw)
    assert message in str(exc.value)


def test_package_round_trip_and_comparability() -> None:
    cat = load_catalogue()
    again = import_package(export_package(cat))
    assert again.kpis == cat.kpis
    assert again.core_sets == cat.core_sets
    raw = json.loads(export_package(cat, ["R03"]))
    raw["kpis"][0]["version"] = "2"
    other = import_package(json.dumps(raw))
    assert not comparable(cat["R03"], other["R03"])
    assert comparable(cat["R03"], again["R03"])


def test_package_with_broken_kpi_names_it() -> None:
    raw = json.loads(export_package(load_catalogue(), ["W02"]))
    raw["kpis"][0]["unit"] = ""
    with pytest.raises(KpiDefinitionError, match=r"W02\.unit"):
        import_package(json.dumps(raw))
    with pytest.raises(KpiDefinitionError, match=r"package\.format"):
        import_package('{"format": "other"}')


def test_search() -> None:
    cat = load_catalogue()
    ids = {k.id for k in cat.search(domain="wellbeing", data_needed="contact_records")}
    assert ids == {"W08"}
    assert "R03" in {k.id for k in cat.search(q="answer rate")}
