"""Synthetic demo data of this app, loaded by `evidencehub demo`."""

from __future__ import annotations


def load(*, reset: bool = False) -> dict[str, int]:
    """Create this app's demo records idempotently; return counts created."""
    return {}
