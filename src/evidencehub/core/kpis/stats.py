"""Mean with a t-based 95% interval (method ``evidencehub.stats.mean_t`` v1;
Student 1908; see ``docs/methods/mean-t.md``)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from evidencehub.core.stats import Interval, t_ppf

MEAN_T_ID, MEAN_T_VERSION = "evidencehub.stats.mean_t", "1"


class MeanInterval(Interval):
    method_id: str = MEAN_T_ID
    method_version: str = MEAN_T_VERSION


def mean_interval(values: Sequence[float], confidence: float = 0.95) -> MeanInterval:
    """Mean of ``values`` with the t interval ``mean ± t(1-a/2, n-1) · s/√n``.

    Raises:
        ValueError: fewer than 2 values.
    """
    n = len(values)
    if n < 2:
        raise ValueError("need at least 2 values")
    m = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(n)
    t = t_ppf(1 - (1 - confidence) / 2, n - 1)
    return MeanInterval(m, m - t * se, m + t * se)
