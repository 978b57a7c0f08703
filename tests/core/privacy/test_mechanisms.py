"""OpenDP mechanisms: privacy maps, worked examples from docs/methods and
input checks."""

from __future__ import annotations

import math

import pytest

from evidencehub.core.privacy.mechanisms import (
    GAUSSIAN,
    LAPLACE,
    PrivacyInputError,
    count_measurement,
    mean_measurement,
    noisy_bounded_value,
    noisy_count,
    noisy_mean,
    noisy_sum,
    privacy_loss,
    sum_measurement,
    value_measurement,
)


@pytest.mark.parametrize("epsilon", [0.1, 0.5, 1.0, 3.0])
@pytest.mark.parametrize("contributions", [1, 3])
def test_laplace_count_map_within_stated_epsilon(
    epsilon: float, contributions: int
) -> None:
    r = noisy_count(50, epsilon=epsilon, contributions=contributions)
    meas = count_measurement(LAPLACE, r.scale)
    eps, delta = privacy_loss(meas, contributions)
    assert eps <= epsilon + 1e-9
    assert delta == 0.0
    assert r.epsilon <= epsilon + 1e-9
    # Dwork & Roth 2014, Thm 3.6: b = Δ/ε
    assert r.scale == pytest.approx(contributions / epsilon, rel=1e-6)


@pytest.mark.parametrize("epsilon", [0.5, 1.0])
def test_gaussian_count_map_within_stated_epsilon_delta(epsilon: float) -> None:
    r = noisy_count(50, epsilon=epsilon, mechanism=GAUSSIAN, delta=1e-6)
    eps, delta = privacy_loss(count_measurement(GAUSSIAN, r.scale, 1e-6), 1)
    assert eps <= epsilon + 1e-9
    assert delta <= 1e-6
    assert r.method.id == "evidencehub.privacy.gaussian"


def test_worked_example_laplace_count() -> None:
    """docs/methods/dp-laplace.md: count 120, ε = 1, one contact per person."""
    r = noisy_count(120, epsilon=1.0)
    assert r.scale == pytest.approx(1.0)
    assert r.accuracy == pytest.approx(3.3756, abs=1e-3)
    assert r.value == int(r.value)
    assert r.lower == r.value - r.accuracy
    assert str(r.method) == "evidencehub.privacy.laplace v1"


def test_worked_example_laplace_bounded_value() -> None:
    """docs/methods/dp-laplace.md: 40 % of n = 200, ε = 0.5 → Δ = 0.5, b = 1."""
    r = noisy_bounded_value(40.0, n=200, bounds=(0.0, 100.0), epsilon=0.5)
    assert r.scale == pytest.approx(1.0, rel=1e-6)
    assert r.accuracy == pytest.approx(math.log(20), rel=1e-6)  # 2.996
    assert r.epsilon == pytest.approx(0.5, rel=1e-6)
    assert 0.0 <= r.value <= 100.0
    eps, _ = privacy_loss(value_measurement(LAPLACE, r.scale), 0.5)
    assert eps <= 0.5 + 1e-9


def test_worked_example_gaussian_count() -> None:
    """docs/methods/dp-gaussian.md: ε = 1, δ = 10⁻⁶ → scale ≈ 4.53, ±10 at 95 %."""
    r = noisy_count(120, epsilon=1.0, mechanism=GAUSSIAN, delta=1e-6)
    assert r.scale == pytest.approx(4.53, abs=0.01)
    assert r.accuracy == pytest.approx(10.0, abs=0.5)
    assert r.delta == pytest.approx(1e-6)


def test_gaussian_bounded_value_map() -> None:
    r = noisy_bounded_value(
        40.0, n=200, bounds=(0, 100), epsilon=0.5, mechanism=GAUSSIAN, delta=1e-6
    )
    eps, delta = privacy_loss(value_measurement(GAUSSIAN, r.scale, 1e-6), 0.5)
    assert eps <= 0.5 + 1e-9
    assert delta <= 1e-6


def test_sum_clamps_and_map() -> None:
    r = noisy_sum([1.0, 2.0, 3000.0], bounds=(0.0, 10.0), epsilon=1.0)
    assert r.scale == pytest.approx(10.0, rel=1e-3)
    eps, _ = privacy_loss(sum_measurement(LAPLACE, r.scale, (0.0, 10.0)), 1)
    assert eps <= 1.0 + 1e-9
    # the clamped sum is 13: the 3000 cannot pull it far beyond 13 + noise
    assert r.value < 13 + 20 * r.scale


def test_mean_spends_half_on_count_half_on_mean() -> None:
    m = noisy_mean([5.0] * 400, bounds=(0.0, 10.0), epsilon=1.0)
    assert m.epsilon <= 1.0 + 1e-9
    assert m.count.epsilon == pytest.approx(0.5, rel=1e-6)
    size = max(1, round(m.count.value))
    eps, _ = privacy_loss(mean_measurement(LAPLACE, m.mean.scale, (0, 10), size), 1)
    assert eps <= 0.5 + 1e-9
    assert abs(m.mean.value - 5.0) < 2.0  # scale ≈ 0.1 at n = 400


def test_gaussian_mean_total_loss() -> None:
    m = noisy_mean(
        [5.0] * 100, bounds=(0.0, 10.0), epsilon=1.0, mechanism=GAUSSIAN, delta=1e-6
    )
    assert m.epsilon <= 1.0 + 1e-9
    assert m.delta <= 1e-6 + 1e-18


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"epsilon": 0}, "epsilon"),
        ({"epsilon": -1.0}, "epsilon"),
        ({"epsilon": float("nan")}, "epsilon"),
        ({"epsilon": float("inf")}, "epsilon"),
        ({"epsilon": 1e308}, "epsilon"),
        ({"epsilon": "1"}, "epsilon"),
        ({"epsilon": True}, "epsilon"),
        ({"epsilon": 1.0, "mechanism": "gaussian"}, "delta"),
        ({"epsilon": 1.0, "mechanism": "gaussian", "delta": 0.5}, "delta"),
        ({"epsilon": 1.0, "mechanism": "exponential"}, "mechanism"),
        ({"epsilon": 1.0, "contributions": 0}, "contributions"),
        ({"epsilon": 1.0, "contributions": 10**9}, "contributions"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(PrivacyInputError) as exc:
        noisy_count(10, **kwargs)  # type: ignore[arg-type]
    assert exc.value.field == field


def test_bad_bounds_values_and_n() -> None:
    with pytest.raises(PrivacyInputError, match="bounds"):
        noisy_sum([1.0], bounds=(5.0, 5.0), epsilon=1.0)
    with pytest.raises(PrivacyInputError, match="values"):
        noisy_sum([float("nan")], bounds=(0.0, 1.0), epsilon=1.0)
    with pytest.raises(PrivacyInputError, match="n:"):
        noisy_bounded_value(1.0, n=0, bounds=(0.0, 1.0), epsilon=1.0)
    with pytest.raises(PrivacyInputError, match="count"):
        noisy_count(1.5, epsilon=1.0)  # type: ignore[arg-type]


def test_group_counts_release_every_public_key_and_only_those() -> None:
    from evidencehub.core.privacy.mechanisms import (
        PUBLIC_KEYS,
        histogram_measurement,
        noisy_group_counts,
    )

    out = noisy_group_counts(
        {"phone": 40, "chat": 12, "seen-only-in-data": 5},
        breakdown="channel",
        epsilon=1.0,
        contributions=2,
    )
    assert tuple(out) == PUBLIC_KEYS["channel"]
    assert "seen-only-in-data" not in out
    assert "email" in out  # a zero cell is released too, with noise
    scale = out["phone"].scale
    assert scale == pytest.approx(2.0, rel=1e-6)  # L1 sensitivity 2 / ε 1
    eps, _ = privacy_loss(histogram_measurement(LAPLACE, scale, len(out)), 2)
    assert eps <= 1.0 + 1e-9
    g = noisy_group_counts(
        {"phone": 40}, breakdown="channel", epsilon=1.0, mechanism=GAUSSIAN, delta=1e-6
    )
    eps, delta = privacy_loss(
        histogram_measurement(GAUSSIAN, g["phone"].scale, len(g), 1e-6), 1
    )
    assert eps <= 1.0 + 1e-9
    assert delta <= 1e-6
    with pytest.raises(PrivacyInputError, match="breakdown"):
        noisy_group_counts({}, breakdown="postcode", epsilon=1.0)
