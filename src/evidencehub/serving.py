"""gunicorn logging that never writes a client address.

The access log format already leaves addresses out (see ``cli._gunicorn_argv``);
gunicorn's own error log names the client in messages such as "Invalid request
from ip=…", written before the application sees the request. This logger class
redacts addresses from every error-log record.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn import glogging

_ADDRESS = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b"
    r"|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"
    r"|(?:\b[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{1,4})*::[0-9A-Fa-f]{0,4}(?:\.\d+){0,3}"
)


class RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _ADDRESS.sub("[address removed]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class RedactingLogger(glogging.Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(RedactAddresses())
