"""An attacker who knows every published figure of a table, that its
totals add up and that counts are never negative: for each withheld entry,
the smallest and largest value it can take (scipy's linprog, independent of
the code under test)."""

from __future__ import annotations

import math

from scipy.optimize import linprog

Grid = list[list[int | None]]


def ranges(grid: Grid) -> dict[tuple[int, int], tuple[float, float]]:
    """``grid``: published cells with row totals as the last column and
    column totals (and the grand total) as the last row; ``None`` = withheld.
    Returns ``{(row, col): (min, max)}`` for every withheld entry."""
    nr, nc = len(grid) - 1, len(grid[0]) - 1
    hidden = [
        (i, j) for i in range(nr + 1) for j in range(nc + 1) if grid[i][j] is None
    ]
    index = {pos: k for k, pos in enumerate(hidden)}
    a_eq: list[list[float]] = []
    b_eq: list[float] = []

    def add(cells: list[tuple[int, int]], total: tuple[int, int]) -> None:
        row = [0.0] * len(hidden)
        const = 0.0
        for pos, coef in [*((c, 1.0) for c in cells), (total, -1.0)]:
            v = grid[pos[0]][pos[1]]
            if v is None:
                row[index[pos]] += coef
            else:
                const += coef * v
        a_eq.append(row)
        b_eq.append(-const)

    for i in range(nr + 1):
        add([(i, j) for j in range(nc)], (i, nc))
    for j in range(nc + 1):
        add([(i, j) for i in range(nr)], (nr, j))
    out: dict[tuple[int, int], tuple[float, float]] = {}
    for pos, k in index.items():
        c = [0.0] * len(hidden)
        c[k] = 1.0
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(
            [-x for x in c], A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs"
        )
        assert lo.status == 0, "the published table must be consistent"
        out[pos] = (lo.fun, -hi.fun if hi.status == 0 else math.inf)
    return out
