"""Statistical disclosure control: the release pipeline every figure passes
before it leaves an organisation's own view.

Contract (other apps rely on these names and shapes):

- ``ReleasePolicy(threshold=10, rounding_base=None, suppress_zeros=False)``:
  the deployment's rule; a threshold under ``MIN_THRESHOLD`` (5) raises
  ``ValueError``.
- ``release_result(result, policy) -> ReleasedResult`` and
  ``release_results(results, policy) -> list[ReleasedResult]``: the latter
  also applies secondary suppression across the breakdown cells of one KPI.
- ``ReleasedResult``: the protected ``KpiResult`` (suppressed figures blanked
  to ``None``), ``suppressed`` (bool), ``reasons`` (plain sentences saying what
  was withheld and why) and ``methods`` applied.
- ``protect_table(Table, policy) -> ProtectedTable``: a two-way table of
  counts with its totals.

Methods: ``evidencehub.disclosure.threshold`` v1 (primary),
``evidencehub.disclosure.secondary`` v1, ``evidencehub.disclosure.rounding``
v1. Sources: ONS disclosure control guidance (2023); UK LLC TRE rules;
Hundepool et al., *Statistical Disclosure Control* (Wiley, 2012), ch. 4 and 5.
"""

from __future__ import annotations

from evidencehub.core.disclosure.breakdowns import SECONDARY_REASON, release_results
from evidencehub.core.disclosure.policy import (
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    ROUNDING_ID,
    ROUNDING_METHOD,
    ROUNDING_VERSION,
    SECONDARY_ID,
    SECONDARY_METHOD,
    SECONDARY_VERSION,
    SUPPRESSION_ID,
    SUPPRESSION_VERSION,
    THRESHOLD_METHOD,
    ReleasePolicy,
)
from evidencehub.core.disclosure.primary import (
    FIGURE_KINDS,
    ReleasedResult,
    figure_kind,
    primary_reason,
    release_result,
    withhold,
)
from evidencehub.core.disclosure.rounding import round_count
from evidencehub.core.disclosure.secondary import Line, feasible_range, protect
from evidencehub.core.disclosure.table import (
    ProtectedCell,
    ProtectedTable,
    Table,
    protect_table,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "FIGURE_KINDS",
    "MIN_THRESHOLD",
    "ROUNDING_ID",
    "ROUNDING_METHOD",
    "ROUNDING_VERSION",
    "SECONDARY_ID",
    "SECONDARY_METHOD",
    "SECONDARY_REASON",
    "SECONDARY_VERSION",
    "SUPPRESSION_ID",
    "SUPPRESSION_VERSION",
    "THRESHOLD_METHOD",
    "Line",
    "ProtectedCell",
    "ProtectedTable",
    "ReleasePolicy",
    "ReleasedResult",
    "Table",
    "feasible_range",
    "figure_kind",
    "primary_reason",
    "protect",
    "protect_table",
    "release_result",
    "release_results",
    "round_count",
    "withhold",
]
