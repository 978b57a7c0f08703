"""Writes: noisy releases and benchmarks, each charged to the privacy-loss
ledger in the same transaction as the release (no release without an entry,
no entry without a release) and audit-logged.

Who pays for a benchmark: every local organisation whose figure goes into
it, ε each (its people's data is what the noise protects; one person belongs
to one peer, so parallel composition applies). An organisation without
enough budget left is left out of the benchmark rather than overspent. A
benchmark is built once per intervention type, KPI and period and then
reused, so asking again costs nobody anything."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from evidencehub.apps.accounts.models import Organisation, User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.disclosure.selectors import Audience, released_results
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.kpis.selectors import stored
from evidencehub.apps.privacy import selectors
from evidencehub.apps.privacy.models import Benchmark, LedgerEntry, PrivacyBudget
from evidencehub.core.kpis.definitions import load_catalogue
from evidencehub.core.kpis.results import Period
from evidencehub.core.privacy import budget as core_budget
from evidencehub.core.privacy.mechanisms import (
    GAUSSIAN,
    LAPLACE,
    NoisyRelease,
    PrivacyInputError,
    check_delta,
    check_epsilon,
    noisy_bounded_value,
    noisy_count,
    noisy_group_counts,
)
from evidencehub.core.privacy.peers import PeerValue
from evidencehub.core.privacy.quantiles import (
    MIN_PEERS,
    QUANTILES_ID,
    QUANTILES_VERSION,
    TooFewPeers,
    bounds_for_unit,
    distribution,
    noisy_peers,
)


def yearly_budget() -> float:
    """ε per organisation and calendar year (``EVIDENCEHUB_DP_EPSILON_PER_YEAR``)."""
    return float(settings.EVIDENCEHUB_DP_EPSILON_PER_YEAR)


def _field_error(exc: PrivacyInputError) -> ValidationError:
    return ValidationError({exc.field: exc.message})


def charge(
    *,
    organisation: Organisation,
    year: int,
    epsilon: float,
    delta: float,
    mechanism: str,
    purpose: str,
    released: dict[str, Any],
    actor: User | None,
) -> LedgerEntry:
    """Add one entry to the ledger; call inside ``transaction.atomic`` together
    with the release it pays for.

    The budget row is locked (``select_for_update``; on SQLite the project's
    IMMEDIATE transactions serialise writers) and raised with a conditional
    ``UPDATE … WHERE spent ≤ budget - ε``, so the check and the charge are one
    step even without the lock.

    Raises:
        BudgetExceeded: the release does not fit into this year's budget.
    """
    limit = yearly_budget()
    row, _created = PrivacyBudget.objects.get_or_create(
        organisation=organisation, year=year
    )
    row = PrivacyBudget.objects.select_for_update().get(pk=row.pk)
    core_budget.check(spent=row.spent_epsilon, cost=epsilon, budget=limit, year=year)
    updated = PrivacyBudget.objects.filter(
        pk=row.pk, spent_epsilon__lte=limit - epsilon + core_budget.TOLERANCE
    ).update(
        spent_epsilon=F("spent_epsilon") + epsilon,
        spent_delta=F("spent_delta") + delta,
    )
    if updated != 1:
        raise core_budget.BudgetExceeded(
            spent=limit, cost=epsilon, budget=limit, year=year
        )
    entry = LedgerEntry.objects.create(
        organisation=organisation,
        year=year,
        epsilon=epsilon,
        delta=delta,
        mechanism=mechanism,
        purpose=purpose,
        released=released,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.email if actor is not None else "",
        created_at=timezone.now(),
    )
    audit_record(
        action="evidencehub.privacy_ledger.charged",
        actor=actor,
        organisation=organisation,
        obj=entry,
        data={"epsilon": epsilon, "delta": delta, "purpose": purpose, "year": year},
    )
    return entry


def _mechanism(raw: str) -> str:
    if raw not in (LAPLACE, GAUSSIAN):
        raise ValidationError({"mechanism": "Choose laplace or gaussian."})
    return raw


def release_noisy_kpi(
    *,
    initiative: Initiative,
    kpi_id: str,
    period: Period,
    epsilon: float,
    mechanism: str = LAPLACE,
    delta: float = 0.0,
    contributions: int = 1,
    actor: User | None,
) -> tuple[LedgerEntry, NoisyRelease]:
    """A noisy version of one stored KPI total for use outside the
    organisation, charged to its ledger.

    The figure first passes the release pipeline (a suppressed figure is not
    released at all). Bounded figures (%, scores with a stated range) get
    noise with sensitivity ``range/n``; counts get discrete noise with
    sensitivity ``contributions``.

    Raises:
        ValidationError: naming the field (``kpi_id``, ``epsilon``, ``delta``,
            ``mechanism``, ``contributions``).
        BudgetExceeded: not enough budget left this year; nothing is released.
    """
    mech = _mechanism(mechanism)
    try:
        eps = check_epsilon(epsilon)
        dlt = check_delta(delta) if mech == GAUSSIAN else 0.0
    except PrivacyInputError as exc:
        raise _field_error(exc) from None
    result = selectors.releasable_total(
        initiative=initiative, kpi_id=kpi_id, period=period
    )
    bounds = bounds_for_unit(result.unit)
    value = float(result.value or 0.0)
    with transaction.atomic():
        try:
            if bounds is not None:
                noisy = noisy_bounded_value(
                    value,
                    n=max(1, result.n),
                    bounds=bounds,
                    epsilon=eps,
                    mechanism=mech,
                    delta=dlt,
                    contributions=contributions,
                )
            elif result.denominator is None and value.is_integer():
                noisy = noisy_count(
                    int(value),
                    epsilon=eps,
                    mechanism=mech,
                    delta=dlt,
                    contributions=contributions,
                )
            else:
                raise ValidationError(
                    {
                        "kpi_id": f"{kpi_id} has no public bounds (unit "
                        f"{result.unit!r}), so it cannot be released with noise."
                    }
                )
        except PrivacyInputError as exc:
            raise _field_error(exc) from None
        released = {
            "initiative": initiative.slug,
            "kpi_id": result.kpi_id,
            "kpi_version": result.kpi_version,
            "period": period.label,
            "unit": result.unit,
            **noisy.as_dict(),
        }
        entry = charge(
            organisation=initiative.organisation,
            year=timezone.now().year,
            epsilon=noisy.epsilon,
            delta=noisy.delta,
            mechanism=str(noisy.method),
            purpose=LedgerEntry.Purpose.RELEASE,
            released=released,
            actor=actor,
        )
    return entry, noisy


def release_noisy_breakdown(
    *,
    initiative: Initiative,
    kpi_id: str,
    period: Period,
    breakdown: str,
    epsilon: float,
    mechanism: str = LAPLACE,
    delta: float = 0.0,
    contributions: int = 1,
    actor: User | None,
) -> tuple[LedgerEntry, dict[str, Any]]:
    """Noisy counts of one count KPI per breakdown cell, for every key of the
    public vocabulary, charged once (one histogram measurement).

    Cells withheld by the release pipeline (including secondary suppression)
    stay withheld; cells whose key is not in the vocabulary are not released.

    Raises:
        ValidationError: naming the field; BudgetExceeded as for
            :func:`release_noisy_kpi`.
    """
    mech = _mechanism(mechanism)
    cells = [
        r
        for r in stored(
            initiative=initiative, period=period, kpi_ids=[kpi_id[:8]], with_groups=True
        )
        if r.breakdown == breakdown and r.has_value
    ]
    if not cells:
        raise ValidationError(
            {"breakdown": f"No computed {breakdown!r} cells for {kpi_id[:8]!r}."}
        )
    if any(
        c.denominator is not None or not float(c.value or 0).is_integer() for c in cells
    ):
        raise ValidationError({"kpi_id": "Only counts can be broken down with noise."})
    released = released_results(results=cells, audience=Audience.OUTSIDE)
    withheld = {r.result.group for r in released if r.suppressed}
    counts = {
        r.result.group: int(r.result.value or 0) for r in released if not r.suppressed
    }
    try:
        noisy = noisy_group_counts(
            counts,
            breakdown=breakdown,
            epsilon=epsilon,
            mechanism=mech,
            delta=delta if mech == GAUSSIAN else 0.0,
            contributions=contributions,
        )
    except PrivacyInputError as exc:
        raise _field_error(exc) from None
    first = next(iter(noisy.values()))
    payload: dict[str, Any] = {
        "initiative": initiative.slug,
        "kpi_id": cells[0].kpi_id,
        "kpi_version": cells[0].kpi_version,
        "period": period.label,
        "unit": cells[0].unit,
        "breakdown": breakdown,
        "mechanism": mech,
        "scale": first.scale,
        "epsilon": first.epsilon,
        "delta": first.delta,
        "accuracy": first.accuracy,
        "accuracy_level": 0.95,
        "method": str(first.method),
        "cells": {
            key: {"withheld": True}
            if key in withheld
            else {"value": rel.value, "lower": rel.lower, "upper": rel.upper}
            for key, rel in noisy.items()
        },
    }
    with transaction.atomic():
        entry = charge(
            organisation=initiative.organisation,
            year=timezone.now().year,
            epsilon=first.epsilon,
            delta=first.delta,
            mechanism=str(first.method),
            purpose=LedgerEntry.Purpose.RELEASE,
            released=payload,
            actor=actor,
        )
    return entry, payload


def build_benchmark(
    *,
    intervention_type: str,
    kpi_id: str,
    period: Period,
    epsilon: float,
    actor: User | None,
) -> tuple[Benchmark, bool]:
    """The benchmark for one intervention type, KPI and period: returns the
    stored one if it exists (``created=False``), else builds and charges it.

    Raises:
        ValidationError: unknown KPI, KPI without public bounds, bad ε.
        TooFewPeers: fewer than ``MIN_PEERS`` peers contribute (nothing is
            charged or stored).
    """
    kpi = load_catalogue().get(kpi_id)
    if kpi is None:
        raise ValidationError({"kpi": f"Unknown KPI: {kpi_id[:8]!r}."})
    existing = selectors.stored_benchmark(
        intervention_type=intervention_type,
        kpi_id=kpi.id,
        kpi_version=kpi.version,
        period=period,
    )
    if existing is not None:
        return existing, False
    bounds = bounds_for_unit(kpi.unit)
    if bounds is None:
        raise ValidationError(
            {"kpi": f"{kpi.id} ({kpi.unit}) has no public bounds to benchmark with."}
        )
    try:
        eps = check_epsilon(epsilon)
    except PrivacyInputError as exc:
        raise _field_error(exc) from None
    local = selectors.local_peers(
        intervention_type=intervention_type,
        kpi_id=kpi.id,
        kpi_version=kpi.version,
        period=period,
    )
    imported = selectors.protected_imported_peers(
        intervention_type=intervention_type,
        kpi_id=kpi.id,
        kpi_version=kpi.version,
        period=period,
    )
    if len(local) + len(imported) < MIN_PEERS:
        raise TooFewPeers(
            f"Too few peers: {len(local) + len(imported)} contributed, at least "
            f"{MIN_PEERS} are needed."
        )
    now = timezone.now()
    released = {
        "kind": "benchmark",
        "intervention_type": intervention_type,
        "kpi_id": kpi.id,
        "kpi_version": kpi.version,
        "period": period.label,
        "method": f"{QUANTILES_ID} v{QUANTILES_VERSION}",
    }
    try:
        bench = _charge_and_store(
            local=local,
            imported=imported,
            kpi=kpi,
            bounds=bounds,
            eps=eps,
            released=released,
            intervention_type=intervention_type,
            period=period,
            now=now,
            actor=actor,
        )
    except IntegrityError:
        # Someone built the same benchmark a moment earlier: our charges were
        # rolled back with the transaction; show theirs.
        winner = selectors.stored_benchmark(
            intervention_type=intervention_type,
            kpi_id=kpi.id,
            kpi_version=kpi.version,
            period=period,
        )
        if winner is None:
            raise
        return winner, False
    return bench, True


@transaction.atomic
def _charge_and_store(
    *,
    local: list[tuple[int, PeerValue]],
    imported: list[PeerValue],
    kpi: Any,
    bounds: tuple[float, float],
    eps: float,
    released: dict[str, Any],
    intervention_type: str,
    period: Period,
    now: Any,
    actor: User | None,
) -> Benchmark:
    """Charge each contributing organisation, add the noise and store the
    benchmark, all in one transaction (see :func:`build_benchmark`)."""
    paid: list[PeerValue] = list(imported)
    by_org: dict[int, list[PeerValue]] = {}
    for org_id, peer in local:
        by_org.setdefault(org_id, []).append(peer)
    # Lock budgets in id order so concurrent builds cannot deadlock.
    for org_id in sorted(by_org):
        try:
            with transaction.atomic():
                charge(
                    organisation=Organisation.objects.get(pk=org_id),
                    year=now.year,
                    epsilon=eps,
                    delta=0.0,
                    mechanism=f"{QUANTILES_ID} v{QUANTILES_VERSION}",
                    purpose=LedgerEntry.Purpose.BENCHMARK,
                    released=released,
                    actor=actor,
                )
        except core_budget.BudgetExceeded:
            continue  # this organisation's figures stay out
        paid.extend(by_org[org_id])
    noisy = noisy_peers(paid, bounds=bounds, epsilon=eps)
    dist = distribution(noisy)  # raises TooFewPeers: everything rolls back
    bench = Benchmark.objects.create(
        intervention_type=intervention_type,
        kpi_id=kpi.id,
        kpi_version=kpi.version,
        period_label=period.label,
        epsilon=eps,
        mechanism=f"{QUANTILES_ID} v{QUANTILES_VERSION}",
        result={
            **dist.as_dict(),
            "unit": kpi.unit,
            "bounds": list(bounds),
            "noisy_values": {
                p.peer.initiative_key: {
                    "value": p.release.value,
                    "accuracy": p.release.accuracy,
                    "origin": p.peer.origin,
                }
                for p in noisy
            },
        },
        created_at=now,
    )
    audit_record(
        action="evidencehub.benchmark.created",
        actor=actor,
        obj=bench,
        data={**released, "peers": dist.peers, "epsilon": eps},
    )
    return bench
