"""Primary suppression of every kind of figure, rounding, and the policy."""

from __future__ import annotations

from datetime import date

import pytest

from evidencehub.core.disclosure import (
    ROUNDING_ID,
    SUPPRESSION_ID,
    ReleasePolicy,
    figure_kind,
    release_result,
    round_count,
)
from evidencehub.core.kpis.results import (
    STATUS_NO_DATA,
    STATUS_OK,
    KpiResult,
    Method,
    Period,
    count_result,
    proportion_result,
    rate_result,
)

P = Period(date(2026, 1, 1), date(2026, 12, 31), "year", "2026")
POLICY = ReleasePolicy()


def count(c: int) -> KpiResult:
    return count_result(
        kpi_id="R01", kpi_version="1", period=P, count=c, unit="contacts", source="x"
    )


def proportion(num: int, den: int) -> KpiResult:
    return proportion_result(
        kpi_id="E02",
        kpi_version="1",
        period=P,
        numerator=num,
        denominator=den,
        source="x",
    )


def mean(n: int, kind: str = "") -> KpiResult:
    return KpiResult(
        "W01",
        "1",
        P,
        STATUS_OK,
        value=2.5,
        numerator=2.5 * n,
        denominator=n,
        lower=1.0,
        upper=4.0,
        n=n,
        unit="points",
        details={"figure": kind} if kind else {"classes": {"recovered": 2}},
    )


def statistic(n: int, kind: str) -> KpiResult:
    return KpiResult(
        "C01",
        "1",
        P,
        STATUS_OK,
        value=1234.0,
        n=n,
        unit="EUR",
        details={"figure": kind},
    )


def test_threshold_under_five_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="may not be below 5"):
        ReleasePolicy(threshold=4)
    assert ReleasePolicy(threshold=5).threshold == 5


@pytest.mark.parametrize("base", [0, 1, 101])
def test_rounding_base_out_of_range_is_refused(base: int) -> None:
    with pytest.raises(ValueError, match="rounding base"):
        ReleasePolicy(rounding_base=base)


@pytest.mark.parametrize(
    ("c", "withheld"), [(0, False), (1, True), (9, True), (10, False)]
)
def test_counts_under_the_threshold_are_withheld_and_zero_is_shown(
    c: int, withheld: bool
) -> None:
    out = release_result(count(c), POLICY)
    assert out.kind == "count"
    assert out.suppressed is withheld
    assert out.methods[0] == Method(SUPPRESSION_ID, "1")
    if withheld:
        r = out.result
        assert (r.value, r.numerator, r.n) == (None, None, 0)
        assert "under 10" in out.reasons[0]
    else:
        assert out.result.value == c


def test_zeros_can_be_withheld_too() -> None:
    out = release_result(count(0), ReleasePolicy(suppress_zeros=True))
    assert out.suppressed


def test_a_proportion_on_a_small_base_is_withheld_with_its_interval() -> None:
    out = release_result(proportion(5, 9), POLICY)
    assert out.kind == "proportion"
    assert out.suppressed
    r = out.result
    assert (r.value, r.lower, r.upper, r.numerator, r.denominator) == (None,) * 5
    assert "rests on fewer than 10" in out.reasons[0]


def test_a_proportion_that_reveals_a_small_count_is_withheld() -> None:
    # 3 of 200 = 1.5%: value x base gives back the 3 people
    out = release_result(proportion(3, 200), POLICY)
    assert out.suppressed
    assert "could be worked out" in out.reasons[0]


def test_a_proportion_on_enough_people_is_published() -> None:
    out = release_result(proportion(0, 40), POLICY)
    assert not out.suppressed
    assert out.result.value == 0
    out = release_result(proportion(12, 40), POLICY)
    assert out.result.value == pytest.approx(30)
    assert out.result.lower is not None


@pytest.mark.parametrize(
    ("num", "den", "withheld"),
    [(4, 500, True), (40, 8, True), (40, 500, False), (0, 500, False)],
)
def test_a_ratio_is_withheld_when_numerator_or_denominator_is(
    num: int, den: int, withheld: bool
) -> None:
    r = rate_result(
        kpi_id="H01",
        kpi_version="1",
        period=P,
        numerator=num,
        denominator=den,
        factor=1000,
        unit="per 1,000 contacts",
        source="x",
    )
    out = release_result(r, POLICY)
    assert out.kind == "ratio"
    assert out.suppressed is withheld


@pytest.mark.parametrize("kind", ["", "mean", "median"])
def test_means_and_medians_are_withheld_below_the_base(kind: str) -> None:
    small, enough = (
        release_result(mean(9, kind), POLICY),
        release_result(mean(10, kind), POLICY),
    )
    assert small.kind == (kind or "mean")
    assert small.suppressed and small.result.lower is None
    assert not enough.suppressed and enough.result.value == 2.5


@pytest.mark.parametrize("kind", ["sum", "statistic"])
def test_sums_and_other_statistics_go_by_their_n(kind: str) -> None:
    assert release_result(statistic(3, kind), POLICY).suppressed
    assert not release_result(statistic(30, kind), POLICY).suppressed


def test_details_never_leave_with_a_figure() -> None:
    out = release_result(mean(50), POLICY)
    assert out.result.details == {}


def test_no_data_results_do_not_leak_a_small_n() -> None:
    r = KpiResult("W08", "1", P, STATUS_NO_DATA, n=1, notes="Fewer than 2 pairs")
    out = release_result(r, POLICY)
    assert not out.suppressed
    assert out.result.n == 0


def test_figure_kind_reads_the_shape() -> None:
    assert figure_kind(count(4)) == "count"
    assert figure_kind(proportion(1, 2)) == "proportion"
    assert figure_kind(mean(20)) == "mean"
    assert figure_kind(statistic(20, "median")) == "median"


@pytest.mark.parametrize(
    ("x", "base", "out"),
    [(0, 5, 0), (12, 5, 10), (12.5, 5, 15), (13, 5, 15), (17, 10, 20), (2, 5, 0)],
)
def test_round_count(x: float, base: int, out: int) -> None:
    assert round_count(x, base) == out


def test_published_counts_are_rounded_and_say_so() -> None:
    out = release_result(count(23), ReleasePolicy(rounding_base=5))
    assert out.result.value == 25
    assert out.rounded
    assert Method(ROUNDING_ID, "1") in out.methods
    assert out.reasons == ("Rounded to the nearest 5.",)
    # proportions keep their exact value: rounding their parts would distort it
    assert release_result(
        proportion(12, 40), ReleasePolicy(rounding_base=5)
    ).result.value == pytest.approx(30)


def test_worked_example_of_the_method_page() -> None:
    # docs/methods/small-cell-suppression.md, "Worked example" (threshold 10)
    def shown(r: KpiResult) -> str:
        out = release_result(r, POLICY)
        return out.reasons[0] if out.suppressed else f"{out.result.value:.1f}"

    rate = rate_result(
        kpi_id="H01",
        kpi_version="1",
        period=P,
        numerator=4,
        denominator=500,
        factor=1000,
        unit="per 1,000 contacts",
        source="x",
    )
    assert shown(count(9)) == (
        "Withheld: this count is under 10, so it could point to individual people."
    )
    assert shown(count(10)) == "10.0"
    assert shown(count(0)) == "0.0"
    assert shown(proportion(5, 9)) == (
        "Withheld: this proportion rests on fewer than 10 people or contacts."
    )
    assert shown(proportion(3, 200)) == (
        "Withheld: fewer than 10 people or contacts are counted in this "
        "proportion, and that number could be worked out from it."
    )
    p = release_result(proportion(12, 40), POLICY).result
    assert (round(p.lower or 0, 1), round(p.upper or 0, 1)) == (18.1, 45.4)
    assert shown(rate).startswith("Withheld: fewer than 10")
    assert shown(mean(9)) == (
        "Withheld: this mean summarises fewer than 10 people or contacts."
    )
    assert shown(mean(10)) == "2.5"
