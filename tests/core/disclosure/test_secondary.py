"""Secondary suppression: no withheld cell can be recovered, or narrowed to
less than the threshold, from the published cells and totals."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidencehub.core.disclosure import (
    SECONDARY_ID,
    ProtectedTable,
    ReleasePolicy,
    Table,
    protect_table,
    release_results,
)
from evidencehub.core.kpis.results import (
    KpiResult,
    Method,
    Period,
    count_result,
    proportion_result,
)
from tests.core.disclosure.attacker import ranges

POLICY = ReleasePolicy()
P = Period(date(2026, 1, 1), date(2026, 12, 31), "year", "2026")


def table(cells: list[list[int]]) -> Table:
    return Table(
        tuple(f"r{i}" for i in range(len(cells))),
        tuple(f"c{j}" for j in range(len(cells[0]))),
        tuple(tuple(r) for r in cells),
    )


def true_grid(t: Table) -> list[list[int]]:
    out = [[*r, s] for r, s in zip(t.cells, t.row_totals, strict=True)]
    return [*out, [*t.column_totals, t.grand_total]]


def assert_protected(t: Table, p: ProtectedTable, policy: ReleasePolicy) -> None:
    grid, truth = p.grid(), true_grid(t)
    found = ranges(grid)
    for (i, j), (lo, hi) in found.items():
        # the true value is always feasible: the attacker's model is right
        assert lo - 1e-6 <= truth[i][j] <= hi + 1e-6
    for i, row in enumerate(truth):
        for j, v in enumerate(row):
            if policy.is_small(v):
                assert grid[i][j] is None, f"small entry {(i, j)} = {v} published"
                lo, hi = found[(i, j)]
                assert hi - lo >= policy.threshold - 1e-6, (
                    f"entry {(i, j)} = {v} narrowed to [{lo}, {hi}]"
                )
            elif grid[i][j] is not None:
                assert grid[i][j] == v


def test_one_small_cell_gets_partners_in_its_row_and_column() -> None:
    t = table([[3, 40, 25], [20, 30, 12], [15, 22, 50]])
    p = protect_table(t, POLICY)
    assert p.cells[0][0].primary
    assert p.cells[0][0].reason.startswith("Withheld: under 10")
    # without secondary suppression the row total would give 3 away at once
    row = [c.value for c in p.cells[0]]
    assert row.count(None) >= 2
    assert Method(SECONDARY_ID, "1") in p.methods
    secondary = [c for r in p.cells for c in r if c.secondary]
    assert secondary and all("worked out" in c.reason for c in secondary)
    assert_protected(t, p, POLICY)


def test_worked_example_from_the_method_page() -> None:
    # docs/methods/secondary-suppression.md, "Worked example"
    t = table([[4, 25, 31], [18, 22, 40], [27, 3, 35]])
    p = protect_table(t, POLICY)
    assert p.grid() == [
        [None, None, 31, 60],
        [18, 22, 40, 80],
        [None, None, 35, 65],
        [49, 50, 106, 205],
    ]
    found = ranges(p.grid())
    assert found[(0, 0)] == pytest.approx((1.0, 29.0))
    assert found[(2, 1)] == pytest.approx((0.0, 28.0))
    assert_protected(t, p, POLICY)


def test_a_small_total_is_withheld_with_its_cells() -> None:
    t = table([[2, 3], [40, 50]])
    p = protect_table(t, POLICY)
    assert p.row_totals[0].value is None and p.row_totals[0].primary
    assert_protected(t, p, POLICY)


def test_a_table_with_nothing_small_is_published_whole() -> None:
    t = table([[12, 40], [20, 30]])
    p = protect_table(t, POLICY)
    assert p.suppressed_count == 0
    assert p.grid() == true_grid(t)


def test_rounding_applies_to_published_cells_only() -> None:
    t = table([[3, 41], [22, 30]])
    p = protect_table(t, ReleasePolicy(rounding_base=5))
    published = [v for row in p.grid() for v in row if v is not None]
    assert published and all(v % 5 == 0 for v in published)


@pytest.mark.parametrize(
    ("rows", "cols", "cells", "field"),
    [
        ((), ("a",), (), "at least one row"),
        (("a",), ("b",), ((-1,),), "zero or more"),
        (("a",), ("b", "c"), ((1,),), "one count per column"),
        (("a",), ("b",), ((1.5,),), "whole numbers"),
    ],
)
def test_bad_tables_are_refused_naming_the_problem(
    rows: tuple[str, ...],
    cols: tuple[str, ...],
    cells: tuple[tuple[int, ...], ...],
    field: str,
) -> None:
    with pytest.raises(ValueError, match=field):
        Table(rows, cols, cells)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 5).flatmap(
        lambda nr: st.integers(2, 5).flatmap(
            lambda nc: st.lists(
                st.lists(
                    st.one_of(st.integers(0, 12), st.integers(10, 200)),
                    min_size=nc,
                    max_size=nc,
                ),
                min_size=nr,
                max_size=nr,
            )
        )
    ),
    st.sampled_from([5, 7, 10]),
)
def test_random_tables_never_give_a_small_cell_away(
    cells: list[list[int]], threshold: int
) -> None:
    policy = ReleasePolicy(threshold=threshold)
    t = table(cells)
    assert_protected(t, protect_table(t, policy), policy)


# -- KPI breakdowns --------------------------------------------------------


def cell(group: str, c: int, breakdown: str = "channel") -> KpiResult:
    return count_result(
        kpi_id="R01",
        kpi_version="1",
        period=P,
        count=c,
        unit="contacts",
        source="x",
        breakdown=breakdown,
        group=group,
    )


def test_one_small_breakdown_cell_takes_the_next_smallest_with_it() -> None:
    total = cell("", 60, breakdown="")
    out = release_results(
        [total, cell("phone", 40), cell("chat", 3), cell("email", 17)], POLICY
    )
    shown = {r.result.group: r.result.value for r in out}
    assert shown == {"": 60, "phone": 40, "chat": None, "email": None}
    assert "cannot be worked out" in out[3].reasons[0]
    assert all(Method(SECONDARY_ID, "1") in r.methods for r in out)
    # the attacker learns chat + email = 20: chat anywhere in [0, 20]


def test_two_breakdowns_of_one_total_are_protected_together() -> None:
    total = cell("", 60, breakdown="")
    cells = [
        cell("phone", 40),
        cell("chat", 3),
        cell("email", 17),
        cell("de", 30, "locale"),
        cell("en", 30, "locale"),
    ]
    out = release_results([total, *cells], POLICY)
    withheld = {r.result.group for r in out if r.suppressed}
    assert {"chat", "email"} <= withheld


def test_without_a_total_two_breakdowns_still_add_up_to_the_same_number() -> None:
    cells = [
        cell("phone", 40),
        cell("chat", 3),
        cell("email", 17),
        cell("de", 30, "locale"),
        cell("en", 30, "locale"),
    ]
    out = release_results(cells, POLICY)
    # phone + email + chat = de + en = 60: chat must take a partner
    withheld = [r.result.group for r in out if r.suppressed]
    assert "chat" in withheld and len(withheld) >= 2


def prop(group: str, num: int, den: int) -> KpiResult:
    return proportion_result(
        kpi_id="E02",
        kpi_version="1",
        period=P,
        numerator=num,
        denominator=den,
        source="x",
        breakdown="channel" if group else "",
        group=group,
    )


def test_proportion_cells_protect_numerators_and_denominators() -> None:
    rows = [
        prop("", 45, 160),
        prop("phone", 30, 100),
        prop("chat", 2, 6),
        prop("email", 13, 54),
    ]
    out = release_results(rows, POLICY)
    assert [r.suppressed for r in out] == [False, False, True, True]
    assert out[2].reasons[0].startswith("Withheld: this proportion rests on fewer")
    assert out[3].result.denominator is None


def test_breakdowns_of_different_kpis_and_periods_are_kept_apart() -> None:
    q1 = Period(date(2026, 1, 1), date(2026, 3, 31), "quarter", "2026-Q1")
    other = count_result(
        kpi_id="R01",
        kpi_version="1",
        period=q1,
        count=50,
        unit="c",
        source="x",
        breakdown="channel",
        group="phone",
    )
    out = release_results(
        [cell("", 60, ""), cell("phone", 57), cell("chat", 3), other], POLICY
    )
    assert out[3].suppressed is False and out[3].result.value == 50


def line_ranges(
    published: list[float | None], total: float | None
) -> dict[int, tuple[float, float]]:
    """Attacker's range of each withheld cell of one line adding up to
    ``total`` (``None`` = withheld), from the published figures alone."""
    from scipy.optimize import linprog

    entries = [*published, total]
    hidden = [i for i, v in enumerate(entries) if v is None]
    row = [1.0 if i < len(published) else -1.0 for i in hidden]
    const = sum(v for v in published if v is not None) - (total or 0.0)
    out: dict[int, tuple[float, float]] = {}
    for k, i in enumerate(hidden):
        c = [0.0] * len(hidden)
        c[k] = 1.0
        kw = {"A_eq": [row], "b_eq": [-const], "bounds": (0, None), "method": "highs"}
        lo = linprog(c, **kw)
        hi = linprog([-x for x in c], **kw)
        out[i] = (lo.fun, -hi.fun if hi.status == 0 else float("inf"))
    return out


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(0, 12), st.integers(10, 300)), min_size=2, max_size=8
    ),
    st.sampled_from([5, 10]),
)
def test_random_count_breakdowns_never_give_a_small_cell_away(
    counts: list[int], threshold: int
) -> None:
    policy = ReleasePolicy(threshold=threshold)
    rows = [
        cell("", sum(counts), ""),
        *(cell(f"g{i}", c) for i, c in enumerate(counts)),
    ]
    out = release_results(rows, policy)
    published = [r.result.value for r in out[1:]]
    if out[0].suppressed:
        return  # the total itself is small: nothing adds up to anything published
    found = line_ranges(published, out[0].result.value)
    for i, c in enumerate(counts):
        if policy.is_small(c):
            lo, hi = found[i]
            assert hi - lo >= threshold - 1e-6, (counts, published)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 120)).map(
            lambda t: (min(t), max(t))
        ),
        min_size=2,
        max_size=6,
    )
)
def test_random_proportion_breakdowns_hide_small_bases_and_numerators(
    parts: list[tuple[int, int]],
) -> None:
    total_num, total_den = sum(a for a, _ in parts), sum(b for _, b in parts)
    rows = [prop("", total_num, total_den)]
    rows += [prop(f"g{i}", a, b) for i, (a, b) in enumerate(parts)]
    out = release_results(rows, POLICY)
    if out[0].suppressed:
        return
    dens = line_ranges([r.result.denominator for r in out[1:]], total_den)
    nums = line_ranges([r.result.numerator for r in out[1:]], total_num)
    for i, (a, b) in enumerate(parts):
        if b < 10 or 0 < a < 10:
            assert out[i + 1].suppressed
            assert dens[i][1] - dens[i][0] >= 10 - 1e-6
            assert nums[i][1] - nums[i][0] >= min(10, total_num) - 1e-6


def test_figures_that_do_not_add_up_are_still_protected() -> None:
    # groups overlap (one contact in two groups): 30 + 3 + 18 = 51, total 50;
    # 50 - 30 - 18 = 2 would come close to the withheld 3
    out = release_results(
        [cell("", 50, ""), cell("phone", 30), cell("chat", 3), cell("email", 18)],
        POLICY,
    )
    published = [r.result.value for r in out]
    assert published[2] is None
    assert published.count(None) >= 2
    assert not (
        published[0] is not None
        and published[1] is not None
        and published[3] is not None
    )


def test_a_count_stored_without_a_numerator_is_still_protected_by_the_total() -> None:
    # 500 - 496 would give the withheld 4 away if the cells were not read as
    # counts (a hand-entered or imported result may carry no numerator).
    def bare(group: str, value: int) -> KpiResult:
        return KpiResult(
            "R02", "1", P, "ok", value=value, n=value, breakdown="channel", group=group
        )

    total = KpiResult("R02", "1", P, "ok", value=500, n=500)
    out = release_results([total, bare("phone", 496), bare("chat", 4)], POLICY)
    shown = {r.result.group: r.result.value for r in out if not r.suppressed}
    assert "chat" not in shown
    assert not ("" in shown and "phone" in shown)
