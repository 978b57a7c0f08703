"""Noisy releases of counts, sums and bounded means with OpenDP 0.16.

Every function returns a :class:`NoisyRelease`: the noisy value, the
mechanism, the noise scale, the privacy loss (ε, and δ for Gaussian noise)
and the accuracy: the half-width of the interval that holds the noise with
95% probability, from OpenDP's accuracy helpers
(``discrete_laplacian_scale_to_accuracy``, ``laplacian_scale_to_accuracy``,
``discrete_gaussian_scale_to_accuracy``, ``gaussian_scale_to_accuracy``).

Privacy unit: one person, who may contribute at most ``contributions`` units
(contacts, events, answers) to a figure. Neighbouring datasets differ by
adding or removing one person (OpenDP's ``symmetric_distance``).

Sources: Dwork & Roth, *The Algorithmic Foundations of Differential Privacy*
(2014), Theorem 3.6 (Laplace) and Appendix A (Gaussian); Canonne, Kamath &
Steinke, *The Discrete Gaussian for Differential Privacy* (NeurIPS 2020),
used by OpenDP for integer data; the OpenDP 0.16 documentation
(docs.opendp.org/en/v0.16.0) for the measurements and their privacy maps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import opendp.prelude as dp

from evidencehub.core.kpis.results import Method

dp.enable_features("contrib")

LAPLACE_ID = "evidencehub.privacy.laplace"
LAPLACE_VERSION = "1"
GAUSSIAN_ID = "evidencehub.privacy.gaussian"
GAUSSIAN_VERSION = "1"
LAPLACE = "laplace"
GAUSSIAN = "gaussian"
MECHANISMS = (LAPLACE, GAUSSIAN)
ALPHA = 0.05  # accuracy is a 95% interval of the noise

# Limits on what a caller may ask for: beyond ε = 10 the noise protects
# practically nobody; below ε = 0.01 the noise drowns any figure (a count's
# 95% interval would be about ±300) and tiny values overflow the noise scale;
# δ must be far below 1/n for any realistic n.
MIN_EPSILON = 0.01
MAX_EPSILON = 10.0
MAX_DELTA = 1e-5
MAX_CONTRIBUTIONS = 1000
MAX_ABS_VALUE = 1e12


class PrivacyInputError(ValueError):
    """Bad parameters; ``field`` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class NoisyRelease:
    """One noisy figure. ``accuracy``: with probability 95% the noise lies in
    ``[-accuracy, +accuracy]``, so the true figure lies in ``lower..upper``.
    ``epsilon``/``delta``: the privacy loss for one person (``delta`` is 0 for
    Laplace noise)."""

    statistic: str
    value: float
    mechanism: str
    scale: float
    epsilon: float
    delta: float
    accuracy: float
    method: Method
    contributions: int = 1

    @property
    def lower(self) -> float:
        return self.value - self.accuracy

    @property
    def upper(self) -> float:
        return self.value + self.accuracy

    def as_dict(self) -> dict[str, Any]:
        return {
            "statistic": self.statistic,
            "value": self.value,
            "mechanism": self.mechanism,
            "scale": self.scale,
            "epsilon": self.epsilon,
            "delta": self.delta,
            "accuracy": self.accuracy,
            "accuracy_level": 1 - ALPHA,
            "lower": self.lower,
            "upper": self.upper,
            "method": str(self.method),
            "contributions": self.contributions,
        }


def check_epsilon(epsilon: Any, field: str = "epsilon") -> float:
    """Validate ε: a finite number with ``MIN_EPSILON ≤ ε ≤ MAX_EPSILON``.

    Raises:
        PrivacyInputError: naming ``field``.
    """
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float):
        raise PrivacyInputError(field, "must be a number.")
    if not math.isfinite(epsilon) or epsilon <= 0:
        raise PrivacyInputError(field, "must be a number greater than 0.")
    if epsilon > MAX_EPSILON:
        raise PrivacyInputError(field, f"may be at most {MAX_EPSILON:g}.")
    if epsilon < MIN_EPSILON:
        raise PrivacyInputError(
            field,
            f"must be at least {MIN_EPSILON:g}; smaller values add so much noise "
            "that the figure says nothing.",
        )
    return float(epsilon)


def check_delta(delta: Any, field: str = "delta") -> float:
    """Validate δ for Gaussian noise: ``0 < δ ≤ MAX_DELTA``.

    Raises:
        PrivacyInputError: naming ``field``.
    """
    if isinstance(delta, bool) or not isinstance(delta, int | float):
        raise PrivacyInputError(field, "must be a number.")
    if not math.isfinite(delta) or delta <= 0 or delta > MAX_DELTA:
        raise PrivacyInputError(
            field, f"must be greater than 0 and at most {MAX_DELTA:g}."
        )
    return float(delta)


def _check_contributions(contributions: Any) -> int:
    if isinstance(contributions, bool) or not isinstance(contributions, int):
        raise PrivacyInputError("contributions", "must be a whole number.")
    if not 1 <= contributions <= MAX_CONTRIBUTIONS:
        raise PrivacyInputError(
            "contributions", f"must be between 1 and {MAX_CONTRIBUTIONS}."
        )
    return contributions


def _check_bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    lo, hi = float(bounds[0]), float(bounds[1])
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise PrivacyInputError("bounds", "need a finite lower bound below the upper.")
    if max(abs(lo), abs(hi)) > MAX_ABS_VALUE:
        raise PrivacyInputError("bounds", f"must lie within ±{MAX_ABS_VALUE:g}.")
    return lo, hi


def _method(mechanism: str) -> Method:
    if mechanism == LAPLACE:
        return Method(LAPLACE_ID, LAPLACE_VERSION)
    if mechanism == GAUSSIAN:
        return Method(GAUSSIAN_ID, GAUSSIAN_VERSION)
    raise PrivacyInputError("mechanism", f"must be one of {', '.join(MECHANISMS)}.")


def _check_request(
    mechanism: str, epsilon: Any, delta: Any, contributions: Any
) -> tuple[Method, float, float, int]:
    """The checks every release starts with: (method, ε, δ, contributions);
    δ is 0 for Laplace. Raises ``PrivacyInputError`` naming the field."""
    method = _method(mechanism)
    eps = check_epsilon(epsilon)
    dlt = check_delta(delta) if mechanism == GAUSSIAN else 0.0
    return method, eps, dlt, _check_contributions(contributions)


def _scalar_noise(
    space: tuple[Any, Any], mechanism: str, scale: float, delta: float
) -> Any:
    if mechanism == LAPLACE:
        return dp.m.make_laplace(*space, scale=scale)
    return _approx(dp.m.make_gaussian(*space, scale=scale), delta)


def _approx(meas: Any, delta: float) -> Any:
    """zCDP → (ε, δ)-DP at a fixed δ (OpenDP ``make_zCDP_to_approxDP`` and
    ``make_fix_delta``; Canonne, Kamath & Steinke 2020, Corollary 13)."""
    return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(meas), delta)


def calibrate(
    make: Callable[[float], Any], *, d_in: int, epsilon: float, delta: float = 0.0
) -> float:
    """The smallest noise scale for which ``make(scale).map(d_in)`` is at most
    ε (and δ), found by OpenDP's ``binary_search_param``."""
    d_out: Any = (epsilon, delta) if delta else epsilon
    return float(dp.binary_search_param(make, d_in=d_in, d_out=d_out, T=float))


def privacy_loss(meas: Any, d_in: int) -> tuple[float, float]:
    """(ε, δ) of a measurement for input distance ``d_in`` (its privacy map)."""
    out = meas.map(d_in)
    if isinstance(out, tuple):
        return float(out[0]), float(out[1])
    return float(out), 0.0


def count_measurement(mechanism: str, scale: float, delta: float = 0.0) -> Any:
    """Noise on one integer count: discrete Laplace (pure ε-DP) or discrete
    Gaussian converted to (ε, δ)-DP. Input metric: absolute distance, so
    ``map(d_in)`` takes the count's sensitivity (= contributions per person)."""
    space = dp.atom_domain(T=int), dp.absolute_distance(T=int)
    return _scalar_noise(space, mechanism, scale, delta)


def noisy_count(
    count: int,
    *,
    epsilon: float,
    mechanism: str = LAPLACE,
    delta: float = 0.0,
    contributions: int = 1,
) -> NoisyRelease:
    """A count (e.g. contacts in a period) with discrete Laplace or discrete
    Gaussian noise calibrated so one person, contributing at most
    ``contributions`` units, changes the output distribution by at most ε
    (and δ).

    Laplace scale b = contributions / ε (Dwork & Roth 2014, Thm 3.6).

    Raises:
        PrivacyInputError: bad ε, δ, mechanism, contributions or count.
    """
    method, eps, dlt, k = _check_request(mechanism, epsilon, delta, contributions)
    if isinstance(count, bool) or not isinstance(count, int) or abs(count) > 1e15:
        raise PrivacyInputError("count", "must be a whole number.")
    scale = calibrate(
        lambda s: count_measurement(mechanism, s, dlt), d_in=k, epsilon=eps, delta=dlt
    )
    meas = count_measurement(mechanism, scale, dlt)
    spent = privacy_loss(meas, k)
    if mechanism == LAPLACE:
        acc = dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=ALPHA)
    else:
        acc = dp.discrete_gaussian_scale_to_accuracy(scale=scale, alpha=ALPHA)
    return NoisyRelease(
        "count",
        float(meas(count)),
        mechanism,
        scale,
        spent[0],
        spent[1],
        float(acc),
        method,
        k,
    )


def _float_vector() -> tuple[Any, Any]:
    # nan=False: sums over a domain that may hold NaN are refused by OpenDP.
    return dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()


def _noise(mechanism: str, scale: float, delta: float) -> Any:
    if mechanism == LAPLACE:
        return dp.m.then_laplace(scale)
    return dp.m.then_gaussian(scale)


def sum_measurement(
    mechanism: str,
    scale: float,
    bounds: tuple[float, float],
    delta: float = 0.0,
) -> Any:
    """clamp → sum → noise over a vector of floats (one value per unit)."""
    chain = (
        _float_vector()
        >> dp.t.then_clamp(bounds)
        >> dp.t.then_sum()  # type: ignore[no-untyped-call]
        >> _noise(mechanism, scale, delta)
    )
    return chain if mechanism == LAPLACE else _approx(chain, delta)


def _accuracy_float(mechanism: str, scale: float) -> float:
    if mechanism == LAPLACE:
        return float(dp.laplacian_scale_to_accuracy(scale=scale, alpha=ALPHA))
    return float(dp.gaussian_scale_to_accuracy(scale=scale, alpha=ALPHA))


def _check_values(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise PrivacyInputError("values", "must all be numbers.")
        if not math.isfinite(v):
            raise PrivacyInputError("values", "must all be finite numbers.")
        out.append(float(v))
    return out


def noisy_sum(
    values: Sequence[float],
    *,
    bounds: tuple[float, float],
    epsilon: float,
    mechanism: str = LAPLACE,
    delta: float = 0.0,
    contributions: int = 1,
) -> NoisyRelease:
    """The sum of ``values`` (e.g. questionnaire scores), each clamped to the
    public ``bounds`` (never taken from the data), with noise calibrated by
    OpenDP's privacy map for ``contributions`` values per person.

    Laplace scale ≈ contributions · max(|lo|, |hi|) / ε (Dwork & Roth 2014,
    Thm 3.6 with the sensitivity of a clamped sum).

    Raises:
        PrivacyInputError: bad ε, δ, mechanism, bounds or values.
    """
    method, eps, dlt, k = _check_request(mechanism, epsilon, delta, contributions)
    lohi = _check_bounds(bounds)
    data = _check_values(values)
    scale = calibrate(
        lambda s: sum_measurement(mechanism, s, lohi, dlt),
        d_in=k,
        epsilon=eps,
        delta=dlt,
    )
    meas = sum_measurement(mechanism, scale, lohi, dlt)
    spent = privacy_loss(meas, k)
    return NoisyRelease(
        "sum",
        float(meas(data)),
        mechanism,
        scale,
        spent[0],
        spent[1],
        _accuracy_float(mechanism, scale),
        method,
        k,
    )


def mean_measurement(
    mechanism: str,
    scale: float,
    bounds: tuple[float, float],
    size: int,
    delta: float = 0.0,
) -> Any:
    """clamp → resize to a public ``size`` (pad with the midpoint, or drop
    at random) → mean → noise; OpenDP's documented bounded-mean pipeline."""
    mid = (bounds[0] + bounds[1]) / 2
    chain = (
        _float_vector()
        >> dp.t.then_clamp(bounds)
        >> dp.t.then_resize(size=size, constant=mid)
        >> dp.t.then_mean()  # type: ignore[no-untyped-call]
        >> _noise(mechanism, scale, delta)
    )
    return chain if mechanism == LAPLACE else _approx(chain, delta)


@dataclass(frozen=True)
class NoisyMean:
    """A bounded mean: half the budget buys a noisy count (which becomes the
    public size), half buys the mean at that size. ``epsilon``/``delta`` are
    the totals (basic composition, Dwork & Roth 2014, Thm 3.16)."""

    mean: NoisyRelease
    count: NoisyRelease
    epsilon: float
    delta: float


def noisy_mean(
    values: Sequence[float],
    *,
    bounds: tuple[float, float],
    epsilon: float,
    mechanism: str = LAPLACE,
    delta: float = 0.0,
    contributions: int = 1,
) -> NoisyMean:
    """The mean of ``values`` clamped to public ``bounds``.

    The number of values is itself private, so ε/2 (and δ/2) releases a noisy
    count, which becomes the public size of a resized dataset whose mean gets
    noise with the other ε/2 (OpenDP's typical workflow,
    docs.opendp.org/en/v0.16.0 "typical workflow"). The mean's noise scale is
    about ``(hi - lo) · 2 · contributions / (size · ε/2)`` for Laplace noise.

    Raises:
        PrivacyInputError: bad ε, δ, mechanism, bounds or values.
    """
    eps = check_epsilon(epsilon)
    dlt = check_delta(delta) if mechanism == GAUSSIAN else 0.0
    lohi = _check_bounds(bounds)
    data = _check_values(values)
    count = noisy_count(
        len(data),
        epsilon=eps / 2,
        mechanism=mechanism,
        delta=dlt / 2,
        contributions=contributions,
    )
    size = max(1, round(count.value))
    k = count.contributions
    scale = calibrate(
        lambda s: mean_measurement(mechanism, s, lohi, size, dlt / 2),
        d_in=k,
        epsilon=eps / 2,
        delta=dlt / 2,
    )
    meas = mean_measurement(mechanism, scale, lohi, size, dlt / 2)
    spent = privacy_loss(meas, k)
    mean = NoisyRelease(
        "mean",
        float(meas(data)),
        mechanism,
        scale,
        spent[0],
        spent[1],
        _accuracy_float(mechanism, scale),
        _method(mechanism),
        k,
    )
    return NoisyMean(
        mean, count, mean.epsilon + count.epsilon, mean.delta + count.delta
    )


def value_measurement(mechanism: str, scale: float, delta: float = 0.0) -> Any:
    """Noise on one float figure (float Laplace or Gaussian); input metric is
    absolute distance, so ``map(d_in)`` takes the figure's sensitivity."""
    space = dp.atom_domain(T=float, nan=False), dp.absolute_distance(T=float)
    return _scalar_noise(space, mechanism, scale, delta)


def noisy_bounded_value(
    value: float,
    *,
    n: int,
    bounds: tuple[float, float],
    epsilon: float,
    mechanism: str = LAPLACE,
    delta: float = 0.0,
    contributions: int = 1,
) -> NoisyRelease:
    """A published average-type figure (a proportion in %, a mean score)
    resting on ``n`` units, each bounded by the KPI's public ``bounds``.

    ``n`` is treated as public: the release pipeline already publishes it next
    to every figure that passes suppression. Changing one person's data (at
    most ``contributions`` units) moves the figure by at most
    ``Δ = contributions · (hi - lo) / n`` (bounded DP, Dwork & Roth 2014,
    Def. 2.4 and Thm 3.6), which is the ``d_in`` of the privacy map. The noisy
    value is clamped to the bounds afterwards (post-processing, no extra loss).

    Raises:
        PrivacyInputError: bad ε, δ, mechanism, bounds, n or value.
    """
    method, eps, dlt, k = _check_request(mechanism, epsilon, delta, contributions)
    lo, hi = _check_bounds(bounds)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise PrivacyInputError("n", "must be a whole number of at least 1.")
    (v,) = _check_values([value])
    sensitivity = k * (hi - lo) / n
    scale = calibrate(
        lambda s: value_measurement(mechanism, s, dlt),
        d_in=1,
        epsilon=eps,
        delta=dlt,
    )
    # Noise at scale s·Δ with input distance Δ has the same loss as scale s
    # at distance 1, so the search runs at d_in = 1; the stated loss below is
    # the map at the true sensitivity.
    meas = value_measurement(mechanism, scale * sensitivity, dlt)
    spent = _loss_at(meas, sensitivity)
    noisy = min(hi, max(lo, float(meas(min(hi, max(lo, v))))))
    return NoisyRelease(
        "bounded_value",
        noisy,
        mechanism,
        scale * sensitivity,
        spent[0],
        spent[1],
        _accuracy_float(mechanism, scale * sensitivity),
        method,
        k,
    )


def _loss_at(meas: Any, d_in: float) -> tuple[float, float]:
    out = meas.map(d_in)
    if isinstance(out, tuple):
        return float(out[0]), float(out[1])
    return float(out), 0.0


def _public_keys() -> dict[str, tuple[str, ...]]:
    from evidencehub.core.collect import contacts, events

    return {"channel": tuple(sorted(set(events.CHANNELS) | set(contacts.CHANNELS)))}


# Breakdown values come only from these fixed vocabularies of the public
# catalogue, never from the data, so which cells exist reveals nothing.
PUBLIC_KEYS: dict[str, tuple[str, ...]] = _public_keys()


def histogram_measurement(
    mechanism: str, scale: float, size: int, delta: float = 0.0
) -> Any:
    """Independent noise on each of ``size`` integer cells. Input metric: L1
    distance for Laplace, L2 for Gaussian; a person adding at most k units in
    total changes the cells by at most k in either norm."""
    if mechanism == LAPLACE:
        space = (
            dp.vector_domain(dp.atom_domain(T=int), size=size),
            dp.l1_distance(T=int),
        )
        return dp.m.make_laplace(*space, scale=scale)
    space = dp.vector_domain(dp.atom_domain(T=int), size=size), dp.l2_distance(T=int)
    return _approx(dp.m.make_gaussian(*space, scale=scale), delta)


def noisy_group_counts(
    counts: dict[str, int],
    *,
    breakdown: str,
    epsilon: float,
    mechanism: str = LAPLACE,
    delta: float = 0.0,
    contributions: int = 1,
) -> dict[str, NoisyRelease]:
    """Counts per breakdown cell, released for **every** key of the public
    vocabulary ``PUBLIC_KEYS[breakdown]`` (absent keys count 0), in one
    measurement whose loss is ε in total (a person contributes at most
    ``contributions`` units across all cells; Dwork & Roth 2014, §3.3,
    histogram queries). Cells whose key is not in the vocabulary are not
    released: their name itself would come from the data.

    Raises:
        PrivacyInputError: unknown breakdown, bad ε/δ/mechanism/contributions
            or a count that is not a whole number.
    """
    if breakdown not in PUBLIC_KEYS:
        raise PrivacyInputError(
            "breakdown", f"must be one of {', '.join(sorted(PUBLIC_KEYS))}."
        )
    method, eps, dlt, k = _check_request(mechanism, epsilon, delta, contributions)
    keys = PUBLIC_KEYS[breakdown]
    for v in counts.values():
        if isinstance(v, bool) or not isinstance(v, int):
            raise PrivacyInputError("counts", "must all be whole numbers.")
    scale = calibrate(
        lambda s: histogram_measurement(mechanism, s, len(keys), dlt),
        d_in=k,
        epsilon=eps,
        delta=dlt,
    )
    meas = histogram_measurement(mechanism, scale, len(keys), dlt)
    spent = privacy_loss(meas, k)
    noisy = meas([counts.get(key, 0) for key in keys])
    if mechanism == LAPLACE:
        acc = float(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=ALPHA))
    else:
        acc = float(dp.discrete_gaussian_scale_to_accuracy(scale=scale, alpha=ALPHA))
    return {
        key: NoisyRelease(
            "count", float(v), mechanism, scale, spent[0], spent[1], acc, method, k
        )
        for key, v in zip(keys, noisy, strict=True)
    }
