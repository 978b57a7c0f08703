"""A small Python client for the collection API, for apps and back ends.

Standard library only, so it can be copied into a service's code base::

    from evidencehub.client import CollectClient

    client = CollectClient("https://hub.example.org", server_key="sk_….…")
    client.track("module_completed", module="module-3", channel="app")
    client.flush()            # or use it as a context manager

Events are buffered and sent in batches of up to 1,000 with a client event id
each, so a retry after a network error or a 429/503 never counts an event
twice (the server answers duplicates as ``duplicates``). Nothing about the
person is sent: no address, no device id; server-key events carry no
visitor hash.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

MAX_BATCH = 1000


class CollectError(Exception):
    """The server refused the events. ``status`` is the HTTP status and
    ``errors`` the body (for 400: ``{field: [message]}``)."""

    def __init__(self, status: int, errors: dict[str, Any]) -> None:
        self.status = status
        self.errors = errors
        super().__init__(f"HTTP {status}: {errors}")


@dataclass
class SendResult:
    accepted: int = 0
    duplicates: int = 0
    dropped: int = 0


@dataclass
class CollectClient:
    """``base_url`` is the hub's address; ``server_key`` the secret key
    (``sk_<id>.<secret>``). ``batch_size`` events are sent at once;
    ``retries`` times on connection errors, 429 and 503, honouring
    ``Retry-After`` (at most ``max_wait`` seconds per wait)."""

    base_url: str
    server_key: str
    batch_size: int = 100
    timeout: float = 10.0
    retries: int = 3
    max_wait: float = 30.0
    _buffer: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size: from 1 to {MAX_BATCH}")
        self.url = self.base_url.rstrip("/") + "/api/v1/collect"

    def __enter__(self) -> CollectClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.flush()

    def track(
        self,
        type: str,
        *,
        module: str = "",
        channel: str = "app",
        locale: str = "",
        referrer: str = "",
        campaign: str = "",
        value: int | None = None,
        time: datetime | None = None,
        id: str | None = None,
    ) -> SendResult | None:
        """Queue one event; sends a batch when the buffer is full (and then
        returns its result)."""
        event: dict[str, Any] = {
            "type": type,
            "channel": channel,
            "id": id or str(uuid.uuid4()),
        }
        for name, val in (
            ("module", module),
            ("locale", locale),
            ("referrer", referrer),
            ("campaign", campaign),
        ):
            if val:
                event[name] = val
        if value is not None:
            event["value"] = value
        if time is not None:
            event["time"] = (
                time if time.tzinfo else time.replace(tzinfo=UTC)
            ).isoformat()
        self._buffer.append(event)
        if len(self._buffer) >= self.batch_size:
            return self.flush()
        return None

    def flush(self) -> SendResult:
        """Send everything queued. Raises CollectError on a refusal (the
        batch stays queued so it can be fixed or dropped with ``clear``)."""
        total = SendResult()
        while self._buffer:
            batch = self._buffer[: self.batch_size]
            result = self.send(batch)
            del self._buffer[: len(batch)]
            total.accepted += result.accepted
            total.duplicates += result.duplicates
            total.dropped += result.dropped
        return total

    def clear(self) -> None:
        self._buffer.clear()

    def send(self, events: list[dict[str, Any]]) -> SendResult:
        """POST one batch now, retrying transient failures."""
        body = json.dumps({"events": events}).encode()
        attempt = 0
        while True:
            request = urllib.request.Request(  # noqa: S310 - http(s) URL from the caller
                self.url,
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self.server_key}",
                    "User-Agent": "evidencehub-client/1",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    data = json.loads(response.read() or b"{}")
                    return SendResult(
                        accepted=int(data.get("accepted", 0)),
                        duplicates=int(data.get("duplicates", 0)),
                        dropped=int(data.get("dropped", 0)),
                    )
            except urllib.error.HTTPError as exc:
                payload = exc.read()
                try:
                    errors = json.loads(payload or b"{}")
                except ValueError:
                    errors = {"detail": payload.decode("utf-8", "replace")[:200]}
                if exc.code in (429, 503) and attempt < self.retries:
                    attempt += 1
                    time.sleep(min(self.max_wait, _retry_after(exc.headers, attempt)))
                    continue
                raise CollectError(exc.code, errors) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                if attempt >= self.retries:
                    raise
                attempt += 1
                time.sleep(min(self.max_wait, 2.0**attempt))


def _retry_after(headers: Any, attempt: int) -> float:
    try:
        return float(headers.get("Retry-After", ""))
    except (TypeError, ValueError):
        return 2.0**attempt
