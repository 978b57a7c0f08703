"""Reads of imported federated bundles."""

from __future__ import annotations

from evidencehub.core.privacy.peers import PeerValue


def imported_peer_values(
    *, intervention_type: str, kpi_id: str, kpi_version: str, period_label: str
) -> list[PeerValue]:
    """Protected values from verified imported bundles for one KPI (same id and
    version), intervention type and period; ``origin="bundle"``."""
    return []
