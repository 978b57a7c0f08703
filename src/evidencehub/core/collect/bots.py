"""Known bots and crawlers, recognised from the user agent so their requests
are dropped and counted as dropped, never stored as events.

Uses crawlerdetect (the Python port of JayBizzle/Crawler-Detect, MIT), which
also flags HTTP libraries and headless browsers; an empty user agent counts as
a bot too, because every real browser sends one (RFC 9110 §10.1.5 says user
agents SHOULD send it).
"""

from __future__ import annotations

import threading
from functools import lru_cache

from crawlerdetect import CrawlerDetect  # type: ignore[import-untyped,unused-ignore]

_DETECTOR = CrawlerDetect()
# CrawlerDetect keeps the last matches on the instance; one caller at a time.
_LOCK = threading.Lock()


@lru_cache(maxsize=1024)
def is_bot(user_agent: str) -> bool:
    """True for an empty user agent or one that crawlerdetect knows."""
    ua = user_agent.strip()[:1024]
    if not ua:
        return True
    with _LOCK:
        return bool(_DETECTOR.isCrawler(ua))
