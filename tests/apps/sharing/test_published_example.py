"""The published-figures example: loads idempotently through the aggregate
figures path with citations, and its KPIs compute from the real figures."""

from __future__ import annotations

from typing import Any

import pytest

from evidencehub.apps.collect.models import AggregateFigure
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.kpis.selectors import scorecard, stored
from evidencehub.apps.sharing import published_example as example
from evidencehub.core.kpis.results import parse_period


@pytest.fixture
def demo_admin(db: Any) -> Any:
    from evidencehub.apps.accounts.models import User

    return User.objects.create_user(example.DEMO_ADMIN, "a-long-test-password-42")


@pytest.mark.django_db
def test_loads_idempotently_with_citations(demo_admin: Any) -> None:
    first = example.load()
    assert first == {"published_figures": 2}
    assert example.load() == {"published_figures": 0}
    initiative = Initiative.objects.get(slug=example.INITIATIVE_SLUG)
    assert initiative.organisation.slug == example.ORGANISATION_SLUG
    assert "Published figures example" in initiative.name
    figures = AggregateFigure.objects.filter(initiative=initiative)
    assert figures.count() == 2
    assert {f.element: f.value for f in figures} == {
        "calls_answered": 500,
        "calls_missed": 2200,
    }
    for f in figures:
        assert f.source_system == "published"
        assert "NatCen" in f.note and "https://www.stopitnow.org.uk/" in f.note
        assert f.entered_by == demo_admin
    assert initiative.organisation.memberships.filter(user=demo_admin).exists()


@pytest.mark.django_db
def test_kpis_compute_from_the_published_figures(demo_admin: Any) -> None:
    example.load()
    initiative = Initiative.objects.get(slug=example.INITIATIVE_SLUG)
    period = parse_period(example.PERIOD)
    results = {r.kpi_id: r for r in stored(initiative=initiative, period=period)}
    # R02: calls answered in the month, as published
    assert results["R02"].value == 500 and results["R02"].source == "aggregate_figures"
    # R03: answer rate 500 / (500 + 2200) = 18.52 %, Wilson 95% interval
    r03 = results["R03"]
    assert r03.value == pytest.approx(18.5185, abs=1e-3)
    assert r03.n == 2700
    assert r03.lower == pytest.approx(17.10, abs=0.01)
    assert r03.upper == pytest.approx(20.03, abs=0.01)
    card = scorecard(initiative=initiative, period=period)
    assert {ln.target.kpi_id for ln in card.lines} == {"R02", "R03"}
    assert all(ln.result is not None for ln in card.lines)
    # a reset re-creates the same example, not a second one
    example.load(reset=True)
    assert Initiative.objects.filter(slug=example.INITIATIVE_SLUG).count() == 1
    assert (
        AggregateFigure.objects.filter(initiative__slug=example.INITIATIVE_SLUG).count()
        == 2
    )


def test_no_admin_no_example(db: Any) -> None:
    assert example.load() == {"published_figures": 0}
    assert not Initiative.objects.filter(slug=example.INITIATIVE_SLUG).exists()
