"""Primary suppression (method ``evidencehub.disclosure.threshold`` v1): a
figure that rests on fewer than ``threshold`` people or contacts is withheld.

Rules by kind of figure (``figure_kind``):

- ``count``: withheld when the count is 1 to ``threshold - 1`` (zero is shown
  unless ``policy.suppress_zeros``).
- ``proportion``: withheld when its base (denominator, ``n``) is under the
  threshold, or its numerator is 1 to ``threshold - 1`` (the count could be
  worked out as value x base).
- ``ratio`` (a rate such as per 1,000 contacts): withheld when its numerator
  or its denominator would be withheld as a count.
- ``mean``, ``median``, ``sum`` and other statistics: withheld when ``n``
  (the units they summarise) is under the threshold.
- Intervals go with their figure: a withheld figure loses ``lower`` and
  ``upper`` too.

Sources: UK LLC TRE statistical disclosure control rules (threshold 10,
percentages, means and medians on fewer than 10 individuals); US CMS cell
suppression policy (no cell of 1-10, nor one from which it can be derived);
ONS disclosure control guidance (2023); Hundepool et al., *Statistical
Disclosure Control* (Wiley, 2012), chapters 4 and 5.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from evidencehub.core.disclosure.policy import (
    ROUNDING_METHOD,
    THRESHOLD_METHOD,
    ReleasePolicy,
)
from evidencehub.core.disclosure.rounding import round_count
from evidencehub.core.kpis.results import KpiResult, Method

FIGURE_KINDS = ("count", "proportion", "ratio", "mean", "median", "sum", "statistic")
PROPORTION_METHODS = ("evidencehub.stats.wilson",)


@dataclass(frozen=True)
class ReleasedResult:
    """One figure as it may be shown to its audience.

    ``result``: the protected ``KpiResult`` (withheld figures blanked to
    ``None``, ``n`` set to 0 and ``details`` dropped); ``suppressed``: whether
    the figure was withheld; ``reasons``: plain sentences saying what was
    withheld or changed, and why; ``methods``: the release methods applied;
    ``internal``: an unprotected figure for the organisation's own members;
    ``kind``: the kind of figure (see ``FIGURE_KINDS``); ``rounded``: counts
    were rounded to ``policy.rounding_base``.
    """

    result: KpiResult
    suppressed: bool
    reasons: tuple[str, ...] = ()
    methods: tuple[Method, ...] = ()
    internal: bool = False
    kind: str = ""
    rounded: bool = False

    @property
    def n_text(self) -> str:
        """``n`` as it may be printed: withheld figures say so."""
        if self.suppressed:
            return "withheld"
        return str(self.result.n)


def figure_kind(result: KpiResult) -> str:
    """The kind of figure: ``details["figure"]`` when the engine says so,
    else read from its shape (a count has a numerator equal to its value and
    no denominator; a proportion carries a Wilson interval or unit ``%``; a
    mean carries an interval; a ratio has numerator and denominator)."""
    declared = result.details.get("figure") if result.details else None
    if isinstance(declared, str) and declared in FIGURE_KINDS:
        return declared
    if result.denominator is None:
        if result.numerator is not None and result.value == result.numerator:
            return "count"
        if _looks_like_bare_count(result):
            return "count"
        return "statistic"
    if result.unit == "%" or any(m.id in PROPORTION_METHODS for m in result.methods):
        return "proportion"
    if result.lower is not None or result.upper is not None:
        return "mean"
    return "ratio"


def _looks_like_bare_count(result: KpiResult) -> bool:
    """A whole number with no numerator, denominator or interval whose ``n``
    is the number itself: treated as a count, because mistaking a count for a
    statistic would leave it out of secondary suppression (a total minus the
    other cells would give it away)."""
    value = result.value
    if value is None or result.numerator is not None:
        return False
    if result.lower is not None or result.upper is not None:
        return False
    return float(value).is_integer() and value > 0 and result.n == int(value)


def _count_reason(threshold: int) -> str:
    return (
        f"Withheld: this count is under {threshold}, so it could point to "
        "individual people."
    )


def primary_reason(result: KpiResult, kind: str, policy: ReleasePolicy) -> str | None:
    """Why ``result`` must be withheld under ``policy``, or ``None``."""
    k = policy.threshold
    if not result.has_value:
        return None
    if kind == "count":
        return _count_reason(k) if policy.is_small(result.value) else None
    if kind in ("proportion", "ratio"):
        if result.denominator is not None and (
            result.denominator < k or policy.is_small(result.denominator)
        ):
            return f"Withheld: this {kind} rests on fewer than {k} people or contacts."
        if policy.is_small(result.numerator):
            return (
                f"Withheld: fewer than {k} people or contacts are counted in "
                f"this {kind}, and that number could be worked out from it."
            )
        return None
    if result.n < k:
        return f"Withheld: this {kind} summarises fewer than {k} people or contacts."
    return None


def withhold(result: KpiResult) -> KpiResult:
    """``result`` with every figure that could reveal a small count blanked
    (notes too: the engine may describe the figure in them)."""
    return replace(
        result,
        value=None,
        numerator=None,
        denominator=None,
        lower=None,
        upper=None,
        n=0,
        notes="",
        details={},
    )


def _quiet(result: KpiResult, policy: ReleasePolicy) -> KpiResult:
    def keep(x: float | None) -> float | None:
        return None if x is None or policy.is_small(x) else x

    return replace(
        result,
        numerator=keep(result.numerator),
        denominator=keep(result.denominator),
        n=0 if policy.is_small(result.n) else result.n,
        details={},
    )


def _rounded(result: KpiResult, base: int) -> KpiResult:
    def r(x: float | None) -> float | None:
        return None if x is None else float(round_count(max(x, 0.0), base))

    return replace(
        result,
        value=r(result.value),
        numerator=r(result.numerator),
        n=round_count(result.n, base),
    )


def release_result(result: KpiResult, policy: ReleasePolicy) -> ReleasedResult:
    """Primary suppression of one result (and rounding of counts when
    ``policy.rounding_base`` is set). Details (e.g. counts per class) never
    leave with the figure: they are not protected."""
    kind = figure_kind(result)
    if not result.has_value:
        # no figure, but a small n or count beside "no data" still tells
        return ReleasedResult(
            _quiet(result, policy), False, (), (THRESHOLD_METHOD,), kind=kind
        )
    reason = primary_reason(result, kind, policy)
    if reason is not None:
        return ReleasedResult(
            withhold(result), True, (reason,), (THRESHOLD_METHOD,), kind=kind
        )
    released = replace(result, details={})
    if policy.rounding_base and kind == "count" and result.has_value:
        base = policy.rounding_base
        return ReleasedResult(
            _rounded(released, base),
            False,
            (f"Rounded to the nearest {base}.",),
            (THRESHOLD_METHOD, ROUNDING_METHOD),
            kind=kind,
            rounded=True,
        )
    return ReleasedResult(released, False, (), (THRESHOLD_METHOD,), kind=kind)
