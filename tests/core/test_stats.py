"""Statistics against published worked examples and reference values.

Reference values: Student t quantiles from standard tables; Wilson intervals
from Newcombe (1998) Table I; Jacobson-Truax from the CORE-10 worked example
in domain_kpis.md §3.3. Effect sizes are hand-computed below. (SciPy is not
installed on these machines; the t quantiles listed are the values
scipy.stats.t.ppf returns, to the digits of the tables.)
"""

from __future__ import annotations

import math
import random
import statistics

import pytest

from evidencehub.core.stats import (
    Criterion,
    classify,
    classify_pairs,
    clinical_cutoffs,
    minimum_reliable_change,
    paired_change,
    reliable_change_index,
    s_diff,
    t_cdf,
    t_ppf,
    welch_difference,
    wilson_interval,
    z_value,
)


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.706205),
        (0.975, 2, 4.302653),
        (0.975, 10, 2.228139),
        (0.975, 30, 2.042272),
        (0.95, 5, 2.015048),
        (0.995, 20, 2.845340),
        (0.975, 1000, 1.962339),
    ],
)
def test_t_quantiles(p: float, df: int, expected: float) -> None:
    assert t_ppf(p, df) == pytest.approx(expected, abs=2e-6)
    assert t_cdf(t_ppf(p, df), df) == pytest.approx(p, abs=1e-10)
    assert t_ppf(1 - p, df) == pytest.approx(-expected, abs=2e-6)


def test_z_value() -> None:
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_newcombe_table(k: int, n: int, lo: float, hi: float) -> None:
    r = wilson_interval(k, n)
    assert (round(r.lower, 4), round(r.upper, 4)) == (lo, hi)
    assert r.method_id == "evidencehub.stats.wilson" and r.method_version == "1"


def test_wilson_bad_input() -> None:
    with pytest.raises(ValueError, match="n:"):
        wilson_interval(0, 0)
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(5, 4)


def test_core10_worked_example() -> None:
    """domain_kpis.md §3.3: M0 4.7 s0 4.8, M1 19.7 s1 7.7, alpha .90."""
    cut = clinical_cutoffs(
        mean_dysfunctional=19.7,
        sd_dysfunctional=7.7,
        mean_functional=4.7,
        sd_functional=4.8,
    )
    assert round(cut.c or 0, 2) == 10.46
    assert round(cut.a, 1) == 4.3
    assert round(cut.b or 0, 1) == 14.3
    assert round(7.7 * math.sqrt(0.10), 2) == 2.43
    assert round(s_diff(7.7, 0.90), 2) == 3.44
    assert round(minimum_reliable_change(7.7, 0.90), 2) == 6.75
    assert round(minimum_reliable_change(7.7, 0.93), 1) == 5.6
    assert round(minimum_reliable_change(7.7, 0.85), 1) == 8.3
    # RC for a fall from 20 to 12: -8 / 3.4435 = -2.32 -> reliable
    assert reliable_change_index(20, 12, 7.7, 0.90) == pytest.approx(-2.3232, abs=1e-3)


def test_classification_with_provenance() -> None:
    c = Criterion(threshold=6, source="IAPT", cutoff=10, cutoff_source="Kroenke 2001")
    assert classify(18, 8, c) == "recovered"  # -10, crosses 10
    assert classify(22, 15, c) == "improved"  # -7, still >= 10
    assert classify(12, 7, c) == "unchanged"  # -5
    assert classify(8, 14, c) == "deteriorated"
    assert classify(16, 10, c) == "improved"  # exactly 6, but 10 is still clinical
    result = classify_pairs([(18, 8), (22, 15), (12, 7), (8, 14), (5, 5)], c)
    assert result.counts == {
        "recovered": 1,
        "improved": 1,
        "unchanged": 2,
        "deteriorated": 1,
    }
    assert result.n == 5 and result.clinical_at_baseline == 3
    assert result.threshold_source == "IAPT" and result.cutoff_source == "Kroenke 2001"
    assert result.method_id == "evidencehub.stats.jacobson_truax"
    higher_better = Criterion(
        threshold=5, source="ORS", lower_is_better=False, cutoff=25
    )
    assert classify(18, 27, higher_better) == "recovered"
    assert classify(30, 24, higher_better) == "deteriorated"


def test_criterion_from_norms_says_how() -> None:
    c = Criterion.from_norms(sd=7.7, reliability=0.9, source="Barkham 2013")
    assert c.threshold == pytest.approx(6.7492, abs=1e-3)
    assert "SD 7.7" in c.source and "Barkham" in c.source


def test_paired_change_hand_computed() -> None:
    pre = [10, 12, 15, 9, 20]
    post = [7, 10, 9, 9, 12]
    r = paired_change(pre, post)
    # diffs -3 -2 -6 0 -8: mean -3.8, sd sqrt(10.2) = 3.19374
    assert r.mean_change.estimate == pytest.approx(-3.8)
    assert r.sd_change == pytest.approx(math.sqrt(10.2))
    half = 2.776445 * math.sqrt(10.2) / math.sqrt(5)  # t(0.975; 4)
    assert r.mean_change.lower == pytest.approx(-3.8 - half, abs=1e-5)
    assert r.mean_change.upper == pytest.approx(-3.8 + half, abs=1e-5)
    assert r.d_z is not None and r.d_z.estimate == pytest.approx(-3.8 / math.sqrt(10.2))
    s_within = math.sqrt((statistics.variance(pre) + statistics.variance(post)) / 2)
    assert r.d_av is not None and r.d_av.estimate == pytest.approx(-3.8 / s_within)
    assert r.hedges_g is not None
    assert r.hedges_g.estimate == pytest.approx(r.d_av.estimate * (1 - 3 / 15))
    assert r.method_id == "evidencehub.stats.paired_change"


def test_paired_change_coverage_on_generated_data() -> None:
    """The 95% t interval covers the true mean change about 95% of the time."""
    rng = random.Random(7)
    covered = 0
    runs = 400
    for _ in range(runs):
        pre = [rng.gauss(15, 5) for _ in range(12)]
        post = [p - 3 + rng.gauss(0, 3) for p in pre]
        ci = paired_change(pre, post).mean_change
        covered += ci.lower <= -3 <= ci.upper
    assert 0.92 <= covered / runs <= 0.98


def test_paired_change_bad_input() -> None:
    with pytest.raises(ValueError, match="same number"):
        paired_change([1, 2], [1])
    with pytest.raises(ValueError, match="at least 2"):
        paired_change([1], [2])
    same = paired_change([3, 3, 3], [3, 3, 3])
    assert same.d_z is None and same.d_av is None


def test_welch_difference() -> None:
    a = [20.0, 22, 19, 24, 25]
    b = [15.0, 18, 17, 14]
    r = welch_difference(a, b)
    va, vb = statistics.variance(a) / 5, statistics.variance(b) / 4
    df = (va + vb) ** 2 / (va**2 / 4 + vb**2 / 3)
    assert r.df == pytest.approx(df)
    assert r.difference.estimate == pytest.approx(
        statistics.fmean(a) - statistics.fmean(b)
    )
    half = t_ppf(0.975, df) * math.sqrt(va + vb)
    assert r.difference.upper - r.difference.estimate == pytest.approx(half)
