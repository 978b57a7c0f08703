"""Staff KPIs (domain_kpis §2.11, Kirkpatrick levels §1.5). No names: staff
are posts with a label and FTE.

* ST01 training coverage = posts in post at the period end that completed
  every mandatory module ÷ posts in post (Wilson interval).
* ST02 Kirkpatrick L1 mean rating (1-5) and share ≥ 4; L2 mean knowledge gain
  (post - pre, points on the test's 0-100 scale) and mean confidence change
  (0-10 ruler).
* ST08 supervision dose = clinical supervision hours ÷ (mean FTE x months).
* ST09 turnover % = leavers ÷ mean headcount x 100 (mean of the start and end
  headcount, the CIPD crude turnover definition); sickness-absence days ÷ FTE.
* Staff pulse survey figures: :func:`aggregate_or_suppress` returns nothing
  when fewer than ``threshold`` staff answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from evidencehub.core.stats.proportions import Proportion, wilson_interval

TWO = Decimal("0.01")


def _q(x: Decimal) -> Decimal:
    return x.quantize(TWO, rounding=ROUND_HALF_UP)


def training_coverage(
    *, completed: dict[str, set[str]], posts: Iterable[str], mandatory: set[str]
) -> Proportion | None:
    """ST01. ``completed`` maps a post key to the modules it completed;
    ``posts`` are the posts in post; ``mandatory`` the mandatory modules.
    None without posts or mandatory modules."""
    keys = list(posts)
    if not keys or not mandatory:
        return None
    done = sum(1 for k in keys if mandatory <= completed.get(k, set()))
    return wilson_interval(done, len(keys))


@dataclass(frozen=True)
class TrainingRecordValues:
    l1_rating: int | None = None
    knowledge_pre: Decimal | None = None
    knowledge_post: Decimal | None = None
    confidence_pre: Decimal | None = None
    confidence_post: Decimal | None = None


@dataclass(frozen=True)
class Kirkpatrick:
    l1_n: int
    l1_mean: Decimal | None
    l1_share_4_plus: Decimal | None
    knowledge_n: int
    knowledge_gain: Decimal | None
    confidence_n: int
    confidence_change: Decimal | None


def kirkpatrick(records: Sequence[TrainingRecordValues]) -> Kirkpatrick:
    """ST02 means over the records that carry each value."""
    l1 = [r.l1_rating for r in records if r.l1_rating is not None]
    kn = [
        r.knowledge_post - r.knowledge_pre
        for r in records
        if r.knowledge_pre is not None and r.knowledge_post is not None
    ]
    cf = [
        r.confidence_post - r.confidence_pre
        for r in records
        if r.confidence_pre is not None and r.confidence_post is not None
    ]
    return Kirkpatrick(
        l1_n=len(l1),
        l1_mean=_q(Decimal(sum(l1)) / len(l1)) if l1 else None,
        l1_share_4_plus=_q(Decimal(sum(1 for x in l1 if x >= 4)) / len(l1))
        if l1
        else None,
        knowledge_n=len(kn),
        knowledge_gain=_q(sum(kn, Decimal(0)) / len(kn)) if kn else None,
        confidence_n=len(cf),
        confidence_change=_q(sum(cf, Decimal(0)) / len(cf)) if cf else None,
    )


def supervision_dose(
    *, hours: Decimal, mean_fte: Decimal, months: Decimal
) -> Decimal | None:
    """ST08 hours per FTE per month; None when FTE or months are zero."""
    if mean_fte <= 0 or months <= 0:
        return None
    return _q(hours / (mean_fte * months))


def turnover_percent(
    *, leavers: int, headcount_start: int, headcount_end: int
) -> Decimal | None:
    """ST09 turnover % = leavers ÷ ((start + end) / 2) x 100."""
    mean = Decimal(headcount_start + headcount_end) / 2
    if mean <= 0:
        return None
    return _q(Decimal(leavers) / mean * 100)


def sickness_days_per_fte(*, days: Decimal, mean_fte: Decimal) -> Decimal | None:
    """ST09 sickness-absence days ÷ mean FTE."""
    if mean_fte <= 0:
        return None
    return _q(days / mean_fte)


@dataclass(frozen=True)
class Aggregate:
    n: int
    mean: Decimal
    share_flagged: Decimal | None


def aggregate_or_suppress(
    scores: Sequence[Decimal], *, threshold: int, flagged: int | None = None
) -> Aggregate | None:
    """Mean of staff survey scores, or None when fewer than ``threshold``
    staff answered (never reveals the count of a small group either).

    Raises:
        ValueError: threshold < 1.
    """
    if threshold < 1:
        raise ValueError("threshold: must be at least 1")
    n = len(scores)
    if n < threshold:
        return None
    share = _q(Decimal(flagged) / n) if flagged is not None else None
    return Aggregate(n, _q(sum(scores, Decimal(0)) / n), share)
