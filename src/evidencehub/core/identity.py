"""Recognise text that identifies a person or a device, so free text written
by staff (a note on a figure, the name of a source system) cannot carry it.

The patterns are deliberately broad: a false alarm costs a rewording, a miss
stores someone's identity.
"""

from __future__ import annotations

import re

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an e-mail address", re.compile(r"[^\s@]+@[^\s@]+\.[A-Za-z]{2,}")),
    ("an IP address", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")),
    # IPv6: eight groups, or a "::" contraction (so clock times do not match).
    ("an IP address", re.compile(r"\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b")),
    (
        "an IP address",
        re.compile(r"(?:\b[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{1,4})*::[0-9A-Fa-f]{1,4}"),
    ),
    ("a phone number", re.compile(r"(?:\+|\b00|\b0)\d[\d ()./-]{6,}\d")),
    ("a browser identification", re.compile(r"\bMozilla/\d|\bAppleWebKit/|\bGecko/")),
)


def identifying_kind(text: str) -> str | None:
    """What identifying detail ``text`` seems to hold ("an e-mail address",
    "an IP address", "a phone number", "a browser identification"), or
    ``None``."""
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return None
