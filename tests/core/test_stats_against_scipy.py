"""Our pure-Python statistics agree with SciPy, the reference implementation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from evidencehub.core.stats.change import paired_change, welch_difference
from evidencehub.core.stats.distributions import t_cdf, t_ppf, z_value
from evidencehub.core.stats.proportions import wilson_interval


@pytest.mark.parametrize("df", [1, 2, 3, 5, 9, 29, 120, 1000])
@pytest.mark.parametrize("p", [0.5, 0.9, 0.95, 0.975, 0.995])
def test_t_quantiles_match_scipy(df: int, p: float) -> None:
    assert t_ppf(p, df) == pytest.approx(scipy_stats.t.ppf(p, df), rel=1e-6)


@pytest.mark.parametrize("df", [1, 4, 30])
@pytest.mark.parametrize("t", [-3.0, -0.5, 0.0, 1.2, 2.5])
def test_t_distribution_matches_scipy(df: int, t: float) -> None:
    assert t_cdf(t, df) == pytest.approx(scipy_stats.t.cdf(t, df), abs=1e-9)


def test_normal_quantile_matches_scipy() -> None:
    assert z_value(0.95) == pytest.approx(scipy_stats.norm.ppf(0.975), rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=5000), data=st.data())
def test_wilson_interval_matches_scipy(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(min_value=0, max_value=n))
    ours = wilson_interval(k, n)
    reference = scipy_stats.binomtest(k, n).proportion_ci(
        confidence_level=0.95, method="wilson"
    )
    assert ours.lower == pytest.approx(reference.low, abs=1e-9)
    assert ours.upper == pytest.approx(reference.high, abs=1e-9)


def test_paired_change_interval_matches_a_scipy_paired_t_test() -> None:
    pre = [18, 21, 15, 22, 19, 24, 17, 20, 16, 23]
    post = [12, 15, 14, 16, 18, 15, 11, 17, 15, 14]
    ours = paired_change(pre, post)
    reference = scipy_stats.ttest_rel(post, pre).confidence_interval(0.95)
    assert ours.mean_change.lower == pytest.approx(reference.low, rel=1e-9)
    assert ours.mean_change.upper == pytest.approx(reference.high, rel=1e-9)


def test_welch_difference_matches_scipy() -> None:
    a = [14.0, 17.5, 12.0, 19.0, 15.5, 16.0]
    b = [11.0, 13.0, 12.5, 10.0, 14.0, 9.5, 12.0]
    ours = welch_difference(a, b)
    reference = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert ours.difference.lower == pytest.approx(reference.low, rel=1e-9)
    assert ours.difference.upper == pytest.approx(reference.high, rel=1e-9)
