"""Reads: the ledger, who may see a benchmark, and the protected peer
figures a benchmark is built from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.accounts.selectors import consortia_for_user, role_in
from evidencehub.apps.disclosure.selectors import (
    Audience,
    release_policy,
    released_results,
)
from evidencehub.apps.federation.selectors import imported_peer_values
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.kpis.models import StoredResult
from evidencehub.apps.kpis.selectors import stored, to_result
from evidencehub.apps.privacy.models import Benchmark, LedgerEntry, PrivacyBudget
from evidencehub.core.disclosure import release_results
from evidencehub.core.kpis.results import KpiResult, Period
from evidencehub.core.permissions import Capability, role_can
from evidencehub.core.privacy.peers import PeerValue
from evidencehub.core.privacy.quantiles import MIN_PEERS, POSITIONS, band


def peer_key(initiative_id: int) -> str:
    """Opaque key of a local peer (no names)."""
    return f"local:{initiative_id}"


@dataclass(frozen=True)
class LedgerSummary:
    year: int
    budget: float
    spent_epsilon: float
    spent_delta: float
    entries: list[LedgerEntry]

    @property
    def remaining(self) -> float:
        # Sums of floats drift in the last digits (0.1 + 0.2 ...): shown
        # rounded to 9 places, the precision of the ledger's own tolerance.
        return round(max(0.0, self.budget - self.spent_epsilon), 9)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "budget_epsilon": self.budget,
            "spent_epsilon": round(self.spent_epsilon, 9),
            "spent_delta": self.spent_delta,
            "remaining_epsilon": self.remaining,
            "method": "evidencehub.privacy.budget v1",
            "entries": [
                {
                    "id": e.pk,
                    "created_at": e.created_at.isoformat(),
                    "epsilon": e.epsilon,
                    "delta": e.delta,
                    "mechanism": e.mechanism,
                    "purpose": e.purpose,
                    "released": e.released,
                    "actor": e.actor_label,
                }
                for e in self.entries
            ],
        }


def ledger(*, organisation: Organisation, year: int) -> LedgerSummary:
    row = PrivacyBudget.objects.filter(organisation=organisation, year=year).first()
    entries = list(
        LedgerEntry.objects.filter(organisation=organisation, year=year)[:500]
    )
    # The budget row is the authority; the entries' sum must agree with it.
    spent = row.spent_epsilon if row else 0.0
    return LedgerSummary(
        year,
        float(settings.EVIDENCEHUB_DP_EPSILON_PER_YEAR),
        spent,
        row.spent_delta if row else 0.0,
        entries,
    )


def entries_total(*, organisation: Organisation, year: int) -> float:
    total = LedgerEntry.objects.filter(organisation=organisation, year=year).aggregate(
        s=Sum("epsilon")
    )["s"]
    return float(total or 0.0)


def benchmark_access(*, user: Any, slug: str) -> tuple[Initiative, Audience]:
    """An initiative a person may benchmark: members of its organisation see
    their own figure as internal; evaluators of a consortium that includes
    the organisation see protected figures only.

    Raises:
        Http404: anyone else (outsiders cannot tell whether it exists).
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such initiative")
    initiative = (
        Initiative.objects.select_related("organisation").filter(slug=slug).first()
    )
    if initiative is None:
        raise Http404("No such initiative")
    role = role_in(user=user, organisation=initiative.organisation)
    if role is not None and role_can(role, Capability.VIEW):
        return initiative, Audience.INTERNAL
    if (
        consortia_for_user(user=user)
        .filter(organisations=initiative.organisation)
        .exists()
    ):
        return initiative, Audience.OUTSIDE
    raise Http404("No such initiative")


def releasable_total(
    *, initiative: Initiative, kpi_id: str, period: Period
) -> KpiResult:
    """The stored total of one KPI after the release pipeline.

    Raises:
        ValidationError: on ``kpi_id`` when there is no figure or it is
            suppressed.
    """
    rows = stored(initiative=initiative, period=period, kpi_ids=[kpi_id[:8]])
    if not rows or not rows[0].has_value:
        raise ValidationError(
            {"kpi_id": f"No computed figure for {kpi_id[:8]!r} in {period.label}."}
        )
    (out,) = released_results(results=rows, audience=Audience.OUTSIDE)
    if out.suppressed:
        raise ValidationError(
            {"kpi_id": "This figure is withheld by suppression (too few people)."}
        )
    return out.result


def local_peers(
    *, intervention_type: str, kpi_id: str, kpi_version: str, period: Period
) -> list[tuple[int, PeerValue]]:
    """``(organisation id, peer)`` for every initiative of this type on this
    instance with a stored total for the KPI (same id and version) and period
    that survives the release pipeline for outside viewers; suppressed
    figures are dropped, never used."""
    rows = list(
        StoredResult.objects.filter(
            initiative__intervention_type=intervention_type,
            kpi_id=kpi_id,
            kpi_version=kpi_version,
            period_start=period.start,
            period_end=period.end,
            breakdown="",
        ).order_by("initiative_id")
    )
    results = [to_result(r) for r in rows]
    released = release_results(results, release_policy())
    out: list[tuple[int, PeerValue]] = []
    for row, rel in zip(rows, released, strict=True):
        if rel.suppressed or not rel.result.has_value:
            continue
        out.append(
            (
                row.organisation_id,
                PeerValue(
                    organisation_key=f"local-org:{row.organisation_id}",
                    initiative_key=peer_key(row.initiative_id),
                    intervention_type=intervention_type,
                    kpi_id=kpi_id,
                    kpi_version=kpi_version,
                    period_label=period.label,
                    value=float(rel.result.value or 0.0),
                    n=rel.result.n,
                ),
            )
        )
    return out


def protected_imported_peers(
    *, intervention_type: str, kpi_id: str, kpi_version: str, period: Period
) -> list[PeerValue]:
    """Peers from verified federated bundles; any figure under this
    deployment's threshold is dropped as well (defence in depth)."""
    threshold = release_policy().threshold
    return [
        p
        for p in imported_peer_values(
            intervention_type=intervention_type,
            kpi_id=kpi_id,
            kpi_version=kpi_version,
            period_label=period.label,
        )
        if p.n >= threshold
        and p.kpi_id == kpi_id
        and p.kpi_version == kpi_version
        and p.intervention_type == intervention_type
    ]


def stored_benchmark(
    *, intervention_type: str, kpi_id: str, kpi_version: str, period: Period
) -> Benchmark | None:
    return Benchmark.objects.filter(
        intervention_type=intervention_type,
        kpi_id=kpi_id,
        kpi_version=kpi_version,
        period_label=period.label,
    ).first()


def benchmark_view(
    *, bench: Benchmark, initiative: Initiative, audience: Audience, period: Period
) -> dict[str, Any]:
    """What a viewer sees: the noisy quartiles, how many peers contributed and
    where the initiative stands. Members compare their own internal figure;
    outside viewers see the initiative's noisy figure from the benchmark (or
    no position if it did not contribute). Other peers' figures are never
    shown one by one."""
    r = bench.result
    own: float | None = None
    own_kind = ""
    if audience is Audience.INTERNAL:
        rows = stored(initiative=initiative, period=period, kpi_ids=[bench.kpi_id])
        if rows and rows[0].has_value and rows[0].kpi_version == bench.kpi_version:
            own, own_kind = rows[0].value, "internal"
    else:
        mine = r.get("noisy_values", {}).get(peer_key(initiative.pk))
        if mine is not None:
            own, own_kind = float(mine["value"]), "noisy"
    pos = "" if own is None else band(own, r["q25"], r["median"], r["q75"])
    # The number of peers counts initiatives, not people, but under the
    # suppression threshold it is shown as a range like every small count.
    threshold = release_policy().threshold
    peers = int(r["peers"])
    small = peers < threshold
    return {
        "initiative": initiative.slug,
        "intervention_type": bench.intervention_type,
        "kpi_id": bench.kpi_id,
        "kpi_version": bench.kpi_version,
        "period": bench.period_label,
        "unit": r.get("unit", ""),
        "q25": r["q25"],
        "median": r["median"],
        "q75": r["q75"],
        "peers": None if small else peers,
        "peers_text": f"{MIN_PEERS}-{threshold - 1}" if small else str(peers),
        "epsilon": bench.epsilon,
        "noise_accuracy_median": r["noise_accuracy_median"],
        "method": r["method"],
        "own_value": own,
        "own_value_kind": own_kind,
        "position": pos,
        "position_text": POSITIONS.get(pos, ""),
        "created_at": bench.created_at.isoformat(),
    }


def can_build_benchmark(*, user: Any, initiative: Initiative) -> bool:
    """Building a benchmark spends other organisations' privacy budget, so only
    members whose role may export (admins and analysts) may ask for one."""
    from evidencehub.apps.accounts.selectors import role_in
    from evidencehub.core.permissions import Capability, role_can

    return role_can(
        role_in(user=user, organisation=initiative.organisation), Capability.EXPORT
    )
