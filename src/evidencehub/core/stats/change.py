"""Change between paired measurements, and the difference between two
independent groups (matched vs unmatched baseline respondents).

Method ``evidencehub.stats.paired_change`` version ``1``, for pairs
(pre_i, post_i), i = 1..n, diff_i = post_i - pre_i:

* mean change with a t interval: mean(diff) ± t(1-alpha/2; n-1) · sd(diff)/√n
  (Student 1908; the paired t interval);
* d_z = mean(diff) / sd(diff) (Cohen 1988, the standardised mean of
  differences), with approximate variance 1/n + d_z²/(2n);
* d_av = mean(diff) / S_within with S_within = √((sd_pre² + sd_post²)/2), and
  variance (1/n + d_av²/(2n)) · 2(1 - r), r the pre-post correlation
  (Borenstein, Hedges, Higgins & Rothstein 2009, *Introduction to
  Meta-Analysis*, eqs 4.27-4.28; Lakens 2013, *Front Psychol* 4:863);
* Hedges' g = J · d_av with J = 1 - 3/(4·df - 1), df = n - 1 (Hedges 1981;
  Borenstein 2009 eq 4.22), variance J² · var(d_av).

Effect-size intervals are normal approximations (± z·SE), as in Borenstein
2009; exact intervals need the non-central t distribution.

Method ``evidencehub.stats.welch_difference`` version ``1``: mean(a) - mean(b)
with Welch's (1947) standard error and Welch-Satterthwaite degrees of
freedom.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from evidencehub.core.stats.distributions import t_ppf, z_value

PAIRED_ID = "evidencehub.stats.paired_change"
PAIRED_VERSION = "1"
WELCH_ID = "evidencehub.stats.welch_difference"
WELCH_VERSION = "1"


@dataclass(frozen=True)
class Interval:
    estimate: float
    lower: float
    upper: float


@dataclass(frozen=True)
class PairedChange:
    """Change = post - pre (negative = fall). ``d_z``, ``d_av`` and
    ``hedges_g`` are None when the spread is zero."""

    n: int
    mean_pre: float
    mean_post: float
    sd_pre: float
    sd_post: float
    correlation: float | None
    mean_change: Interval
    sd_change: float
    d_z: Interval | None
    d_av: Interval | None
    hedges_g: Interval | None
    confidence: float = 0.95
    method_id: str = PAIRED_ID
    method_version: str = PAIRED_VERSION


def _ci(est: float, var: float, z: float) -> Interval:
    se = math.sqrt(var)
    return Interval(est, est - z * se, est + z * se)


def paired_change(
    pre: Sequence[float], post: Sequence[float], confidence: float = 0.95
) -> PairedChange:
    """Mean change with CI and standardised effect sizes for paired data.

    Raises:
        ValueError: lengths differ, fewer than 2 pairs, or bad confidence.
    """
    if len(pre) != len(post):
        raise ValueError("pre and post: need the same number of values")
    n = len(pre)
    if n < 2:
        raise ValueError("n: at least 2 pairs are needed")
    z = z_value(confidence)
    x = [float(v) for v in pre]
    y = [float(v) for v in post]
    diffs = [b - a for a, b in zip(x, y, strict=True)]
    mean_d = statistics.fmean(diffs)
    sd_d = statistics.stdev(diffs)
    t = t_ppf(0.5 + confidence / 2, n - 1)
    half = t * sd_d / math.sqrt(n)
    sd_x, sd_y = statistics.stdev(x), statistics.stdev(y)
    r: float | None
    try:
        r = statistics.correlation(x, y)
    except statistics.StatisticsError:
        r = None
    d_z = d_av = g = None
    if sd_d > 0:
        dz = mean_d / sd_d
        d_z = _ci(dz, 1 / n + dz * dz / (2 * n), z)
    s_within = math.sqrt((sd_x**2 + sd_y**2) / 2)
    if s_within > 0 and r is not None:
        dav = mean_d / s_within
        var = (1 / n + dav * dav / (2 * n)) * 2 * (1 - r)
        d_av = _ci(dav, var, z)
        j = 1 - 3 / (4 * (n - 1) - 1) if n > 2 else 1.0
        g = _ci(j * dav, j * j * var, z)
    return PairedChange(
        n=n,
        mean_pre=statistics.fmean(x),
        mean_post=statistics.fmean(y),
        sd_pre=sd_x,
        sd_post=sd_y,
        correlation=r,
        mean_change=Interval(mean_d, mean_d - half, mean_d + half),
        sd_change=sd_d,
        d_z=d_z,
        d_av=d_av,
        hedges_g=g,
        confidence=confidence,
    )


@dataclass(frozen=True)
class GroupDifference:
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: Interval
    df: float
    confidence: float = 0.95
    method_id: str = WELCH_ID
    method_version: str = WELCH_VERSION


def welch_difference(
    a: Sequence[float], b: Sequence[float], confidence: float = 0.95
) -> GroupDifference:
    """mean(a) - mean(b) with a Welch t interval (unequal variances).

    Raises:
        ValueError: fewer than 2 values in a group, or both variances zero.
    """
    if len(a) < 2 or len(b) < 2:
        raise ValueError("a and b: each group needs at least 2 values")
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    se2 = va + vb
    if se2 == 0:
        raise ValueError("a and b: both groups have no spread")
    df = se2 * se2 / (va * va / (len(a) - 1) + vb * vb / (len(b) - 1))
    half = t_ppf(0.5 + confidence / 2, df) * math.sqrt(se2)
    d = ma - mb
    return GroupDifference(
        len(a), len(b), ma, mb, Interval(d, d - half, d + half), df, confidence
    )
