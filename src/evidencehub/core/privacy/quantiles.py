"""Benchmarks: where an initiative stands among peers of the same kind.

Method ``evidencehub.privacy.quantiles`` v1:

1. Each peer's protected figure (it already passed threshold suppression, so
   it rests on ``n ≥ threshold`` units) receives its own noise with
   :func:`noisy_bounded_value`: sensitivity ``(hi - lo)/n`` with ``hi``/``lo``
   from the KPI's unit (e.g. 0-100 for %). A person belongs to one peer, so
   the whole benchmark costs each peer's people ε (parallel composition,
   McSherry 2009, *Privacy Integrated Queries*, Thm 4; Dwork & Roth 2014,
   §2.3).
2. The quartiles (25th, 50th, 75th percentile) are computed from the noisy
   values with linear interpolation (Hyndman & Fan 1996, definition 7, as in
   Python's ``statistics.quantiles(method="inclusive")``): post-processing,
   no further privacy loss.
3. Fewer than ``MIN_PEERS`` contributing peers: no benchmark.

:func:`private_quantile` offers OpenDP's exponential-mechanism quantile
(``make_private_quantile``; Smith 2011) for a dataset of individual values
when there are many of them.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import opendp.prelude as dp

from evidencehub.core.privacy.mechanisms import (
    LAPLACE,
    NoisyRelease,
    PrivacyInputError,
    calibrate,
    check_epsilon,
    noisy_bounded_value,
)
from evidencehub.core.privacy.peers import PeerValue

dp.enable_features("contrib")

QUANTILES_ID = "evidencehub.privacy.quantiles"
QUANTILES_VERSION = "1"
MIN_PEERS = 5
DEFAULT_BENCHMARK_EPSILON = 0.5

_RANGE = re.compile(r"\(\s*(-?\d+(?:\.\d+)?)\s*(?:-|to)\s*(-?\d+(?:\.\d+)?)\s*\)")


def bounds_for_unit(unit: str) -> tuple[float, float] | None:
    """Public bounds of a KPI's figure from its unit: ``%`` → 0-100,
    ``index 0-1`` → 0-1, ``points (0-40)`` / ``score (-2 to 14)`` → the stated
    range. Units without a stated range (counts, money, minutes) give
    ``None``: such KPIs cannot be benchmarked, because their noise would need
    a bound taken from the data."""
    u = unit.strip()
    if u == "%":
        return (0.0, 100.0)
    if u == "index 0-1":
        return (0.0, 1.0)
    m = _RANGE.search(u)
    if m:
        lo, hi = float(m[1]), float(m[2])
        if lo < hi:
            return (lo, hi)
    return None


class TooFewPeers(ValueError):
    """Fewer contributing peers than the minimum."""


@dataclass(frozen=True)
class NoisyPeer:
    peer: PeerValue
    release: NoisyRelease


@dataclass(frozen=True)
class PeerDistribution:
    """Quartiles of the peers' noisy values; ``peers`` contributed."""

    q25: float
    q50: float
    q75: float
    peers: int
    epsilon: float
    accuracies: tuple[float, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "q25": self.q25,
            "median": self.q50,
            "q75": self.q75,
            "peers": self.peers,
            "epsilon": self.epsilon,
            "noise_accuracy_median": statistics.median(self.accuracies),
            "method": f"{QUANTILES_ID} v{QUANTILES_VERSION}",
        }


def noisy_peers(
    peers: Sequence[PeerValue],
    *,
    bounds: tuple[float, float],
    epsilon: float,
    mechanism: str = LAPLACE,
    delta: float = 0.0,
) -> list[NoisyPeer]:
    """Step 1: every peer's figure with its own noise (see module doc).

    Raises:
        PrivacyInputError: bad ε or a peer with ``n < 1``.
    """
    return [
        NoisyPeer(
            p,
            noisy_bounded_value(
                p.value,
                n=p.n,
                bounds=bounds,
                epsilon=epsilon,
                mechanism=mechanism,
                delta=delta,
            ),
        )
        for p in peers
    ]


def distribution(
    noisy: Sequence[NoisyPeer], *, minimum: int = MIN_PEERS
) -> PeerDistribution:
    """Steps 2 and 3.

    Raises:
        TooFewPeers: fewer than ``minimum`` peers.
    """
    if len(noisy) < minimum:
        raise TooFewPeers(
            f"Too few peers: {len(noisy)} contributed, at least {minimum} are needed."
        )
    values = sorted(p.release.value for p in noisy)
    q25, q50, q75 = statistics.quantiles(values, n=4, method="inclusive")
    return PeerDistribution(
        q25,
        q50,
        q75,
        len(noisy),
        max(p.release.epsilon for p in noisy),
        tuple(p.release.accuracy for p in noisy),
    )


POSITIONS = {
    "below_q25": "below most peers (under the lower quartile)",
    "q25_q50": "between the lower quartile and the median of peers",
    "q50_q75": "between the median and the upper quartile of peers",
    "above_q75": "above most peers (over the upper quartile)",
}


def band(value: float, q25: float, q50: float, q75: float) -> str:
    """Key into :data:`POSITIONS` for ``value`` against the noisy quartiles
    (a value equal to a quartile counts as the band above it)."""
    if value < q25:
        return "below_q25"
    if value < q50:
        return "q25_q50"
    if value < q75:
        return "q50_q75"
    return "above_q75"


def position(value: float, dist: PeerDistribution) -> str:
    return band(value, dist.q25, dist.q50, dist.q75)


def quantile_measurement(
    candidates: Sequence[float], alpha: float, scale: float
) -> Any:
    """OpenDP ``make_private_quantile`` over a vector of floats, pure ε-DP
    (``max_divergence``), neighbours by adding or removing one value."""
    return dp.m.make_private_quantile(
        dp.vector_domain(dp.atom_domain(T=float, nan=False)),
        dp.symmetric_distance(),
        dp.max_divergence(),
        candidates=list(candidates),
        alpha=alpha,
        scale=scale,
    )


def candidates_for(bounds: tuple[float, float], steps: int = 40) -> list[float]:
    """``steps + 1`` evenly spaced public candidates across the bounds."""
    lo, hi = bounds
    return [lo + (hi - lo) * i / steps for i in range(steps + 1)]


def private_quantile(
    values: Sequence[float],
    *,
    alpha: float,
    bounds: tuple[float, float],
    epsilon: float,
    steps: int = 40,
) -> tuple[float, float]:
    """The ``alpha`` quantile of individual ``values`` via OpenDP's
    exponential mechanism (Smith 2011; McSherry & Talwar 2007), choosing among
    public candidates spread over ``bounds``. Returns ``(value, ε spent)``.

    Raises:
        PrivacyInputError: bad ε, alpha or bounds.
    """
    eps = check_epsilon(epsilon)
    if not 0 < alpha < 1:
        raise PrivacyInputError("alpha", "must lie strictly between 0 and 1.")
    if bounds[0] >= bounds[1]:
        raise PrivacyInputError("bounds", "need a lower bound below the upper.")
    cands = candidates_for(bounds, steps)
    scale = calibrate(
        lambda s: quantile_measurement(cands, alpha, s), d_in=1, epsilon=eps
    )
    meas = quantile_measurement(cands, alpha, scale)
    clamped = [min(bounds[1], max(bounds[0], float(v))) for v in values]
    return float(meas(clamped)), float(meas.map(1))
