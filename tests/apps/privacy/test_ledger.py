"""The privacy-loss ledger: noisy releases are charged atomically, refused
over budget with nothing recorded, and budgets are per organisation and
year."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.privacy import selectors, services
from evidencehub.apps.privacy.models import LedgerEntry, PrivacyBudget
from evidencehub.core.privacy.budget import BudgetExceeded
from tests.apps.privacy.conftest import PERIOD, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(cast: Any, settings: Any) -> Any:
    settings.SUPPRESSION_THRESHOLD = 10
    settings.EVIDENCEHUB_DP_EPSILON_PER_YEAR = 2.0
    store(cast.initiative_a, "R03", value=42.0, n=120)
    store(cast.initiative_a, "R02", value=240.0, n=240, unit="contacts")
    store(cast.initiative_a, "R04", value=50.0, n=4)  # under the threshold
    store(cast.initiative_b, "R03", value=55.0, n=80)
    return cast


def _release(cast: Any, eps: float, kpi: str = "R03", **kw: Any) -> Any:
    return services.release_noisy_kpi(
        initiative=kw.pop("initiative", cast.initiative_a),
        kpi_id=kpi,
        period=PERIOD,
        epsilon=eps,
        actor=cast.admin_a,
        **kw,
    )


def test_release_is_charged_with_entry_and_audit(figures: Any) -> None:
    entry, noisy = _release(figures, 0.5)
    assert entry.epsilon == pytest.approx(0.5)
    assert entry.released["kpi_id"] == "R03"
    assert entry.released["value"] == noisy.value
    assert entry.released["accuracy"] == pytest.approx(noisy.accuracy)
    assert entry.released["method"] == "evidencehub.privacy.laplace v1"
    assert entry.actor_label == "admin-a@example.org"
    row = PrivacyBudget.objects.get(organisation=figures.org_a)
    assert row.spent_epsilon == pytest.approx(0.5)
    assert AuditEvent.objects.filter(
        action="evidencehub.privacy_ledger.charged", organisation=figures.org_a
    ).exists()


def test_count_release_uses_discrete_noise(figures: Any) -> None:
    _entry, noisy = _release(figures, 1.0, kpi="R02")
    assert noisy.statistic == "count"
    assert noisy.value == int(noisy.value)


def test_gaussian_release_records_delta(figures: Any) -> None:
    entry, _noisy = _release(figures, 1.0, mechanism="gaussian", delta=1e-6)
    assert entry.delta == pytest.approx(1e-6)
    assert PrivacyBudget.objects.get(
        organisation=figures.org_a
    ).spent_delta == pytest.approx(1e-6)


def test_over_budget_refused_and_nothing_recorded(figures: Any) -> None:
    _release(figures, 1.5)
    entries = LedgerEntry.objects.count()
    audits = AuditEvent.objects.count()
    with pytest.raises(BudgetExceeded, match=r"only ε = 0\.5 of the"):
        _release(figures, 0.6)
    assert LedgerEntry.objects.count() == entries
    assert AuditEvent.objects.count() == audits
    row = PrivacyBudget.objects.get(organisation=figures.org_a)
    assert row.spent_epsilon == pytest.approx(1.5)
    # the exact rest still fits
    _release(figures, 0.5)
    assert selectors.ledger(
        organisation=figures.org_a, year=row.year
    ).remaining == pytest.approx(0.0)


def test_budgets_are_per_organisation(figures: Any) -> None:
    _release(figures, 2.0)
    with pytest.raises(BudgetExceeded):
        _release(figures, 0.1)
    entry, _ = services.release_noisy_kpi(
        initiative=figures.initiative_b,
        kpi_id="R03",
        period=PERIOD,
        epsilon=2.0,
        actor=figures.admin_b,
    )
    assert entry.organisation == figures.org_b


def test_budgets_are_per_year(figures: Any) -> None:
    from django.utils import timezone

    this_year = timezone.now().year
    PrivacyBudget.objects.create(
        organisation=figures.org_a, year=this_year - 1, spent_epsilon=2.0
    )
    entry, _ = _release(figures, 2.0)
    assert entry.year == this_year
    last = selectors.ledger(organisation=figures.org_a, year=this_year - 1)
    assert last.remaining == 0.0
    now = selectors.ledger(organisation=figures.org_a, year=this_year)
    assert now.spent_epsilon == pytest.approx(2.0)
    assert selectors.entries_total(
        organisation=figures.org_a, year=this_year
    ) == pytest.approx(now.spent_epsilon)


def test_suppressed_figure_is_not_released(figures: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _release(figures, 0.5, kpi="R04")
    assert "kpi_id" in exc.value.message_dict
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"eps": 0.0}, "epsilon"),
        ({"eps": -1.0}, "epsilon"),
        ({"eps": 50.0}, "epsilon"),
        ({"eps": 1.0, "mechanism": "gaussian", "delta": 0.1}, "delta"),
        ({"eps": 1.0, "mechanism": "other"}, "mechanism"),
        ({"eps": 1.0, "contributions": 0}, "contributions"),
        ({"eps": 1.0, "kpi": "ZZ9"}, "kpi_id"),
    ],
)
def test_bad_input_names_field_and_charges_nothing(
    figures: Any, kw: dict[str, Any], field: str
) -> None:
    eps = kw.pop("eps")
    with pytest.raises(ValidationError) as exc:
        _release(figures, eps, **kw)
    assert field in exc.value.message_dict
    assert not LedgerEntry.objects.exists()
    assert not PrivacyBudget.objects.filter(spent_epsilon__gt=0).exists()


def test_breakdown_release_uses_public_keys_and_keeps_suppression(
    figures: Any, api_for: Any
) -> None:
    from evidencehub.core.privacy.mechanisms import PUBLIC_KEYS

    for group, count in (("phone", 150), ("chat", 86), ("web_form", 4)):
        store(
            figures.initiative_a,
            "R02",
            value=count,
            n=count,
            unit="contacts",
            breakdown="channel",
            group=group,
        )
    r = api_for(figures.analyst_a).post(
        "/api/v1/initiatives/helpline-a/noisy-releases/",
        {"kpi_id": "R02", "period": "2026", "epsilon": 0.5, "breakdown": "channel"},
        format="json",
    )
    assert r.status_code == 201, r.content
    cells = r.json()["cells"]
    assert tuple(cells) == PUBLIC_KEYS["channel"]
    assert cells["web_form"] == {"withheld": True}
    assert "value" in cells["phone"]
    assert "value" in cells["email"]  # a zero cell, with noise
    assert LedgerEntry.objects.count() == 1
    assert LedgerEntry.objects.get().epsilon == pytest.approx(0.5)
    bad = api_for(figures.analyst_a).post(
        "/api/v1/initiatives/helpline-a/noisy-releases/",
        {"kpi_id": "R02", "period": "2026", "epsilon": 0.5, "breakdown": "postcode"},
        format="json",
    )
    assert bad.status_code == 400
    assert "breakdown" in bad.json()
    none = api_for(figures.analyst_a).post(
        "/api/v1/initiatives/helpline-a/noisy-releases/",
        {"kpi_id": "R03", "period": "2026", "epsilon": 0.5, "breakdown": "channel"},
        format="json",
    )
    assert none.status_code == 400
    assert "breakdown" in none.json()
