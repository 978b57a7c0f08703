"""Two releases at the same moment cannot both fit into the last part of the
budget: one is charged, the other refused (or, on SQLite, told the database
is busy); the ledger never exceeds the budget."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from evidencehub.apps.privacy import services
from evidencehub.apps.privacy.models import LedgerEntry, PrivacyBudget
from evidencehub.core.privacy.budget import BudgetExceeded


@pytest.mark.django_db(transaction=True)
def test_concurrent_charges_never_overspend(cast: Any, settings: Any) -> None:
    settings.EVIDENCEHUB_DP_EPSILON_PER_YEAR = 1.0
    PrivacyBudget.objects.create(organisation=cast.org_a, year=2030)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                services.charge(
                    organisation=cast.org_a,
                    year=2030,
                    epsilon=0.6,
                    delta=0.0,
                    mechanism="evidencehub.privacy.laplace v1",
                    purpose="release",
                    released={"kpi_id": "R03"},
                    actor=None,
                )
            outcomes.append("charged")
        except BudgetExceeded:
            outcomes.append("refused")
        except OperationalError:
            outcomes.append("busy")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(outcomes) == 4
    assert outcomes.count("charged") == 1, outcomes
    row = PrivacyBudget.objects.get(organisation=cast.org_a, year=2030)
    assert row.spent_epsilon == pytest.approx(0.6)
    assert LedgerEntry.objects.filter(organisation=cast.org_a, year=2030).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_benchmark_builds_charge_once(peers: Any) -> None:
    from evidencehub.apps.privacy.models import Benchmark
    from tests.apps.privacy.conftest import PERIOD

    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            _bench, created = services.build_benchmark(
                intervention_type="helpline",
                kpi_id="R03",
                period=PERIOD,
                epsilon=0.5,
                actor=None,
            )
            outcomes.append("created" if created else "reused")
        except OperationalError:
            outcomes.append("busy")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 3
    assert outcomes.count("created") == 1, outcomes
    assert Benchmark.objects.count() == 1
    assert LedgerEntry.objects.filter(purpose="benchmark").count() == 5
