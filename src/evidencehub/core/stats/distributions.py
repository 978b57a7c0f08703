"""Student's t distribution in pure Python (no SciPy on these machines).

The CDF uses the regularised incomplete beta function,
``P(T <= t) = 1 - I_x(v/2, 1/2) / 2`` with ``x = v / (v + t^2)`` for t >= 0
(Abramowitz & Stegun 1964, 26.7.1 and 26.5.27), evaluated with the continued
fraction of A&S 26.5.8 by the modified Lentz method (Press et al.,
*Numerical Recipes*, 3rd ed. 2007, §6.4). The quantile inverts the CDF by
bisection to 1e-12, which is plenty for confidence intervals.

Checked against published tables: t(0.975; 1) = 12.7062, t(0.975; 10) =
2.2281, t(0.975; 30) = 2.0423 (tests/core/test_stats.py).
"""

from __future__ import annotations

import math
from statistics import NormalDist


def _betacf(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1.

    Raises:
        ValueError: arguments out of range.
    """
    if a <= 0 or b <= 0 or not 0.0 <= x <= 1.0:
        raise ValueError("betainc: need a, b > 0 and 0 <= x <= 1")
    if x in (0.0, 1.0):
        return x
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` > 0 degrees of freedom."""
    if df <= 0:
        raise ValueError("t_cdf: df must be above zero")
    x = df / (df + t * t)
    tail = 0.5 * betainc(df / 2.0, 0.5, x)
    return 1.0 - tail if t >= 0 else tail


def t_ppf(p: float, df: float) -> float:
    """Quantile of Student's t: the t with P(T <= t) = p (0 < p < 1).

    Raises:
        ValueError: p outside (0, 1) or df <= 0.
    """
    if not 0.0 < p < 1.0:
        raise ValueError("t_ppf: p must be strictly between 0 and 1")
    if df <= 0:
        raise ValueError("t_ppf: df must be above zero")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_ppf(1.0 - p, df)
    lo, hi = 0.0, max(10.0, NormalDist().inv_cdf(p) * 4)
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


def z_value(confidence: float) -> float:
    """Two-sided standard-normal critical value (0.95 -> 1.959964)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be strictly between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)
