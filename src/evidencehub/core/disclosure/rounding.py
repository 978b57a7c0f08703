"""Rounding of published counts to a base (method
``evidencehub.disclosure.rounding`` v1).

Conventional rounding to the nearest multiple of ``base``, halves up:
``round_count(x, b) = floor(x / b + 1/2) * b`` for ``x >= 0``. Source: NHS
Digital HES/ECDS disclosure control (2018, nearest 5) and OpenSAFELY output
checking (nearest 5); Hundepool et al., *Statistical Disclosure Control*
(Wiley, 2012), section 5.4 on rounding.
"""

from __future__ import annotations

import math


def round_count(count: float, base: int) -> int:
    """``count`` (non-negative) rounded to the nearest multiple of ``base``
    (halves up): ``round_count(12, 5) == 10``, ``round_count(12.5, 5) == 15``.

    Raises:
        ValueError: negative count or base under 2.
    """
    if base < 2:
        raise ValueError("The rounding base must be at least 2.")
    if count < 0:
        raise ValueError("Only counts (zero or more) are rounded.")
    return math.floor(count / base + 0.5) * base
