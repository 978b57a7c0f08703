"""Release of a list of KPI results: primary suppression of each, then
secondary suppression across the breakdown cells of one KPI and period and
its total (results with the same ``kpi_id`` and period; ``breakdown=""`` is
the total, each other ``breakdown`` a line of cells adding up to it).

The quantities that add up are protected each on their own: the count of a
count KPI; numerator and denominator of proportions, ratios and means (the
numerator of a mean is its sum). A cell withheld to protect one quantity is
withheld as a whole. When no total was computed the lines of different
breakdowns still add up to the same (unpublished) total, and are protected
together."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from evidencehub.core.disclosure.policy import (
    SECONDARY_METHOD,
    THRESHOLD_METHOD,
    ReleasePolicy,
)
from evidencehub.core.disclosure.primary import (
    ReleasedResult,
    figure_kind,
    release_result,
    withhold,
)
from evidencehub.core.disclosure.secondary import Line, protect
from evidencehub.core.kpis.results import KpiResult

SECONDARY_REASON = (
    "Withheld so that a smaller withheld figure in this breakdown cannot be "
    "worked out from the total and the other groups."
)
Getter = Callable[[KpiResult], float | None]


def _quantities(results: list[KpiResult], threshold: int) -> list[tuple[Getter, float]]:
    """What adds up across the cells, and how wide a withheld cell's range
    must stay. A numerator's range cannot be wider than the total numerator
    (when none of the people had the outcome, the total already says so of
    every group, and hiding the total would protect nothing)."""
    kinds = {figure_kind(r) for r in results if r.has_value}
    if kinds <= {"count"}:
        return [(lambda r: r.value, threshold)]
    total = results[0].numerator
    cap = threshold if total is None else min(threshold, max(total, 0.0))
    return [(lambda r: r.numerator, cap), (lambda r: r.denominator, threshold)]


def _protect_group(
    rows: list[KpiResult],
    primary: set[int],
    policy: ReleasePolicy,
    *,
    hidden_total: bool = False,
) -> set[int]:
    """Positions in ``rows`` to withhold; ``rows[0]`` is the total (with
    ``hidden_total``, a stand-in that is never published)."""
    by_dim: dict[str, list[int]] = {}
    for i, r in enumerate(rows[1:], start=1):
        by_dim.setdefault(r.breakdown, []).append(i)
    if hidden_total and len(by_dim) < 2:
        return set(primary)  # one line without its total: nothing adds up
    lines = [Line(tuple(cells), 0) for cells in by_dim.values()]
    start = set(primary) | ({0} if hidden_total else set())
    withheld = set(start)
    for _round in range(4):  # each quantity may widen the other's set
        before = set(withheld)
        for get, width in _quantities(rows, policy.threshold):
            raw = [get(r) for r in rows]
            if any(v is None or v < 0 for v in raw):
                # a sum of changes may be negative: no bound below, so only
                # the denominators' protection applies
                continue
            values = [float(v) for v in raw if v is not None]
            withheld = protect(values, lines, primary, policy, withheld, width)
        if withheld == before:
            break
    return withheld - ({0} if hidden_total else set())


def release_results(
    results: Iterable[KpiResult], policy: ReleasePolicy
) -> list[ReleasedResult]:
    """Primary suppression of every result, then secondary suppression of
    breakdown cells with their totals. The output is in the input's order.

    Raises:
        ValueError: from ``protect`` for impossible tables (negative counts).
    """
    items = list(results)
    released = [release_result(r, policy) for r in items]
    groups: dict[tuple[str, str, str], list[int]] = {}
    totals: dict[tuple[str, str, str], int] = {}
    for i, r in enumerate(items):
        key = (r.kpi_id, r.period.label, r.period.start.isoformat())
        if r.breakdown == "" and r.group == "":
            totals[key] = i
        elif r.has_value:
            groups.setdefault(key, []).append(i)
    for key, cells in groups.items():
        t = totals.get(key)
        if t is not None and items[t].has_value:
            members = [t, *cells]
            total = items[t]
            stand_in = False
        else:
            members = [-1, *cells]
            total = _stand_in(items, cells)
            stand_in = True
        rows = [total, *(items[i] for i in cells)]
        primary = {
            pos for pos, i in enumerate(members) if i >= 0 and released[i].suppressed
        }
        withheld = _protect_group(rows, primary, policy, hidden_total=stand_in)
        for pos, i in enumerate(members):
            if i < 0:
                continue
            if pos in withheld and pos not in primary:
                released[i] = ReleasedResult(
                    withhold(items[i]),
                    True,
                    (SECONDARY_REASON,),
                    (THRESHOLD_METHOD, SECONDARY_METHOD),
                    kind=released[i].kind,
                )
            else:
                released[i] = replace(
                    released[i], methods=(*released[i].methods, SECONDARY_METHOD)
                )
    return released


def _stand_in(items: list[KpiResult], cells: list[int]) -> KpiResult:
    first = items[cells[0]].breakdown
    same = [items[i] for i in cells if items[i].breakdown == first]

    def total(get: Getter) -> float | None:
        vals = [get(r) for r in same]
        return None if any(v is None for v in vals) else sum(v or 0.0 for v in vals)

    return replace(
        same[0],
        breakdown="",
        group="",
        value=total(lambda r: r.value),
        numerator=total(lambda r: r.numerator),
        denominator=total(lambda r: r.denominator),
    )
