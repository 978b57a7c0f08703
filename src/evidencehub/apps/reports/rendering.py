"""Rendering of the evaluation report (HTML and PDF).

Contract (share links and background jobs rely on it)::

    render_report(*, initiative, period, audience, language="en", fmt="html",
                  progress=None) -> bytes

``audience`` is ``evidencehub.apps.disclosure.selectors.Audience``: an
``OUTSIDE`` report shows only figures that passed the release pipeline.
``fmt`` is ``"html"`` (a self-contained page) or ``"pdf"`` (A4, WeasyPrint).
``progress`` is an optional callable ``(done: int, total: int, step: str)``.
"""

from __future__ import annotations

from collections.abc import Callable

from evidencehub.apps.disclosure.selectors import Audience
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.kpis.results import Period

Progress = Callable[[int, int, str], None]


def render_report(
    *,
    initiative: Initiative,
    period: Period,
    audience: Audience,
    language: str = "en",
    fmt: str = "html",
    progress: Progress | None = None,
) -> bytes:
    raise NotImplementedError("The report renderer is being built.")
