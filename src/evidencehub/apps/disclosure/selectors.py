"""Reads of the release pipeline: who is looking, and figures as they may see
them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from evidencehub.apps.accounts.models import Consortium, Organisation
from evidencehub.apps.accounts.selectors import consortia_for_user, role_in
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.disclosure import ReleasedResult, ReleasePolicy, release_results
from evidencehub.core.kpis.results import KpiResult, Period

# Shown beside every unprotected figure the organisation's own members see.
INTERNAL_NOTE = _("Internal: not for sharing — small numbers are not hidden.")
INTERNAL_MARK = _("internal, not protected")


class Audience(StrEnum):
    """``internal``: the organisation's own members, who see unprotected
    figures marked as internal. ``outside``: everyone else (other
    organisations, evaluators, funders via share links, exports for others)."""

    INTERNAL = "internal"
    OUTSIDE = "outside"


def release_policy() -> ReleasePolicy:
    """The deployment's policy (settings ``SUPPRESSION_THRESHOLD`` and
    ``ROUNDING_BASE``, from ``EVIDENCEHUB_SUPPRESSION_THRESHOLD`` and
    ``EVIDENCEHUB_ROUNDING_BASE``)."""
    base = getattr(settings, "ROUNDING_BASE", None)
    return ReleasePolicy(
        threshold=int(settings.SUPPRESSION_THRESHOLD),
        rounding_base=int(base) if base else None,
    )


def audience_for(*, user: Any, organisation: Organisation) -> Audience:
    if role_in(user=user, organisation=organisation) is not None:
        return Audience.INTERNAL
    return Audience.OUTSIDE


def released_results(
    *, results: Sequence[KpiResult], audience: Audience
) -> list[ReleasedResult]:
    """Internal viewers get every figure as computed (``suppressed=False``,
    ``internal=True``; ``INTERNAL_NOTE`` says so on screen); outside viewers
    get the release pipeline's output."""
    if audience is Audience.INTERNAL:
        return [ReleasedResult(r, False, internal=True) for r in results]
    return release_results(results, release_policy())


# -- consortium evaluators ---------------------------------------------------


def consortium_for_evaluator(*, user: Any, slug: str) -> Consortium:
    """The consortium ``slug`` when ``user`` evaluates it.

    Raises:
        Http404: no such consortium, or the caller is not its evaluator
            (outsiders cannot tell the two apart).
    """
    item = consortia_for_user(user=user).filter(slug=slug).first()
    if item is None:
        raise Http404("No such consortium")
    return item


def consortium_initiatives(*, consortium: Consortium) -> QuerySet[Initiative]:
    return (
        Initiative.objects.filter(organisation__consortia=consortium)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


@dataclass
class InitiativeRelease:
    """One member initiative's KPI results for a period, as released to an
    evaluator: totals and breakdown cells, each protected."""

    initiative: Initiative
    figures: list[ReleasedResult] = field(default_factory=list)

    @property
    def totals(self) -> list[ReleasedResult]:
        return [f for f in self.figures if not f.result.breakdown]

    @property
    def cells(self) -> list[ReleasedResult]:
        return [f for f in self.figures if f.result.breakdown]


def consortium_release(
    *, consortium: Consortium, period: Period
) -> list[InitiativeRelease]:
    """Protected KPI results of every member organisation's initiatives for
    ``period`` (stored results only; nothing is computed here). Never raw
    rows: each figure passes ``release_results`` for an outside audience."""
    from evidencehub.apps.kpis.selectors import stored

    out: list[InitiativeRelease] = []
    for initiative in consortium_initiatives(consortium=consortium):
        results = stored(initiative=initiative, period=period, with_groups=True)
        results.sort(key=lambda r: (r.kpi_id, r.breakdown, r.group))
        out.append(
            InitiativeRelease(
                initiative,
                released_results(results=results, audience=Audience.OUTSIDE),
            )
        )
    return out


def consortium_periods(*, consortium: Consortium) -> list[str]:
    from evidencehub.apps.kpis.models import StoredResult

    labels = StoredResult.objects.filter(
        organisation__consortia=consortium
    ).values_list("period_label", flat=True)
    return sorted(set(labels), reverse=True)[:24]
