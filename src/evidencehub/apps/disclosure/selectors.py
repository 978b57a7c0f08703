"""Reads of the release pipeline: who is looking, and figures as they may see
them."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.conf import settings

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.accounts.selectors import role_in
from evidencehub.core.disclosure import ReleasedResult, ReleasePolicy, release_results
from evidencehub.core.kpis.results import KpiResult


class Audience(StrEnum):
    """``internal``: the organisation's own members, who see unprotected
    figures marked as internal. ``outside``: everyone else (other
    organisations, evaluators, funders via share links, exports for others)."""

    INTERNAL = "internal"
    OUTSIDE = "outside"


def release_policy() -> ReleasePolicy:
    """The deployment's policy (setting ``SUPPRESSION_THRESHOLD``, from the
    environment variable ``EVIDENCEHUB_SUPPRESSION_THRESHOLD``)."""
    return ReleasePolicy(threshold=int(settings.SUPPRESSION_THRESHOLD))


def audience_for(*, user: Any, organisation: Organisation) -> Audience:
    if role_in(user=user, organisation=organisation) is not None:
        return Audience.INTERNAL
    return Audience.OUTSIDE


def released_results(
    *, results: Sequence[KpiResult], audience: Audience
) -> list[ReleasedResult]:
    """Internal viewers get every figure as computed (``suppressed=False``);
    outside viewers get the release pipeline's output."""
    if audience is Audience.INTERNAL:
        return [ReleasedResult(r, False) for r in results]
    return release_results(results, release_policy())
