"""Proportions with Wilson score intervals.

Method ``evidencehub.stats.wilson`` version ``1``: Wilson, E. B. (1927)
"Probable inference, the law of succession, and statistical inference",
*JASA* 22:209-212. For k successes out of n, p = k/n and z the two-sided
normal critical value::

    centre = (p + z^2/(2n)) / (1 + z^2/n)
    half   = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/(4n^2))

Unlike the Wald interval it stays inside [0, 1] and behaves at k = 0 or k = n
(Newcombe 1998, *Stat Med* 17:857-872, method 3; its Table I examples are
tests here: 81/263 -> 0.2553-0.3662, 0/20 -> 0-0.1611).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from evidencehub.core.stats.distributions import z_value

WILSON_ID = "evidencehub.stats.wilson"
WILSON_VERSION = "1"


@dataclass(frozen=True)
class Proportion:
    """``successes`` of ``n``; ``estimate``, ``lower`` and ``upper`` are in
    [0, 1]; ``confidence`` e.g. 0.95."""

    successes: int
    n: int
    estimate: float
    lower: float
    upper: float
    confidence: float = 0.95
    method_id: str = WILSON_ID
    method_version: str = WILSON_VERSION


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Proportion:
    """Wilson score interval for ``successes`` out of ``n``.

    Raises:
        ValueError: n < 1, successes outside 0..n, or confidence outside (0, 1).
    """
    if n < 1:
        raise ValueError("n: a proportion needs at least one observation")
    if not 0 <= successes <= n:
        raise ValueError("successes: must be between 0 and n")
    z = z_value(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lower = 0.0 if successes == 0 else max(0.0, centre - half)
    upper = 1.0 if successes == n else min(1.0, centre + half)
    return Proportion(successes, n, p, lower, upper, confidence)
