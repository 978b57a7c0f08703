"""Protecting a two-way table of counts with row and column totals and a
grand total: primary suppression (method ``evidencehub.disclosure.threshold``
v1) of every cell and total under the threshold, secondary suppression
(``evidencehub.disclosure.secondary`` v1) so none can be worked out, and
optional rounding (``evidencehub.disclosure.rounding`` v1) of what is
published."""

from __future__ import annotations

from dataclasses import dataclass

from evidencehub.core.disclosure.policy import (
    ROUNDING_METHOD,
    SECONDARY_METHOD,
    THRESHOLD_METHOD,
    ReleasePolicy,
)
from evidencehub.core.disclosure.rounding import round_count
from evidencehub.core.disclosure.secondary import Line, protect
from evidencehub.core.kpis.results import Method

MAX_SIDE = 50


@dataclass(frozen=True)
class Table:
    """Counts ``cells[row][column]``; totals are computed, never given, so
    they always agree with the cells.

    Raises:
        ValueError: no rows or columns, labels not matching the cells, ragged
            rows, a count that is negative or not a whole number, or more
            than 50 rows or columns.
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if not self.rows or not self.columns:
            raise ValueError("A table needs at least one row and one column.")
        if len(self.rows) > MAX_SIDE or len(self.columns) > MAX_SIDE:
            raise ValueError(f"A table may have at most {MAX_SIDE} rows and columns.")
        if len(self.cells) != len(self.rows):
            raise ValueError("cells: one list of counts per row is needed.")
        for label, row in zip(self.rows, self.cells, strict=True):
            if len(row) != len(self.columns):
                raise ValueError(f"cells: row {label!r} needs one count per column.")
            for v in row:
                if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                    raise ValueError(
                        f"cells: row {label!r} holds {v!r}; counts are whole "
                        "numbers, zero or more."
                    )

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(r) for r in self.cells)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(c) for c in zip(*self.cells, strict=True))

    @property
    def grand_total(self) -> int:
        return sum(self.row_totals)

    def entries(self) -> list[int]:
        """Cells row by row, then row totals, column totals, grand total."""
        flat = [v for r in self.cells for v in r]
        return [*flat, *self.row_totals, *self.column_totals, self.grand_total]

    def lines(self) -> list[Line]:
        """Every additive relation: rows, columns and both margins."""
        nr, nc = len(self.rows), len(self.columns)
        rt, ct, gt = nr * nc, nr * nc + nr, nr * nc + nr + nc
        out = [Line(tuple(i * nc + j for j in range(nc)), rt + i) for i in range(nr)]
        out += [Line(tuple(i * nc + j for i in range(nr)), ct + j) for j in range(nc)]
        out.append(Line(tuple(ct + j for j in range(nc)), gt))
        out.append(Line(tuple(rt + i for i in range(nr)), gt))
        return out


@dataclass(frozen=True)
class ProtectedCell:
    """``value``: the published count (``None`` when withheld);
    ``primary``: withheld because it is small; ``secondary``: withheld so a
    small one cannot be worked out; ``reason``: plain words, empty when
    published as is."""

    value: int | None
    primary: bool = False
    secondary: bool = False
    reason: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class ProtectedTable:
    """The table as it may be published: ``cells[row][column]``,
    ``row_totals``, ``column_totals``, ``grand_total`` and ``methods``."""

    table: Table
    cells: tuple[tuple[ProtectedCell, ...], ...]
    row_totals: tuple[ProtectedCell, ...]
    column_totals: tuple[ProtectedCell, ...]
    grand_total: ProtectedCell
    methods: tuple[Method, ...]

    def grid(self) -> list[list[int | None]]:
        """Published values with the row totals as the last column and the
        column totals (and grand total) as the last row."""
        out = [
            [c.value for c in row] + [t.value]
            for row, t in zip(self.cells, self.row_totals, strict=True)
        ]
        out.append([c.value for c in self.column_totals] + [self.grand_total.value])
        return out

    @property
    def suppressed_count(self) -> int:
        entries = [c for r in self.cells for c in r]
        entries += [*self.row_totals, *self.column_totals, self.grand_total]
        return sum(1 for c in entries if c.suppressed)


def primary_reason(threshold: int) -> str:
    return f"Withheld: under {threshold}, so it could point to individual people."


def secondary_reason() -> str:
    return (
        "Withheld so that a smaller withheld figure cannot be worked out from "
        "the totals."
    )


def protect_table(table: Table, policy: ReleasePolicy) -> ProtectedTable:
    """Primary and secondary suppression of ``table`` (and rounding of what
    is published when ``policy.rounding_base`` is set)."""
    values = table.entries()
    primary = {i for i, v in enumerate(values) if policy.is_small(v)}
    withheld = protect(values, table.lines(), primary, policy)
    base = policy.rounding_base

    def cell(i: int) -> ProtectedCell:
        if i in primary:
            return ProtectedCell(
                None, primary=True, reason=primary_reason(policy.threshold)
            )
        if i in withheld:
            return ProtectedCell(None, secondary=True, reason=secondary_reason())
        if base:
            return ProtectedCell(
                round_count(values[i], base), reason=f"Rounded to the nearest {base}."
            )
        return ProtectedCell(values[i])

    nr, nc = len(table.rows), len(table.columns)
    # secondary suppression ran even where it withheld nothing more
    methods = [THRESHOLD_METHOD, SECONDARY_METHOD]
    if base:
        methods.append(ROUNDING_METHOD)
    return ProtectedTable(
        table=table,
        cells=tuple(tuple(cell(i * nc + j) for j in range(nc)) for i in range(nr)),
        row_totals=tuple(cell(nr * nc + i) for i in range(nr)),
        column_totals=tuple(cell(nr * nc + nr + j) for j in range(nc)),
        grand_total=cell(nr * nc + nr + nc),
        methods=tuple(methods),
    )
