"""Jacobson-Truax reliable change and clinically significant change.

Method ``evidencehub.stats.jacobson_truax`` version ``1`` (Jacobson & Truax
1991, *J Consult Clin Psychol* 59:12-19):

* SE = s1 · √(1 - r_xx); S_diff = √(2 · SE²) = s1 · √2 · √(1 - r_xx);
* RC = (x2 - x1) / S_diff; |RC| > 1.96 is reliable change (p < .05);
* the smallest reliable raw change is 1.96 · S_diff.

Cut-offs for clinically significant change (s0, M0: functional norms; s1,
M1: dysfunctional norms):

* a = M1 - 2·s1 (lower-is-better scales; + for higher-is-better),
* b = M0 + 2·s0 (lower-is-better; - for higher-is-better),
* c = (s0·M1 + s1·M0) / (s0 + s1).

Classification of each pair (BMC Psychiatry 2016 16:230 wording):
*recovered* = reliable improvement and moved from the clinical to the
non-clinical side of the cut-off; *improved* = reliable improvement only;
*unchanged* = no reliable change; *deteriorated* = reliable worsening.

In routine use the threshold is stored per instrument *with its source*
(domain_kpis.md §3.3) rather than recomputed from small local samples; a
stored threshold in whole points is applied as "change of at least the
threshold". The threshold's provenance travels in every result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from evidencehub.core.stats.distributions import z_value

JT_ID = "evidencehub.stats.jacobson_truax"
JT_VERSION = "1"
CLASSES = ("recovered", "improved", "unchanged", "deteriorated")
Z95 = z_value(0.95)


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """SE = sd · √(1 - r).

    Raises:
        ValueError: sd < 0 or reliability outside [0, 1).
    """
    if sd < 0:
        raise ValueError("sd: must not be negative")
    if not 0.0 <= reliability < 1.0:
        raise ValueError("reliability: must be in [0, 1)")
    return sd * math.sqrt(1 - reliability)


def s_diff(sd: float, reliability: float) -> float:
    """S_diff = √2 · SE (standard error of a difference of two scores)."""
    return math.sqrt(2) * standard_error_of_measurement(sd, reliability)


def reliable_change_index(
    pre: float, post: float, sd: float, reliability: float
) -> float:
    """RC = (post - pre) / S_diff.

    Raises:
        ValueError: S_diff is zero (sd 0) or arguments out of range.
    """
    sdiff = s_diff(sd, reliability)
    if sdiff == 0:
        raise ValueError("sd: a zero spread gives no reliable change index")
    return (post - pre) / sdiff


def minimum_reliable_change(sd: float, reliability: float, z: float = Z95) -> float:
    """Smallest raw change that is reliable: z · S_diff (1.96 at p < .05)."""
    return z * s_diff(sd, reliability)


@dataclass(frozen=True)
class Cutoffs:
    a: float
    b: float | None
    c: float | None


def clinical_cutoffs(
    *,
    mean_dysfunctional: float,
    sd_dysfunctional: float,
    mean_functional: float | None = None,
    sd_functional: float | None = None,
    lower_is_better: bool = True,
) -> Cutoffs:
    """Jacobson-Truax cut-offs a, b and c (b and c need functional norms).

    Raises:
        ValueError: a negative SD, or functional norms given only in part.
    """
    if sd_dysfunctional < 0 or (sd_functional is not None and sd_functional < 0):
        raise ValueError("sd: must not be negative")
    if (mean_functional is None) != (sd_functional is None):
        raise ValueError("functional norms: give both the mean and the SD")
    sign = -1 if lower_is_better else 1
    a = mean_dysfunctional + sign * 2 * sd_dysfunctional
    if mean_functional is None or sd_functional is None:
        return Cutoffs(a=a, b=None, c=None)
    b = mean_functional - sign * 2 * sd_functional
    total = sd_functional + sd_dysfunctional
    c = (
        (sd_functional * mean_dysfunctional + sd_dysfunctional * mean_functional)
        / total
        if total > 0
        else None
    )
    return Cutoffs(a=a, b=b, c=c)


@dataclass(frozen=True)
class Criterion:
    """What counts as reliable change for one instrument: a raw threshold in
    points with its ``source``; ``cutoff`` (optional) with its source; and
    the direction of the scale."""

    threshold: float
    source: str
    lower_is_better: bool = True
    cutoff: float | None = None
    cutoff_source: str = ""

    @classmethod
    def from_norms(
        cls,
        *,
        sd: float,
        reliability: float,
        source: str,
        lower_is_better: bool = True,
        cutoff: float | None = None,
        cutoff_source: str = "",
    ) -> Criterion:
        """Threshold = 1.96 · S_diff from a reference SD and reliability."""
        t = minimum_reliable_change(sd, reliability)
        return cls(
            threshold=t,
            source=f"1.96 x S_diff with SD {sd:g}, r {reliability:g} ({source})",
            lower_is_better=lower_is_better,
            cutoff=cutoff,
            cutoff_source=cutoff_source,
        )


def _clinical(score: float, c: Criterion) -> bool:
    assert c.cutoff is not None  # noqa: S101 - callers check
    return score >= c.cutoff if c.lower_is_better else score < c.cutoff


def classify(pre: float, post: float, criterion: Criterion) -> str:
    """One of ``recovered``, ``improved``, ``unchanged``, ``deteriorated``.

    Raises:
        ValueError: a threshold that is not above zero.
    """
    if criterion.threshold <= 0:
        raise ValueError("threshold: must be above zero")
    change = post - pre
    better = -change if criterion.lower_is_better else change
    # Tolerance for thresholds given as decimals (e.g. 6.75 stored, 6.7499 computed).
    if better >= criterion.threshold - 1e-9:
        if (
            criterion.cutoff is not None
            and _clinical(pre, criterion)
            and not _clinical(post, criterion)
        ):
            return "recovered"
        return "improved"
    if -better >= criterion.threshold - 1e-9:
        return "deteriorated"
    return "unchanged"


@dataclass(frozen=True)
class Classification:
    n: int
    counts: dict[str, int]
    threshold: float
    threshold_source: str
    cutoff: float | None
    cutoff_source: str
    clinical_at_baseline: int
    method_id: str = JT_ID
    method_version: str = JT_VERSION
    labels: tuple[str, ...] = field(default=CLASSES)

    @property
    def reliably_improved(self) -> int:
        return self.counts["recovered"] + self.counts["improved"]


def classify_pairs(
    pairs: Iterable[tuple[float, float]], criterion: Criterion
) -> Classification:
    """Count each class over (pre, post) pairs; carries the provenance of the
    threshold and cut-off into the result."""
    counts = dict.fromkeys(CLASSES, 0)
    n = clinical = 0
    for pre, post in pairs:
        counts[classify(pre, post, criterion)] += 1
        n += 1
        if criterion.cutoff is not None and _clinical(pre, criterion):
            clinical += 1
    return Classification(
        n=n,
        counts=counts,
        threshold=criterion.threshold,
        threshold_source=criterion.source,
        cutoff=criterion.cutoff,
        cutoff_source=criterion.cutoff_source,
        clinical_at_baseline=clinical,
    )
