"""Export on one instance, trust and import on a hub: a round trip, and every
kind of bad bundle refused with its reason and nothing stored."""

from __future__ import annotations

import copy
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.federation.models import (
    ImportedBundle,
    ImportedFigure,
    SigningKey,
    TrustedPublisher,
)
from evidencehub.apps.federation.selectors import imported_peer_values
from evidencehub.apps.federation.services import (
    bundle_export,
    bundle_import,
    signing_key,
    trust_publisher,
)
from evidencehub.core.federation import (
    MAX_BUNDLE_BYTES,
    fingerprint,
    generate_private_key,
    public_key_text,
)
from evidencehub.core.federation.bundle import signed_content
from evidencehub.core.federation.keys import sign

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def trust_self() -> TrustedPublisher:
    return trust_publisher(
        name="This instance", public_key=public_key_text(signing_key())
    )


def resign(doc: dict[str, Any]) -> dict[str, Any]:
    doc["signature"]["value"] = sign(signing_key(), signed_content(doc))
    return doc


def numbers(doc: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [
        (fig["kpi_id"], name, fig[name])
        for item in doc["initiatives"]
        for fig in item["results"]
        for name in ("n", "numerator", "denominator")
        if fig[name] is not None
    ]


def test_round_trip_two_organisations(figures: Any) -> None:
    a = bundle_export(organisation=figures.org_a, period=PERIOD, actor=figures.admin_a)
    b = bundle_export(organisation=figures.org_b, period=PERIOD)
    trust_self()
    for doc in (a, b):
        bundle_import(data=json.dumps(doc), actor=figures.platform_admin)
    assert ImportedBundle.objects.count() == 2
    assert set(ImportedBundle.objects.values_list("organisation_slug", flat=True)) == {
        "org-a",
        "org-b",
    }
    peers = imported_peer_values(
        intervention_type="helpline", kpi_id="R01", kpi_version="1", period_label="2026"
    )
    assert sorted((p.value, p.n) for p in peers) == [(180.0, 180), (240.0, 240)]
    assert {p.origin for p in peers} == {"bundle"}
    assert len({p.initiative_key for p in peers}) == 2
    # The names of initiatives never cross, only opaque keys.
    assert all("helpline" not in p.initiative_key for p in peers)
    # R02 of org A was suppressed: only org B's value reaches benchmarks.
    r02 = imported_peer_values(
        intervention_type="helpline", kpi_id="R02", kpi_version="1", period_label="2026"
    )
    assert [(p.value, p.n) for p in r02] == [(30.0, 40)]
    assert (
        imported_peer_values(
            intervention_type="helpline",
            kpi_id="R01",
            kpi_version="2",
            period_label="2026",
        )
        == []
    )
    assert (
        imported_peer_values(
            intervention_type="online_self_help",
            kpi_id="R01",
            kpi_version="1",
            period_label="2026",
        )
        == []
    )


def test_exported_bundle_holds_no_figure_under_the_threshold(figures: Any) -> None:
    doc = bundle_export(organisation=figures.org_a, period=PERIOD)
    found = numbers(doc)
    assert found, "the scan found no numbers at all"
    assert [x for x in found if x[2] < 10] == []
    r02 = next(f for f in doc["initiatives"][0]["results"] if f["kpi_id"] == "R02")
    assert r02["suppressed"] is True and r02["value"] is None
    assert "fewer than 10" in r02["suppression_reasons"][0]
    text = json.dumps(doc)
    for raw in ("helpline-a", "Helpline A", "contact_records", "admin-a@"):
        assert raw not in text


def test_a_newer_bundle_replaces_the_older_one_in_benchmarks(figures: Any) -> None:
    trust_self()
    bundle_import(data=bundle_export(organisation=figures.org_a, period=PERIOD))
    from evidencehub.apps.kpis.models import StoredResult

    StoredResult.objects.filter(kpi_id="R01", initiative=figures.initiative_a).update(
        value=300.0, numerator=300.0, n=300
    )
    newer = bundle_export(organisation=figures.org_a, period=PERIOD)
    newer["created_at"] = "2099-01-01T00:00:00Z"
    bundle_import(data=resign(newer))
    peers = imported_peer_values(
        intervention_type="helpline", kpi_id="R01", kpi_version="1", period_label="2026"
    )
    assert [(p.value, p.n) for p in peers] == [(300.0, 300)]


def test_a_bundle_from_another_instance(
    figures: Any, settings: Any, tmp_path: Path
) -> None:
    # The publisher signs with its own key file; the hub has another.
    settings.EVIDENCEHUB_BUNDLE_KEY_FILE = str(tmp_path / "publisher.pem")
    doc = bundle_export(organisation=figures.org_b, period=PERIOD)
    publisher_key = public_key_text(signing_key())
    settings.EVIDENCEHUB_BUNDLE_KEY_FILE = str(tmp_path / "hub.pem")
    with pytest.raises(ValidationError, match="unknown key"):
        bundle_import(data=doc)
    trust_publisher(name="Org B instance", public_key=publisher_key)
    bundle = bundle_import(data=doc)
    assert bundle.publisher.name == "Org B instance"
    assert bundle.figures.count() == 2


Mutation = Callable[[dict[str, Any]], Any]


def _bad_signature(doc: dict[str, Any]) -> Any:
    other = generate_private_key()
    doc["signature"]["value"] = sign(other, signed_content(doc))
    return doc


def _tampered(doc: dict[str, Any]) -> Any:
    doc["initiatives"][0]["results"][0]["value"] = 9999.0
    return doc


def _unknown_key(doc: dict[str, Any]) -> Any:
    other = generate_private_key()
    doc["publisher"]["key_fingerprint"] = fingerprint(other)
    doc["signature"]["key_fingerprint"] = fingerprint(other)
    doc["signature"]["value"] = sign(other, signed_content(doc))
    return doc


def _wrong_schema(doc: dict[str, Any]) -> Any:
    doc["initiatives"][0]["results"][0]["n"] = "lots"
    return resign(doc)


def _raw_data(doc: dict[str, Any]) -> Any:
    doc["initiatives"][0]["events"] = [{"type": "page_view", "day": "2026-03-01"}]
    return resign(doc)


def _small_figure(doc: dict[str, Any]) -> Any:
    fig = next(f for f in doc["initiatives"][0]["results"] if f["kpi_id"] == "R02")
    fig.update(
        suppressed=False,
        value=42.9,
        numerator=3.0,
        denominator=7.0,
        n=7,
        suppression_reasons=[],
    )
    return resign(doc)


def _oversized(doc: dict[str, Any]) -> Any:
    return json.dumps(doc) + " " * MAX_BUNDLE_BYTES


def _malformed(doc: dict[str, Any]) -> Any:
    return json.dumps(doc)[:-20]


def _unknown_version(doc: dict[str, Any]) -> Any:
    doc["initiatives"][0]["results"][0]["kpi_version"] = "7"
    return resign(doc)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (_bad_signature, "bad signature"),
        (_tampered, "bad signature"),
        (_unknown_key, "unknown key"),
        (_wrong_schema, r"wrong schema at \$\.initiatives\[0\]\.results\[0\]\.n"),
        (_raw_data, r"raw data present at \$\.initiatives\[0\]\.events"),
        (_small_figure, "figure under the threshold not suppressed"),
        (_oversized, "too large"),
        (_malformed, "malformed JSON"),
        (_unknown_version, "unknown KPI version"),
    ],
)
def test_bad_bundles_are_refused_and_store_nothing(
    figures: Any, mutate: Mutation, reason: str
) -> None:
    trust_self()
    doc = bundle_export(organisation=figures.org_a, period=PERIOD)
    bad = mutate(copy.deepcopy(doc))
    with pytest.raises(ValidationError) as info:
        bundle_import(data=bad, actor=figures.platform_admin)
    assert list(info.value.message_dict) == ["bundle"]
    message = info.value.message_dict["bundle"][0]
    assert message.startswith("Refused: ")
    import re

    assert re.search(reason, message), message
    assert ImportedBundle.objects.count() == 0
    assert ImportedFigure.objects.count() == 0
    assert not AuditEvent.objects.filter(action="evidencehub.bundle.imported").exists()
    # The untouched bundle is still accepted afterwards.
    bundle_import(data=doc)
    assert ImportedBundle.objects.count() == 1


def test_a_bundle_is_imported_once(figures: Any) -> None:
    trust_self()
    doc = bundle_export(organisation=figures.org_a, period=PERIOD)
    bundle_import(data=doc)
    with pytest.raises(ValidationError, match="already imported"):
        bundle_import(data=json.dumps(doc, indent=4))
    assert ImportedBundle.objects.count() == 1


def test_a_hub_with_a_higher_threshold_refuses_lower_ones(
    figures: Any, settings: Any
) -> None:
    from evidencehub.apps.kpis.models import StoredResult

    StoredResult.objects.filter(kpi_id="R02").update(
        numerator=6.0, denominator=8.0, value=75.0, n=8
    )
    settings.SUPPRESSION_THRESHOLD = 5
    doc = bundle_export(organisation=figures.org_a, period=PERIOD)
    assert doc["disclosure"]["threshold"] == 5
    r02 = next(f for f in doc["initiatives"][0]["results"] if f["kpi_id"] == "R02")
    assert r02["n"] == 8  # released under a threshold of 5
    settings.SUPPRESSION_THRESHOLD = 10
    trust_self()
    with pytest.raises(ValidationError, match="threshold too low"):
        bundle_import(data=doc)


def test_export_without_results_names_the_period(figures: Any) -> None:
    from evidencehub.core.kpis.results import parse_period

    with pytest.raises(ValidationError) as info:
        bundle_export(organisation=figures.org_a, period=parse_period("2024"))
    assert "2024" in info.value.message_dict["period"][0]


def test_signing_key_file_is_private_and_stable(figures: Any, key_file: Path) -> None:
    first = signing_key()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert fingerprint(signing_key()) == fingerprint(first)
    assert SigningKey.objects.get().fingerprint == fingerprint(first)
    # No table holds the private key.
    pem = key_file.read_text()
    assert "PRIVATE KEY" in pem
    for row in SigningKey.objects.values():
        assert "PRIVATE" not in json.dumps(row, default=str)
    key_file.chmod(0o644)
    with pytest.raises(ValidationError, match="chmod 600"):
        signing_key()
    key_file.chmod(0o600)
    key_file.write_text("not a key")
    with pytest.raises(ValidationError) as info:
        signing_key()
    assert "key_file" in info.value.message_dict


@pytest.mark.parametrize(
    ("name", "key", "field"),
    [
        ("", "VALID", "name"),
        ("x" * 201, "VALID", "name"),
        ("Org", "not base64!", "public_key"),
        ("Org", "AAAA", "public_key"),
    ],
)
def test_trust_names_the_bad_field(cast: Any, name: str, key: str, field: str) -> None:
    valid = public_key_text(generate_private_key())
    with pytest.raises(ValidationError) as info:
        trust_publisher(name=name, public_key=valid if key == "VALID" else key)
    assert list(info.value.message_dict) == [field]
    assert TrustedPublisher.objects.count() == 0


def test_a_key_is_trusted_once(cast: Any) -> None:
    key = public_key_text(generate_private_key())
    trust_publisher(name="One", public_key=key)
    with pytest.raises(ValidationError, match="already trusted as 'One'"):
        trust_publisher(name="Two", public_key=key)


def test_export_import_and_trust_are_audited(figures: Any) -> None:
    doc = bundle_export(
        organisation=figures.org_a, period=PERIOD, actor=figures.admin_a
    )
    trust_publisher(
        name="Self",
        public_key=public_key_text(signing_key()),
        actor=figures.platform_admin,
    )
    bundle_import(data=doc, actor=figures.platform_admin)
    exported = AuditEvent.objects.get(action="evidencehub.bundle.exported")
    assert exported.organisation == figures.org_a
    assert exported.actor == figures.admin_a
    assert exported.data["period"] == "2026"
    trusted = AuditEvent.objects.get(action="evidencehub.bundle_publisher.trusted")
    assert trusted.actor == figures.platform_admin
    imported = AuditEvent.objects.get(action="evidencehub.bundle.imported")
    assert imported.data["organisation"] == "org-a"
    assert imported.data["figures"] == 3


def test_a_revoked_key_is_refused_and_its_figures_leave_benchmarks(
    figures: Any,
) -> None:
    from evidencehub.apps.federation.services import revoke_publisher

    publisher = trust_self()
    bundle_import(data=bundle_export(organisation=figures.org_a, period=PERIOD))
    peers = {
        "intervention_type": "helpline",
        "kpi_id": "R01",
        "kpi_version": "1",
        "period_label": "2026",
    }
    assert len(imported_peer_values(**peers)) == 1
    revoke_publisher(
        key_fingerprint=publisher.fingerprint, actor=figures.platform_admin
    )
    assert imported_peer_values(**peers) == []
    assert ImportedFigure.objects.count() == 3  # kept for the record
    with pytest.raises(ValidationError, match="unknown key"):
        bundle_import(data=bundle_export(organisation=figures.org_b, period=PERIOD))
    with pytest.raises(ValidationError, match="was revoked on"):
        trust_self()
    with pytest.raises(ValidationError, match="Already revoked"):
        revoke_publisher(key_fingerprint=publisher.fingerprint)
    with pytest.raises(ValidationError) as info:
        revoke_publisher(key_fingerprint="sha256:" + "0" * 64)
    assert list(info.value.message_dict) == ["fingerprint"]
    event = AuditEvent.objects.get(action="evidencehub.bundle_publisher.revoked")
    assert event.actor == figures.platform_admin
