"""Reads of imported federated bundles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from evidencehub.apps.accounts.selectors import consortia_for_user
from evidencehub.apps.federation.models import (
    ImportedBundle,
    ImportedFigure,
    SigningKey,
    TrustedPublisher,
)
from evidencehub.core.kpis.results import STATUS_OK
from evidencehub.core.privacy.peers import PeerValue


def imported_peer_values(
    *, intervention_type: str, kpi_id: str, kpi_version: str, period_label: str
) -> list[PeerValue]:
    """Protected values from verified imported bundles for one KPI (same id and
    version), intervention type and period; ``origin="bundle"``.

    One value per publisher and initiative: when a publisher sent several
    bundles for the period, the most recently made one counts. Suppressed
    figures and figures without a value are left out. ``organisation_key`` is
    ``bundle:`` and the start of the publisher's key fingerprint;
    ``initiative_key`` is ``bundle:`` and the bundle's opaque initiative key.
    """
    rows = (
        ImportedFigure.objects.filter(
            intervention_type=intervention_type,
            kpi_id=kpi_id,
            kpi_version=kpi_version,
            period_label=period_label,
            status=STATUS_OK,
            suppressed=False,
            value__isnull=False,
            n__isnull=False,
            bundle__publisher__revoked_at__isnull=True,
        )
        .select_related("bundle__publisher")
        .order_by("-bundle__created_at", "-bundle_id")
    )
    seen: set[tuple[int, str]] = set()
    values: list[PeerValue] = []
    for row in rows:
        who = (row.bundle.publisher_id, row.initiative_key)
        if who in seen or row.value is None or row.n is None:
            continue
        seen.add(who)
        values.append(
            PeerValue(
                organisation_key="bundle:" + row.bundle.publisher.fingerprint[7:23],
                initiative_key="bundle:" + row.initiative_key,
                intervention_type=row.intervention_type,
                kpi_id=row.kpi_id,
                kpi_version=row.kpi_version,
                period_label=row.period_label,
                value=row.value,
                n=row.n,
                origin="bundle",
            )
        )
    return values


@dataclass(frozen=True)
class BundleRow:
    bundle: ImportedBundle
    figures: int


def imported_bundles(*, limit: int = 500) -> list[BundleRow]:
    """Imported bundles, newest first, with how many figures each holds."""
    rows = ImportedBundle.objects.select_related("publisher").annotate(
        figure_count=Count("figures")
    )[:limit]
    return [BundleRow(b, int(getattr(b, "figure_count", 0))) for b in rows]


def trusted_publishers() -> QuerySet[TrustedPublisher]:
    return TrustedPublisher.objects.all()


def signing_keys() -> QuerySet[SigningKey]:
    return SigningKey.objects.all()


@dataclass(frozen=True)
class BundleAccess:
    can_list: bool
    can_import: bool


def bundle_access(*, user: Any) -> BundleAccess:
    """Platform admins list and import bundles; consortium evaluators list
    them (they hold protected aggregates only)."""
    if not getattr(user, "is_authenticated", False):
        return BundleAccess(False, False)
    if user.is_superuser:
        return BundleAccess(True, True)
    return BundleAccess(consortia_for_user(user=user).exists(), False)


def imported_bundle(*, pk: int) -> ImportedBundle | None:
    return ImportedBundle.objects.select_related("publisher").filter(pk=pk).first()


def bundle_figures(*, bundle: ImportedBundle) -> QuerySet[ImportedFigure]:
    return bundle.figures.order_by("initiative_key", "kpi_id")
