"""The deployment's release rule and the method identifiers of the release
pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from evidencehub.core.kpis.results import Method

SUPPRESSION_ID = "evidencehub.disclosure.threshold"
SUPPRESSION_VERSION = "1"
SECONDARY_ID = "evidencehub.disclosure.secondary"
SECONDARY_VERSION = "1"
ROUNDING_ID = "evidencehub.disclosure.rounding"
ROUNDING_VERSION = "1"

THRESHOLD_METHOD = Method(SUPPRESSION_ID, SUPPRESSION_VERSION)
SECONDARY_METHOD = Method(SECONDARY_ID, SECONDARY_VERSION)
ROUNDING_METHOD = Method(ROUNDING_ID, ROUNDING_VERSION)

MIN_THRESHOLD = 5
DEFAULT_THRESHOLD = 10
MAX_THRESHOLD = 1000
MAX_ROUNDING_BASE = 100


@dataclass(frozen=True)
class ReleasePolicy:
    """``threshold``: figures resting on fewer units are withheld (at least
    ``MIN_THRESHOLD``); ``rounding_base``: published counts are rounded to a
    multiple of it (``None``: no rounding); ``suppress_zeros``: withhold
    zero counts too (off by default: a zero describes nobody, see
    ``docs/methods/small-cell-suppression.md``).

    Raises:
        ValueError: threshold under 5 or over 1000, rounding base under 2 or
            over 100.
    """

    threshold: int = DEFAULT_THRESHOLD
    rounding_base: int | None = None
    suppress_zeros: bool = False

    def __post_init__(self) -> None:
        if self.threshold < MIN_THRESHOLD:
            raise ValueError(
                f"The suppression threshold is {self.threshold}; it may not be "
                f"below {MIN_THRESHOLD}."
            )
        if self.threshold > MAX_THRESHOLD:
            raise ValueError(
                f"The suppression threshold is {self.threshold}; it may not be "
                f"above {MAX_THRESHOLD}."
            )
        base = self.rounding_base
        if base is not None and not 2 <= base <= MAX_ROUNDING_BASE:
            raise ValueError(
                f"The rounding base is {base}; use a whole number from 2 to "
                f"{MAX_ROUNDING_BASE}, or no rounding."
            )

    def is_small(self, count: float | None) -> bool:
        """True when ``count`` people or contacts are too few to publish."""
        if count is None:
            return False
        if count == 0:
            return self.suppress_zeros
        return 0 < count < self.threshold
