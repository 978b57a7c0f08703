"""Visitor-days without identity: a keyed hash of (daily random salt,
initiative, truncated IP address, coarse browser signature).

The same browser on the same day at the same initiative gets the same hash,
so a person counts once a day ("visitor-days", KPI R01). Tomorrow's salt is
new and random, yesterday's is deleted after 48 hours, so nobody — the
operator included — can link days or recompute a hash from an address.

Method sources (``reference/domain_kpis.md`` §4.2, ``anchor_platforms.md`` §3):

* Plausible Analytics' daily-salted hash of IP + user agent + site, with
  random salts rotated daily and deleted after 48 h
  (``lib/plausible/session/salts.ex``, 2020-2024).
* the "stronger variant" of infinitnet/cookieless-analytics (wiki, 2024): the
  IP is truncated to /24 (IPv4) or /48 (IPv6) and only the browser family, OS
  family and device class enter the hash; salts are 32 random bytes.

The address and the browser string live only in memory for the length of one
request; nothing in this module stores or logs them.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from functools import lru_cache

SALT_BYTES = 32
HASH_BYTES = 16


def new_salt() -> bytes:
    """32 random bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(SALT_BYTES)


def truncate_ip(address: str) -> str:
    """The network an address belongs to: /24 for IPv4, /48 for IPv6
    (IPv4-mapped IPv6 addresses are treated as IPv4). "" when malformed."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _device_class(user_agent: str) -> str:
    ua = user_agent.lower()
    if "ipad" in ua or "tablet" in ua:
        return "tablet"
    if "mobi" in ua or "android" in ua or "iphone" in ua:
        return "mobile"
    return "desktop"


@lru_cache(maxsize=512)
def browser_signature(user_agent: str) -> str:
    """``"<browser family>|<OS family>|<device class>"``, e.g.
    ``"Firefox|Windows|desktop"``: the only parts of a user agent that reach
    the hash. Parsing uses ua-parser (uap-core regexes)."""
    from ua_parser import parse

    result = parse(user_agent[:1024])
    browser = result.user_agent.family if result.user_agent else "Other"
    os_family = result.os.family if result.os else "Other"
    return f"{browser}|{os_family}|{_device_class(user_agent)}"


def visitor_hash(*, salt: bytes, initiative_id: int, ip: str, user_agent: str) -> str:
    """Keyed BLAKE2b (RFC 7693, 2015) of initiative, /24-or-/48 network and
    browser signature under the day's salt; 32 hex characters.

    Raises:
        ValueError: a salt shorter than 16 bytes.
    """
    if len(salt) < 16:
        raise ValueError("salt: at least 16 bytes are needed")
    message = "\x1f".join(
        (str(initiative_id), truncate_ip(ip), browser_signature(user_agent))
    )
    digest = hashlib.blake2b(
        message.encode("utf-8"), key=salt[:64], digest_size=HASH_BYTES
    )
    return digest.hexdigest()
