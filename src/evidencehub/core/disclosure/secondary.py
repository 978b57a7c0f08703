"""Secondary (complementary) suppression, method
``evidencehub.disclosure.secondary`` v1.

A table publishes its cells and its totals, and totals are sums of cells:
with one cell withheld in a row, the row total gives it away. After primary
suppression we therefore withhold further cells until no withheld
(*primary*) cell can be narrowed down to a range narrower than the
threshold by anyone who knows every published figure, that the totals add
up and that counts are never negative.

Algorithm (after the "attacker problem" of tau-ARGUS and sdcTable's
``SIMPLEHEURISTIC``, Hundepool et al., *Statistical Disclosure Control*,
Wiley 2012, section 4.4; de Wolf 2002, "HiTaS: a heuristic approach to cell
suppression in hierarchical tables"):

1. Every line (a row or column with its total) with exactly one withheld
   entry has its smallest other non-zero entry withheld too (cells before
   totals), until no such line is left.
2. For each primary cell ``x`` solve two linear programmes over the withheld
   entries: minimise and maximise ``x`` subject to every line adding up,
   published entries fixed, all entries ``>= 0``. If ``max - min`` is under
   ``policy.threshold``, withhold the smallest published entry in a line
   through ``x`` and solve again. Withholding more never narrows a range, so
   one pass over the primary cells suffices.

The result is protected against exact and interval recovery from one
release; it does not protect against combining several releases over
overlapping people (see ``docs/methods/secondary-suppression.md``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.optimize import linprog  # type: ignore[import-untyped,unused-ignore]

from evidencehub.core.disclosure.policy import ReleasePolicy

MAX_ENTRIES = 2500


@dataclass(frozen=True)
class Line:
    """Entries ``cells`` add up to entry ``total``."""

    cells: tuple[int, ...]
    total: int


def feasible_range(
    values: Sequence[float],
    lines: Sequence[Line],
    withheld: set[int],
    target: int,
) -> tuple[float, float]:
    """The smallest and largest value entry ``target`` (withheld) can take
    given all other published entries, the lines and non-negativity.
    ``math.inf`` when nothing bounds it from above; ``(0, 0)`` when the
    entries do not add up (treated as no protection at all)."""
    order = sorted(withheld)
    pos = {e: i for i, e in enumerate(order)}
    a_eq: list[list[float]] = []
    b_eq: list[float] = []
    for line in lines:
        row = [0.0] * len(order)
        const = 0.0
        touched = False
        for entry, coef in [*((c, 1.0) for c in line.cells), (line.total, -1.0)]:
            if entry in pos:
                row[pos[entry]] += coef
                touched = True
            else:
                const += coef * float(values[entry])
        if touched:
            a_eq.append(row)
            b_eq.append(-const)
    cost = [0.0] * len(order)
    cost[pos[target]] = 1.0
    kw = {"A_eq": a_eq or None, "b_eq": b_eq or None, "bounds": (0, None)}
    low = linprog(cost, method="highs", **kw)
    high = linprog([-c for c in cost], method="highs", **kw)
    if low.status == 2 or high.status == 2:
        # the figures do not add up exactly (e.g. overlapping groups): an
        # attacker can still subtract, so count the entry as unprotected
        return 0.0, 0.0
    lo = float(low.fun) if low.status == 0 else 0.0
    hi = -float(high.fun) if high.status == 0 else math.inf
    return lo, hi


def _lines_of(lines: Sequence[Line]) -> dict[int, list[Line]]:
    found: dict[int, list[Line]] = {}
    for line in lines:
        for entry in (*line.cells, line.total):
            found.setdefault(entry, []).append(line)
    return found


def _pick(
    values: Sequence[float],
    candidates: set[int],
    totals: set[int],
) -> int | None:
    if not candidates:
        return None
    # non-zero before zero (a zero partner adds no doubt), cells before
    # totals (totals are the most useful figures), then the smallest
    return min(candidates, key=lambda e: (values[e] == 0, e in totals, values[e], e))


def _complete_lines(
    values: Sequence[float], lines: Sequence[Line], withheld: set[int]
) -> None:
    totals = {line.total for line in lines}
    changed = True
    while changed:
        changed = False
        for line in lines:
            entries = {*line.cells, line.total}
            if len(entries & withheld) == 1:
                pick = _pick(values, entries - withheld, totals)
                if pick is not None:
                    withheld.add(pick)
                    changed = True


def protect(
    values: Sequence[float],
    lines: Sequence[Line],
    primary: set[int],
    policy: ReleasePolicy,
    withheld: set[int] | None = None,
    required: float | None = None,
) -> set[int]:
    """Entries to withhold so every ``primary`` entry keeps a feasible range
    at least ``required`` (default ``policy.threshold``) wide. ``values`` are
    the true non-negative entries; ``withheld`` entries already withheld for
    other reasons.

    Raises:
        ValueError: negative values or more than ``MAX_ENTRIES`` entries.
    """
    if len(values) > MAX_ENTRIES:
        raise ValueError(f"A table may have at most {MAX_ENTRIES} entries.")
    if any(v < 0 for v in values):
        raise ValueError("Counts in a table cannot be negative.")
    out = set(primary) | set(withheld or ())
    if not primary:
        return out
    _complete_lines(values, lines, out)
    by_entry = _lines_of(lines)
    totals = {line.total for line in lines}
    width = policy.threshold if required is None else required
    for target in sorted(primary):
        while width > 0:
            lo, hi = feasible_range(values, lines, out, target)
            if hi - lo >= width:
                break
            near = {
                e
                for line in by_entry.get(target, [])
                for e in (*line.cells, line.total)
            } - out
            if not near:
                near = {
                    x
                    for e in out
                    for line in by_entry.get(e, [])
                    for x in (*line.cells, line.total)
                } - out
            pick = _pick(values, near, totals)
            if pick is None:
                break
            out.add(pick)
    return out
