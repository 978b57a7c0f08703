"""Request throttling for public, login-free endpoints without keeping
addresses.

Buckets are keyed by a keyed hash (BLAKE2b) of the client address and browser
string under a key that exists only in this process's memory, and counted in the
process-local cache; neither the address nor the hash is written anywhere
lasting. Limits are therefore per server process.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

_THROTTLE_KEY = secrets.token_bytes(32)
WINDOW_SECONDS = 60


def client_ip(request: Any) -> str:
    """The client address, from ``REMOTE_ADDR`` or, behind a reverse proxy,
    the header named by ``EVIDENCEHUB_CLIENT_IP_HEADER`` (last entry of a
    list, the one the proxy added). Used in memory only."""
    header = getattr(settings, "EVIDENCEHUB_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        if value:
            return str(value).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def client_fingerprint(request: Any) -> str:
    """A short keyed hash of address and browser string, valid in this process."""
    user_agent = str(request.META.get("HTTP_USER_AGENT", ""))
    return hashlib.blake2b(
        f"{client_ip(request)}\x1f{user_agent}".encode(),
        key=_THROTTLE_KEY,
        digest_size=12,
    ).hexdigest()


def retry_after(name: str, amount: int, limit: int) -> int | None:
    """Count ``amount`` against bucket ``name`` for the current minute.

    Returns ``None`` while within ``limit``, else the seconds to wait.
    """
    now = time.time()
    bucket = f"throttle:{name}:{int(now // WINDOW_SECONDS)}"
    cache.add(bucket, 0, WINDOW_SECONDS + 5)
    try:
        used = cache.incr(bucket, amount)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, amount, WINDOW_SECONDS + 5)
        used = amount
    if used <= limit:
        return None
    return max(1, int(WINDOW_SECONDS - now % WINDOW_SECONDS) + 1)
