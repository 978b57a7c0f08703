"""A differencing attack: an attacker sees one release computed either on a
dataset D0 or on D1 = D0 plus one person and must say which. OpenDP cannot
be seeded, so these use many draws and tolerant bounds.

- Likelihood ratio: for every output value seen often enough, the share of
  draws under D1 and under D0 differ by a factor of at most e^ε (plus slack
  for sampling error).
- Best guess: the likelihood-ratio test is the attacker's optimal rule; its
  accuracy is at most e^ε / (1 + e^ε) (Wasserman & Zhou 2010; Kairouz, Oh &
  Viswanath 2015 for the hypothesis-testing view of ε-DP).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import opendp.prelude as dp

from evidencehub.core.privacy.mechanisms import noisy_count

DRAWS = 20_000


def _many(scale: float, T: type) -> Any:  # noqa: N803
    """The same OpenDP Laplace sampler as the scalar release, applied to a
    vector so that thousands of independent draws take one call (each
    coordinate has exactly the scalar release's noise distribution)."""
    return dp.m.make_laplace(
        dp.vector_domain(
            dp.atom_domain(T=T, nan=False) if T is float else dp.atom_domain(T=T)
        ),
        dp.l1_distance(T=T),
        scale=scale,
    )


def _draw(meas: Any, value: float, n: int) -> list[float]:
    return list(meas([value] * n))


def test_count_release_likelihood_ratio_within_e_epsilon() -> None:
    epsilon = 1.0
    scale = noisy_count(100, epsilon=epsilon).scale
    meas = _many(scale, int)
    d0 = Counter(_draw(meas, 100, DRAWS))
    d1 = Counter(_draw(meas, 101, DRAWS))
    checked = 0
    for out in set(d0) & set(d1):
        if d0[out] >= 400 and d1[out] >= 400:
            ratio = d1[out] / d0[out]
            # sampling error of a ratio of two counts ≥ 400 is under ~10 %
            assert ratio <= math.exp(epsilon) * 1.25, (out, ratio)
            assert ratio >= math.exp(-epsilon) / 1.25, (out, ratio)
            checked += 1
    assert checked >= 4


def test_count_release_best_guess_bounded() -> None:
    epsilon = 1.0
    scale = noisy_count(100, epsilon=epsilon).scale
    meas = _many(scale, int)
    # the optimal rule: say "the person is in" when the output is ≥ 101
    right = sum(o <= 100 for o in _draw(meas, 100, DRAWS))
    right += sum(o >= 101 for o in _draw(meas, 101, DRAWS))
    accuracy = right / (2 * DRAWS)
    bound = math.exp(epsilon) / (1 + math.exp(epsilon))  # 0.731
    assert accuracy <= bound + 0.015
    assert accuracy > 0.6  # the attack is real: noise does not hide everything


def test_bounded_value_best_guess_bounded() -> None:
    """One person changes a proportion of n = 100 from 40 % to 41 %."""
    epsilon = 0.5
    sensitivity = 100.0 / 100
    meas = _many(sensitivity / epsilon, float)
    right = sum(o < 40.5 for o in _draw(meas, 40.0, DRAWS // 2))
    right += sum(o >= 40.5 for o in _draw(meas, 41.0, DRAWS // 2))
    accuracy = right / DRAWS
    assert accuracy <= math.exp(epsilon) / (1 + math.exp(epsilon)) + 0.015


def test_too_little_noise_would_be_caught() -> None:
    """The same test on a release with a tenth of the noise fails the bound,
    so the tests above can fail."""
    epsilon = 1.0
    meas = _many(0.1, int)
    right = sum(o <= 100 for o in _draw(meas, 100, 4000))
    right += sum(o >= 101 for o in _draw(meas, 101, 4000))
    assert right / 8000 > math.exp(epsilon) / (1 + math.exp(epsilon)) + 0.015
