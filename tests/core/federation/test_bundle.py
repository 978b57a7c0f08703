"""Bundles: built from released figures, signed, and refused with a clear
reason when anything is wrong."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from evidencehub.core.disclosure import ReleasePolicy, release_results
from evidencehub.core.federation import (
    MAX_BUNDLE_BYTES,
    BundleError,
    InitiativeFigures,
    build_bundle,
    canonical_json,
    fingerprint,
    generate_private_key,
    initiative_key,
    parse_public_key,
    public_key_text,
    schema,
    verify_bundle,
)
from evidencehub.core.federation.bundle import signed_content
from evidencehub.core.federation.keys import KeyFormatError, sign
from evidencehub.core.kpis.results import (
    count_result,
    parse_period,
    proportion_result,
)

KEY = generate_private_key()
TRUSTED = {fingerprint(KEY): public_key_text(KEY)}
KNOWN = {"R01": "1", "R02": "1", "E01": "1"}
PERIOD = parse_period("2026")


def make(threshold: int = 10, **kw: Any) -> dict[str, Any]:
    results = [
        count_result(
            kpi_id="R01",
            kpi_version="1",
            period=PERIOD,
            count=240,
            unit="contacts",
            source="contact_records",
        ),
        proportion_result(
            kpi_id="R02",
            kpi_version="1",
            period=PERIOD,
            numerator=3,
            denominator=7,
            source="contact_records",
        ),
        proportion_result(
            kpi_id="E01",
            kpi_version="1",
            period=PERIOD,
            numerator=30,
            denominator=120,
            source="responses",
        ),
    ]
    released = release_results(results, ReleasePolicy(threshold=threshold))
    return build_bundle(
        key=kw.get("key", KEY),
        publisher_organisation="org-a",
        publisher_name="Org A",
        created_at=datetime(2027, 1, 5, 9, 30, tzinfo=UTC),
        catalogue_version="1",
        period=PERIOD,
        threshold=threshold,
        initiatives=[
            InitiativeFigures(
                initiative_key(b"secret", "1:helpline-a"), "helpline", released
            )
        ],
    )


def resign(doc: dict[str, Any]) -> dict[str, Any]:
    doc["signature"]["value"] = sign(KEY, signed_content(doc))
    return doc


def refused(data: Any, match: str, **kw: Any) -> str:
    with pytest.raises(BundleError, match=match) as info:
        verify_bundle(data, TRUSTED, known_kpis=KNOWN, **kw)
    return str(info.value)


def test_round_trip_as_text_bytes_and_mapping() -> None:
    doc = make()
    for data in (doc, json.dumps(doc), json.dumps(doc, indent=2).encode()):
        got = verify_bundle(data, TRUSTED, known_kpis=KNOWN)
        assert got.publisher_organisation == "org-a"
        assert got.period.label == "2026"
        assert got.threshold == 10
        assert got.key_fingerprint == fingerprint(KEY)
        figs = {f.kpi_id: f for f in got.initiatives[0].figures}
        assert figs["R01"].value == 240.0 and figs["R01"].n == 240
        assert figs["E01"].value == pytest.approx(25.0)
        assert ("evidencehub.stats.wilson", "1") in figs["E01"].methods
        # The same bundle always has the same hash, however it is spaced.
        assert got.sha256 == verify_bundle(doc, TRUSTED).sha256


def test_small_figure_is_suppressed_with_its_reason_and_no_numbers() -> None:
    fig = make()["initiatives"][0]["results"][1]
    assert fig["kpi_id"] == "R02" and fig["suppressed"] is True
    assert [
        fig[k] for k in ("value", "numerator", "denominator", "lower", "upper", "n")
    ] == [None] * 6
    assert "fewer than 10" in fig["suppression_reasons"][0]


def test_no_figure_under_the_threshold_anywhere_in_the_bundle() -> None:
    doc = make(threshold=10)
    for item in doc["initiatives"]:
        for fig in item["results"]:
            for name in ("n", "numerator", "denominator"):
                assert fig[name] is None or fig[name] >= 10, (fig["kpi_id"], name)


def test_bundle_matches_its_own_schema_which_forbids_extra_members() -> None:
    def closed(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False
            for v in node.values():
                closed(v)

    closed(schema())
    assert schema()["$schema"].endswith("2020-12/schema")


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": "ü"}) == '{"a":"ü","b":1}'.encode()
    with pytest.raises(ValueError, match="JSON compliant"):
        canonical_json({"a": float("nan")})


def test_tampered_figure_is_a_bad_signature() -> None:
    doc = make()
    doc["initiatives"][0]["results"][0]["value"] = 999.0
    refused(doc, "^bad signature")


def test_signature_by_another_key_is_bad() -> None:
    doc = make()
    other = make(key=generate_private_key())
    doc["signature"]["value"] = other["signature"]["value"]
    refused(doc, "^bad signature")


def test_unknown_key_is_refused() -> None:
    other = generate_private_key()
    msg = refused(make(key=other), "^unknown key")
    assert fingerprint(other) in msg


def test_wrong_schema_names_the_json_path() -> None:
    doc = make()
    doc["initiatives"][0]["results"][0]["n"] = "many"
    msg = refused(resign(doc), "^wrong schema")
    assert "$.initiatives[0].results[0].n" in msg
    doc = make()
    doc["initiatives"][0]["extra"] = 1
    assert "$.initiatives[0]" in refused(resign(doc), "^wrong schema")
    doc = make()
    doc["format_version"] = 2
    assert "$.format_version" in refused(resign(doc), "^wrong schema")


@pytest.mark.parametrize(
    ("where", "name"),
    [
        ("top", "events"),
        ("initiative", "responses"),
        ("figure", "contact_code"),
        ("figure", "visitor_hash"),
        ("initiative", "answers"),
        ("figure", "free_text"),
    ],
)
def test_raw_data_is_refused(where: str, name: str) -> None:
    doc = make()
    target = {
        "top": doc,
        "initiative": doc["initiatives"][0],
        "figure": doc["initiatives"][0]["results"][0],
    }[where]
    target[name] = [{"x": 1}]
    msg = refused(resign(doc), "^raw data present")
    assert name in msg


def test_text_that_looks_like_personal_data_is_refused() -> None:
    doc = make()
    doc["publisher"]["name"] = "write to someone@example.org"
    assert "$.publisher.name" in refused(resign(doc), "^raw data present")
    doc = make()
    doc["initiatives"][0]["results"][1]["suppression_reasons"] = ["192.168.1.20"]
    refused(resign(doc), "^raw data present")


def test_unsuppressed_small_figure_is_refused() -> None:
    doc = make()
    fig = doc["initiatives"][0]["results"][1]
    fig.update(
        suppressed=False,
        value=42.8,
        numerator=3.0,
        denominator=7.0,
        n=7,
        suppression_reasons=[],
    )
    msg = refused(resign(doc), "^figure under the threshold not suppressed")
    assert "n=7" in msg and "$.initiatives[0].results[1].n" in msg


def test_suppressed_figure_showing_numbers_is_refused() -> None:
    doc = make()
    doc["initiatives"][0]["results"][1]["numerator"] = 3.0
    refused(resign(doc), "shows numbers at .*numerator")


def test_unknown_kpi_version_is_refused() -> None:
    doc = make()
    doc["initiatives"][0]["results"][0]["kpi_version"] = "9"
    assert "R01 v9" in refused(resign(doc), "^unknown KPI version")


def test_threshold_below_the_hubs_is_refused() -> None:
    refused(make(threshold=5), "^threshold too low", min_threshold=10)


def test_oversized_input_is_refused_before_parsing() -> None:
    blob = b"{" + b" " * MAX_BUNDLE_BYTES + b"}"
    refused(blob, "^too large")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"{not json", "^malformed JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed JSON|wrong schema"),
        (b'{"format": 1, "format": 2}', "appears twice"),
        (b'{"value": NaN}', "NaN"),
        (b"[]", "^wrong schema at \\$"),
    ],
)
def test_malformed_json_is_refused(data: bytes, match: str) -> None:
    refused(data, match)


def test_deep_nesting_inside_an_object_is_refused() -> None:
    doc = make()
    deep: Any = 1
    for _ in range(20):
        deep = {"x": deep}
    doc["initiatives"][0]["results"][0]["unit"] = deep
    refused(resign(doc), "nested deeper")


def test_period_must_match_its_dates() -> None:
    doc = copy.deepcopy(make())
    doc["period"]["end"] = "2026-06-30"
    refused(resign(doc), r"\$\.period")


def test_public_keys_and_fingerprints() -> None:
    text = public_key_text(KEY)
    assert len(text) == 44
    assert fingerprint(text) == fingerprint(KEY)
    assert fingerprint(text).startswith("sha256:") and len(fingerprint(text)) == 71
    for bad in ("not base64!", "AAAA", "A" * 500):
        with pytest.raises(KeyFormatError):
            parse_public_key(bad)


def test_initiative_keys_are_stable_and_opaque() -> None:
    a = initiative_key(b"s", "1:helpline-a")
    assert a == initiative_key(b"s", "1:helpline-a")
    assert a != initiative_key(b"t", "1:helpline-a")
    assert "helpline" not in a and len(a) == 24


def test_a_small_numerator_on_a_large_base_is_refused() -> None:
    # 3 of 120: n is large, but the count of 3 could be worked out from 2.5%.
    doc = make()
    fig = doc["initiatives"][0]["results"][2]
    fig.update(value=2.5, numerator=3.0, denominator=120.0, lower=0.9, upper=7.1)
    msg = refused(resign(doc), "^figure under the threshold not suppressed")
    assert "$.initiatives[0].results[2]" in msg and "E01" in msg


def test_method_ids_of_the_operations_engine_are_accepted() -> None:
    from dataclasses import replace

    from evidencehub.core.kpis.results import Method

    base = count_result(
        kpi_id="R01",
        kpi_version="1",
        period=PERIOD,
        count=50,
        unit="contacts",
        source="operations",
    )
    result = replace(base, methods=(Method("evidencehub.operations.c02@1", "1"),))
    doc = build_bundle(
        key=KEY,
        publisher_organisation="org-a",
        publisher_name="Org A",
        created_at=datetime(2027, 1, 5, tzinfo=UTC),
        catalogue_version="1",
        period=PERIOD,
        threshold=10,
        initiatives=[
            InitiativeFigures(
                "0" * 24, "helpline", release_results([result], ReleasePolicy())
            )
        ],
    )
    got = verify_bundle(doc, TRUSTED, known_kpis=KNOWN)
    methods = got.initiatives[0].figures[0].methods
    assert ("evidencehub.operations.c02@1", "1") in methods


def test_impossible_figures_are_refused_even_when_signed() -> None:
    doc = make()
    share = doc["initiatives"][0]["results"][2]  # E01, 25 % of 120
    share.update(value=1e300, lower=-1e300, upper=1e300)
    msg = refused(resign(doc), "^impossible figure")
    assert "$.initiatives[0].results[2].value" in msg and "0 to 100" in msg
    doc = make()
    doc["initiatives"][0]["results"][2].update(lower=40.0, upper=50.0)
    assert "does not hold" in refused(resign(doc), "^impossible figure")
