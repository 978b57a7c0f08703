"""Benchmarks: only protected figures, refusal with too few peers, charged
once to each contributing organisation, visible to members and consortium
evaluators only."""

from __future__ import annotations

from typing import Any

import pytest

from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.privacy import selectors, services
from evidencehub.apps.privacy.models import Benchmark, LedgerEntry, PrivacyBudget
from evidencehub.core.privacy.quantiles import TooFewPeers
from tests.apps.privacy.conftest import PERIOD, make_peer, store
from tests.disclosure_scan import assert_no_small_cells

pytestmark = pytest.mark.django_db

URL = "/api/v1/initiatives/{}/benchmarks/"


def _build(cast: Any, eps: float = 0.5) -> tuple[Benchmark, bool]:
    return services.build_benchmark(
        intervention_type="helpline",
        kpi_id="R03",
        period=PERIOD,
        epsilon=eps,
        actor=cast.admin_a,
    )


def test_peer_under_threshold_is_never_used(peers: Any) -> None:
    bench, created = _build(peers)
    assert created
    keys = set(bench.result["noisy_values"])
    assert selectors.peer_key(peers.small_peer.pk) not in keys
    assert selectors.peer_key(peers.initiative_a.pk) in keys
    assert bench.result["peers"] == 5
    # the small peer's organisation was not charged either
    assert not LedgerEntry.objects.filter(
        organisation=peers.small_peer.organisation
    ).exists()


def test_too_few_peers_refused_nothing_charged(peers: Any) -> None:
    peers.extra_peers[0].kpi_results.all().delete()
    with pytest.raises(TooFewPeers, match="Too few peers: 4"):
        _build(peers)
    assert not LedgerEntry.objects.exists()
    assert not Benchmark.objects.exists()


def test_each_contributing_organisation_charged_once(peers: Any) -> None:
    _build(peers)
    charged = LedgerEntry.objects.filter(purpose="benchmark")
    assert charged.count() == 5
    assert {e.epsilon for e in charged} == {0.5}
    _bench, created = _build(peers)  # asked again: reused, nobody pays
    assert not created
    assert LedgerEntry.objects.filter(purpose="benchmark").count() == 5
    assert (
        AuditEvent.objects.filter(action="evidencehub.benchmark.created").count() == 1
    )


def test_organisation_without_budget_is_left_out(peers: Any) -> None:
    from django.utils import timezone

    extra = make_peer("f")
    store(extra, "R03", value=65.0, n=90)
    PrivacyBudget.objects.create(
        organisation=peers.org_b, year=timezone.now().year, spent_epsilon=1.8
    )
    bench, _ = _build(peers)
    assert selectors.peer_key(peers.initiative_b.pk) not in bench.result["noisy_values"]
    assert bench.result["peers"] == 5
    row = PrivacyBudget.objects.get(organisation=peers.org_b)
    assert row.spent_epsilon == pytest.approx(1.8)


def test_other_intervention_type_is_not_a_peer(peers: Any) -> None:
    other = make_peer("g", intervention_type="online_self_help")
    store(other, "R03", value=10.0, n=500)
    bench, _ = _build(peers)
    assert selectors.peer_key(other.pk) not in bench.result["noisy_values"]


def test_api_member_sees_internal_position(peers: Any, api_for: Any) -> None:
    api = api_for(peers.analyst_a)
    assert (
        api.get(URL.format("helpline-a"), {"kpi": "R03", "period": "2026"}).status_code
        == 404
    )
    r = api.post(
        URL.format("helpline-a"), {"kpi": "R03", "period": "2026"}, format="json"
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["own_value"] == 42.0
    assert body["own_value_kind"] == "internal"
    # 5 peers is under the threshold of 10: shown as a range, not a count
    assert body["peers"] is None
    assert body["peers_text"] == "5-9"
    assert body["q25"] <= body["median"] <= body["q75"]
    assert body["position"] in {"below_q25", "q25_q50", "q50_q75", "above_q75"}
    assert body["method"] == "evidencehub.privacy.quantiles v1"
    assert "noisy_values" not in body
    again = api.get(URL.format("helpline-a"), {"kpi": "R03", "period": "2026"})
    assert again.status_code == 200
    assert again.json()["median"] == body["median"]


def test_api_evaluator_sees_only_noisy_figures(peers: Any, api_for: Any) -> None:
    _build(peers)
    r = api_for(peers.evaluator).get(
        URL.format("helpline-a"), {"kpi": "R03", "period": "2026"}
    )
    assert r.status_code == 200
    body = r.json()
    assert_no_small_cells(body, threshold=10)
    assert body["own_value_kind"] == "noisy"
    noisy = Benchmark.objects.get().result["noisy_values"]
    assert (
        body["own_value"] == noisy[selectors.peer_key(peers.initiative_a.pk)]["value"]
    )


def test_api_outsiders_get_404(peers: Any, api_for: Any) -> None:
    # admin of org B is neither a member of org A nor an evaluator
    r = api_for(peers.admin_b).get(URL.format("helpline-a"), {"kpi": "R03"})
    assert r.status_code == 404
    extra_admin = peers.extra_peers[0].organisation.memberships.first().user
    r = api_for(extra_admin).post(
        URL.format("helpline-a"), {"kpi": "R03", "period": "2026"}, format="json"
    )
    assert r.status_code == 404


def test_api_too_few_peers_is_409(cast: Any, api_for: Any) -> None:
    store(cast.initiative_a, "R03", value=42.0, n=120)
    r = api_for(cast.admin_a).post(
        URL.format("helpline-a"), {"kpi": "R03", "period": "2026"}, format="json"
    )
    assert r.status_code == 409
    assert r.json()["code"] == "too_few_peers"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kpi": "R03", "period": "2026", "epsilon": 0}, "epsilon"),
        ({"kpi": "R03", "period": "2026", "epsilon": -0.5}, "epsilon"),
        ({"kpi": "R03", "period": "2026", "epsilon": "abc"}, "epsilon"),
        ({"kpi": "R03", "period": "2026", "epsilon": 1e308}, "epsilon"),
        ({"kpi": "R03", "period": "yesterday"}, "period"),
        ({"kpi": "R02", "period": "2026"}, "kpi"),
        ({"kpi": "NOPE", "period": "2026"}, "kpi"),
        ({"kpi": "R03", "period": "2026", "name": "x"}, "name"),
    ],
)
def test_api_bad_input_is_400_naming_field(
    peers: Any, api_for: Any, payload: dict[str, Any], field: str
) -> None:
    r = api_for(peers.admin_a).post(URL.format("helpline-a"), payload, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()
    assert not LedgerEntry.objects.exists()


def test_page_builds_and_explains_noise(peers: Any, client_for: Any) -> None:
    url = "/initiatives/helpline-a/benchmarks/?kpi=R03&period=2026"
    viewer = client_for(peers.viewer_a)
    page = viewer.get(url)
    assert page.status_code == 200
    assert b'id="no-benchmark"' in page.content
    # building spends other organisations' budget: not for a viewer
    assert b'id="who-builds"' in page.content
    form = {"kpi": "R03", "period": "2026"}
    assert viewer.post("/initiatives/helpline-a/benchmarks/", form).status_code == 403
    c = client_for(peers.analyst_a)
    r = c.post("/initiatives/helpline-a/benchmarks/", form)
    assert r.status_code == 302
    page = c.get(url)
    assert b'id="benchmark"' in page.content
    assert b'id="noise-note"' in page.content
    assert b'id="position"' in page.content
    assert_no_small_cells(page.content, threshold=10)
    assert c.get("/initiatives/helpline-b/benchmarks/").status_code == 404
    evaluator = client_for(peers.evaluator).get(url)
    assert evaluator.status_code == 200
    assert b"5-9" in evaluator.content
    assert_no_small_cells(evaluator.content, threshold=10)


def test_page_too_few_peers_message(cast: Any, client_for: Any) -> None:
    r = client_for(cast.admin_a).post(
        "/initiatives/helpline-a/benchmarks/", {"kpi": "R03", "period": "2026"}
    )
    assert r.status_code == 400
    assert b"Too few peers" in r.content


def test_ten_peers_shown_exactly(peers: Any, api_for: Any) -> None:
    for s in ("h", "i", "j", "k", "l"):
        store(make_peer(s), "R03", value=50.0, n=100)
    body = {"kpi": "R03", "period": "2026"}
    # evaluators and members who may not export read benchmarks, never build them
    for who in (peers.evaluator, peers.viewer_a, peers.staff_a):
        refused = api_for(who).post(URL.format("helpline-a"), body, format="json")
        assert refused.status_code == 403
    r = api_for(peers.admin_a).post(URL.format("helpline-a"), body, format="json")
    assert r.status_code == 201
    assert r.json()["peers"] == 10
    assert r.json()["peers_text"] == "10"


def test_peers_from_imported_bundles_count_but_are_not_charged_here(
    peers: Any, settings: Any, tmp_path: Any
) -> None:
    import json

    from evidencehub.apps.federation.services import (
        bundle_export,
        bundle_import,
        signing_key,
        trust_publisher,
    )
    from evidencehub.core.federation import public_key_text

    settings.EVIDENCEHUB_BUNDLE_KEY_FILE = str(tmp_path / "keys" / "bundle.pem")
    remote = make_peer("remote")
    store(remote, "R03", value=70.0, n=150)
    doc = bundle_export(organisation=remote.organisation, period=PERIOD)
    # from now on the remote initiative lives on another instance
    remote.kpi_results.all().delete()
    peers.extra_peers[0].kpi_results.all().delete()  # four local peers left
    trust_publisher(name="Remote hub", public_key=public_key_text(signing_key()))
    bundle_import(data=json.dumps(doc), actor=peers.platform_admin)
    bench, created = _build(peers)
    assert created
    keys = set(bench.result["noisy_values"])
    assert len([k for k in keys if k.startswith("bundle:")]) == 1
    assert bench.result["peers"] == 5
    assert not LedgerEntry.objects.filter(organisation=remote.organisation).exists()
    assert LedgerEntry.objects.filter(purpose="benchmark").count() == 4
