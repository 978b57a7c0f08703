"""The published-figures example, loaded by ``evidencehub demo``: figures a real
service has published, entered through the aggregate-figures path with their
citation, so the whole pipeline (KPIs with intervals, scorecard, evidence
level, provenance, report) can be seen running on real input.

Only figures from ``reference/domain_kpis.md`` section 0.1 are used, and only
those that fit a declared aggregate data element (``core/collect/figures.py``)
read by a KPI. ``docs/explanation/published-figures-example.md`` lists what
was left out and why.

Every figure is stored with ``source_system="published"`` and the full
citation in ``note``; report covers rely on exactly that.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import Membership, Organisation, User
from evidencehub.apps.accounts.services import organisation_create
from evidencehub.apps.collect.services import figure_save
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.services import (
    initiative_create,
    plan_update,
    question_save,
)
from evidencehub.apps.kpis.models import StoredResult
from evidencehub.apps.kpis.services import compute_and_store
from evidencehub.core.collect.figures import validate_figure
from evidencehub.core.kpis.results import parse_period

ORGANISATION_SLUG = "published-figures-example"
INITIATIVE_SLUG = "published-stop-it-now-helpline"
SOURCE_SYSTEM = "published"
PERIOD = "2013-06"
KPI_IDS = ["R02", "R03"]
DEMO_ADMIN = "admin@demo.example"

CITATION = (
    "NatCen Social Research (2014), evaluation of the Stop It Now! UK and "
    "Ireland helpline: about 2,200 missed calls a month against about 500 "
    "answered. https://www.stopitnow.org.uk/our-impact/helpline-evaluation/ ; "
    "https://www.natcen.ac.uk/news-media/press-releases/2014/may/natcen-study-"
    "reveals-importance-of-providing-anonymous-support-and-advice-to-help-"
    "prevent-child-sexual-abuse/ . A monthly figure with no named month: "
    "entered as 2013-06."
)

# (element, value): only figures of domain_kpis.md §0.1 that fit an element.
FIGURES: list[tuple[str, int]] = [
    ("calls_answered", 500),
    ("calls_missed", 2200),
]

ORGANISATION: dict[str, Any] = {
    "name": "Published figures example",
    "country": "GB",
    "description": (
        "Not an account of a real organisation. It holds figures that the "
        "Stop It Now! UK and Ireland helpline published, re-entered and "
        "re-analysed with their sources, so the whole pipeline can be seen on "
        "real input. All other demo organisations are synthetic."
    ),
}

INITIATIVE: dict[str, Any] = {
    "name": "Published figures example: Stop It Now! UK helpline calls",
    "description": (
        "The service's own published figures (answered and missed calls in a "
        "typical month, NatCen evaluation 2014), re-analysed here. Descriptive "
        "figures only: they cannot show that the service changes anything."
    ),
    "intervention_type": "helpline",
    "prevention_level": "secondary",
    "delivery_mode": "offline",
    "target_groups": ["own_thoughts_or_behaviour", "family_and_friends"],
    "countries": ["GB", "IE"],
    "languages": ["en"],
}

QUESTION: dict[str, Any] = {
    "text": "Does the helpline answer the calls it receives?",
    "design": "routine_monitoring",
    "design_notes": "Published monthly call figures; no comparison group.",
    # No target values: the sources state none, and none is invented here.
    "kpi_targets": [
        {"kpi_id": "R02", "direction": "at_least"},
        {"kpi_id": "R03", "direction": "at_least"},
    ],
}


def _organisation(admin: User) -> Organisation:
    org = Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
    if org is None:
        org = organisation_create(actor=admin, slug=ORGANISATION_SLUG, **ORGANISATION)
    Membership.objects.get_or_create(
        user=admin, organisation=org, defaults={"role": "admin"}
    )
    return org


def _initiative(admin: User, org: Organisation) -> tuple[Initiative, bool]:
    found = Initiative.objects.filter(slug=INITIATIVE_SLUG).first()
    if found is not None:
        return found, False
    initiative = initiative_create(
        actor=admin, organisation=org, slug=INITIATIVE_SLUG, **INITIATIVE
    )
    plan_update(
        actor=admin,
        initiative=initiative,
        summary="Re-analysis of published helpline figures.",
        purpose="Show how published service figures read as KPIs with intervals.",
        data_collected="Two published monthly counts: calls answered and missed.",
    )
    question_save(actor=admin, initiative=initiative, **QUESTION)
    return initiative, True


@transaction.atomic
def load(*, reset: bool = False) -> dict[str, int]:
    """Create the example (idempotent; figures and KPIs are replaced, never
    duplicated). Needs the demo admin account of the core demo loader."""
    admin = User.objects.filter(email=DEMO_ADMIN).first()
    if admin is None:
        return {"published_figures": 0}
    if reset:
        Initiative.objects.filter(slug=INITIATIVE_SLUG).delete()
    org = _organisation(admin)
    initiative, created = _initiative(admin, org)
    period = parse_period(PERIOD)
    saved = 0
    for element, value in FIGURES:
        clean, errors = validate_figure(
            {
                "element": element,
                "period_start": period.start,
                "period_end": period.end,
                "value": value,
                "source_system": SOURCE_SYSTEM,
                "note": CITATION,
            },
            today=timezone.localdate(),
        )
        if clean is None:
            raise ValueError(f"published figure {element}: {errors}")
        figure_save(actor=admin, initiative=initiative, clean=clean)
        saved += 1
    StoredResult.objects.filter(initiative=initiative).delete()
    compute_and_store(initiative=initiative, period=period, kpi_ids=KPI_IDS)
    return {"published_figures": saved if created else 0}
