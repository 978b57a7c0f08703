"""What a benchmark is built from: one protected figure per peer initiative."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PeerValue:
    """One peer's protected value of one KPI (same id and version) for one
    period. ``organisation_key``/``initiative_key`` are opaque identifiers
    (never names of people); ``n`` is the base the value rests on; ``origin`` is
    ``"local"`` (this instance) or ``"bundle"`` (an imported federated bundle)."""

    organisation_key: str
    initiative_key: str
    intervention_type: str
    kpi_id: str
    kpi_version: str
    period_label: str
    value: float
    n: int
    origin: str = "local"
