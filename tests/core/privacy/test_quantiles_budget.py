"""Benchmarks from noisy peer figures, OpenDP's private quantile and the
yearly budget."""

from __future__ import annotations

import pytest

from evidencehub.core.kpis.results import Method
from evidencehub.core.privacy import budget
from evidencehub.core.privacy.mechanisms import LAPLACE, NoisyRelease
from evidencehub.core.privacy.peers import PeerValue
from evidencehub.core.privacy.quantiles import (
    MIN_PEERS,
    NoisyPeer,
    TooFewPeers,
    band,
    bounds_for_unit,
    candidates_for,
    distribution,
    noisy_peers,
    position,
    private_quantile,
    quantile_measurement,
)


def _peer(i: int, value: float, n: int = 100) -> PeerValue:
    return PeerValue("org", f"i{i}", "helpline", "R03", "1", "2026", value, n)


def _fixed(i: int, noisy: float) -> NoisyPeer:
    rel = NoisyRelease(
        "bounded_value", noisy, LAPLACE, 1.0, 0.5, 0.0, 3.0, Method("m", "1")
    )
    return NoisyPeer(_peer(i, noisy), rel)


@pytest.mark.parametrize(
    ("unit", "bounds"),
    [
        ("%", (0.0, 100.0)),
        ("index 0-1", (0.0, 1.0)),
        ("points (0-40)", (0.0, 40.0)),
        ("score (-2 to 14)", (-2.0, 14.0)),
        ("points (10-40)", (10.0, 40.0)),
        ("contacts", None),
        ("currency per contact", None),
        ("points", None),
    ],
)
def test_bounds_for_unit(unit: str, bounds: tuple[float, float] | None) -> None:
    assert bounds_for_unit(unit) == bounds


def test_worked_example_quartiles() -> None:
    """docs/methods/dp-quantiles.md: noisy peer values 31, 42, 48, 55, 60,
    71 → quartiles 43.5, 51.5, 58.75 (Hyndman & Fan type 7)."""
    noisy = [_fixed(i, v) for i, v in enumerate([55.0, 31.0, 48.0, 71.0, 60.0, 42.0])]
    dist = distribution(noisy)
    assert (dist.q25, dist.q50, dist.q75) == pytest.approx((43.5, 51.5, 58.75))
    assert dist.peers == 6
    assert position(39.0, dist) == "below_q25"
    assert position(50.0, dist) == "q25_q50"
    assert position(51.5, dist) == "q50_q75"
    assert position(80.0, dist) == "above_q75"
    assert dist.as_dict()["method"] == "evidencehub.privacy.quantiles v1"


def test_too_few_peers_refused() -> None:
    with pytest.raises(TooFewPeers, match="Too few peers"):
        distribution([_fixed(i, 50.0) for i in range(MIN_PEERS - 1)])


def test_noisy_peers_each_within_epsilon_and_bounds() -> None:
    peers = [_peer(i, 10.0 * i, n=50 + i) for i in range(8)]
    noisy = noisy_peers(peers, bounds=(0.0, 100.0), epsilon=0.5)
    assert len(noisy) == 8
    for p in noisy:
        assert p.release.epsilon <= 0.5 + 1e-9
        assert 0.0 <= p.release.value <= 100.0
        # Δ = 100 / n, b = Δ / ε
        assert p.release.scale == pytest.approx(100 / p.peer.n / 0.5, rel=1e-6)


def test_band_edges() -> None:
    assert band(1.0, 1.0, 2.0, 3.0) == "q25_q50"
    assert band(3.0, 1.0, 2.0, 3.0) == "above_q75"


def test_private_quantile_map_and_accuracy() -> None:
    cands = candidates_for((0.0, 100.0))
    assert len(cands) == 41
    value, spent = private_quantile(
        [float(i % 101) for i in range(1000)], alpha=0.5, bounds=(0, 100), epsilon=1.0
    )
    assert spent <= 1.0 + 1e-9
    # 1,000 values: the exponential mechanism's rank error is a few dozen at
    # most, i.e. within 10 points of the true median 50
    assert 40.0 <= value <= 60.0
    meas = quantile_measurement(cands, 0.25, 2.0)
    assert meas.map(1) <= meas.map(2)


def test_private_quantile_bad_input() -> None:
    with pytest.raises(ValueError, match="alpha"):
        private_quantile([1.0], alpha=1.5, bounds=(0, 1), epsilon=1.0)
    with pytest.raises(ValueError, match="epsilon"):
        private_quantile([1.0], alpha=0.5, bounds=(0, 1), epsilon=0.0)


def test_budget_worked_example() -> None:
    """docs/methods/privacy-budget.md: budget 2.0; 0.5 + 0.5 + 1.0 fits
    exactly, a further 0.1 is refused."""
    spent = 0.0
    for cost in (0.5, 0.5, 1.0):
        budget.check(spent=spent, cost=cost, budget=2.0, year=2026)
        spent += cost
    with pytest.raises(budget.BudgetExceeded, match="only ε = 0 of the 2026"):
        budget.check(spent=spent, cost=0.1, budget=2.0, year=2026)
    # float drift does not refuse an exact fit
    assert budget.fits(spent=0.1 + 0.2, cost=1.7, budget=2.0)
