"""Demo data of the funders database, loaded by `evidencehub demo`.

* The real, researched seed records (``seed/funders_seed.json``), unaltered.
  Almost all of their calls are closed: they document each funder's rhythm.
* Five SYNTHETIC open or forthcoming calls from a SYNTHETIC funder, so
  matching, deadlines and calendars have something to show. Their names say
  "(synthetic demo)"; their deadlines are set relative to today.
* The two FICTIONAL grants of the shipped 360Giving example, one of them with
  its recipient anonymised.
* Funding profiles for the demo organisations.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.funding.imports import anonymise_recipient, import_360giving
from evidencehub.apps.funding.models import (
    Call,
    Funder,
    FundingProfile,
    Origin,
    PastGrant,
)
from evidencehub.apps.funding.services import (
    call_save,
    load_seed,
    profile_update,
    refresh_search_text,
)
from evidencehub.core.funding.giving360 import CATALOGUE

DEMO_FUNDER = "demo-example-prevention-foundation"
DEMO_SOURCE = [{"url": "https://example.org/synthetic-demo", "kind": "synthetic"}]
DEMO_PACKAGE = CATALOGUE / "synthetic-example-360giving-package.json"
ANONYMISED_GRANT = "360G-ExamplePreventionFund-2024-001"


def _calls(today: date) -> list[dict[str, Any]]:
    def day(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    base = {"funder": DEMO_FUNDER, "sources": DEMO_SOURCE, "currency": "EUR"}
    return [
        {
            **base,
            "key": "demo-small-grants-online-prevention",
            "name": "Small grants for online prevention projects (synthetic demo)",
            "status": "open",
            "deadline_text": f"{day(23)} 17:00 CET",
            "deadline_model": "single-stage",
            "min_grant": 50000,
            "max_grant": 150000,
            "funding_rate": 100,
            "countries": ["DE", "AT", "NL"],
            "eligible_org_types": ["non_profit", "charity", "foundation"],
            "eligible_sizes": ["micro", "small"],
            "themes": [
                "online_safety",
                "csa_prevention",
                "perpetrator_prevention",
                "helplines",
            ],
            "languages": ["de", "en"],
            "who_can_apply": "Small non-profits in Germany, Austria or the Netherlands",
            "plain_summary": (
                "Synthetic demo call. Money for small organisations that run "
                "online prevention for people worried about their sexual "
                "thoughts about children."
            ),
        },
        {
            **base,
            "key": "demo-helpline-capacity-fund",
            "name": "Helpline capacity fund (synthetic demo)",
            "status": "open",
            "deadline_text": f"{day(60)} 12:00 CET",
            "deadline_model": "single-stage",
            "min_grant": 100000,
            "max_grant": 500000,
            "funding_rate": 80,
            "countries": ["AT", "BE", "DE", "FI", "FR", "NL", "PL", "SE"],
            "min_countries": 3,
            "eligible_org_types": ["non_profit", "charity", "public_body"],
            "themes": ["helplines", "victim_support", "child_protection"],
            "languages": ["en"],
            "who_can_apply": (
                "Non-profits and public bodies, with partners in 3 countries"
            ),
            "plain_summary": (
                "Synthetic demo call. Staff, training and opening hours for helplines."
            ),
        },
        {
            **base,
            "key": "demo-evaluation-vouchers",
            "name": "Evaluation support vouchers (synthetic demo)",
            "status": "rolling",
            "deadline_text": "rolling",
            "deadline_model": "rolling",
            "max_grant": 20000,
            "funding_rate": 100,
            "global_scope": True,
            "themes": ["research_evaluation", "csa_prevention"],
            "who_can_apply": "Any prevention service, any country",
            "plain_summary": (
                "Synthetic demo call. Pays an evaluator to help you measure your work."
            ),
        },
        {
            **base,
            "key": "demo-municipal-partnerships",
            "name": "Municipal prevention partnerships (synthetic demo)",
            "status": "open",
            "deadline_text": day(10),
            "max_grant": 250000,
            "countries": ["NL"],
            "eligible_org_types": ["public_body"],
            "themes": ["child_protection", "violence_against_children"],
            "languages": ["nl"],
            "who_can_apply": "Dutch municipalities only",
            "plain_summary": (
                "Synthetic demo call. For municipalities in the Netherlands."
            ),
        },
        {
            **base,
            "key": "demo-deterrence-research",
            "name": "Research on deterrence messages (synthetic demo)",
            "status": "forthcoming",
            "opening_date": day(20),
            "deadline_text": f"{day(100)} 17:00 CET",
            "deadline_model": "two-stage",
            "min_grant": 300000,
            "max_grant": 1500000,
            "countries": ["AT", "BE", "DE", "FI", "FR", "NL", "PL", "SE"],
            "eligible_org_types": ["university"],
            "themes": [
                "perpetrator_prevention",
                "research_evaluation",
                "online_safety",
            ],
            "who_can_apply": "Universities and research institutes in the EU",
            "plain_summary": (
                "Synthetic demo call. Studies of warning messages on platforms."
            ),
        },
    ]


PROFILES = {
    "demo-helpline-de": {
        "legal_form": "non_profit",
        "size_band": "small",
        "themes": [
            "helplines",
            "perpetrator_prevention",
            "csa_prevention",
            "online_safety",
        ],
        "languages": ["de", "en"],
    },
    "demo-online-nl": {
        "legal_form": "foundation",
        "size_band": "micro",
        "themes": ["online_safety", "csa_prevention"],
        "languages": ["nl", "en"],
    },
}


@transaction.atomic
def load(*, reset: bool = False) -> dict[str, int]:
    """Create this app's demo records idempotently; return counts created."""
    if reset:
        Call.objects.filter(origin=Origin.DEMO).delete()
        Funder.objects.filter(origin=Origin.DEMO).delete()
        PastGrant.objects.filter(
            identifier__startswith="360G-ExamplePreventionFund"
        ).delete()
        FundingProfile.objects.filter(organisation__slug__in=PROFILES).delete()
    before = Call.objects.count() + Funder.objects.count() + PastGrant.objects.count()
    load_seed()
    funder, _ = Funder.objects.get_or_create(
        key=DEMO_FUNDER,
        defaults={
            "name": "Example Prevention Foundation (synthetic demo)",
            "funder_type": "private_foundation",
            "funder_type_text": "private foundation (synthetic)",
            "countries": ["AT", "DE", "NL"],
            "themes": ["csa_prevention", "online_safety"],
            "eligibility": (
                "Synthetic demo funder: small non-profits in Austria, Germany "
                "and the Netherlands."
            ),
            "sources": DEMO_SOURCE,
            "origin": Origin.DEMO,
            "notes": "This funder does not exist. It makes the demo's matching work.",
        },
    )
    if not funder.search_text:
        refresh_search_text(funder)
        funder.save()
    today = timezone.now().date()
    for spec in _calls(today):
        spec = dict(spec)
        key = spec.pop("key")
        if Call.objects.filter(key=key).exists():
            continue
        call_save(actor=None, key=key, origin=Origin.DEMO, reason="demo", **spec)
    if not PastGrant.objects.filter(identifier=ANONYMISED_GRANT).exists():
        import_360giving(
            actor=None, name=DEMO_PACKAGE.name, data=DEMO_PACKAGE.read_bytes()
        )
        grant = PastGrant.objects.get(identifier=ANONYMISED_GRANT)
        anonymise_recipient(actor=None, grant=grant, region="Southern Germany")
    profiles = 0
    for slug, values in PROFILES.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if (
            organisation is None
            or FundingProfile.objects.filter(organisation=organisation).exists()
        ):
            continue
        admin = (
            organisation.memberships.filter(role="admin").select_related("user").first()
        )
        if admin is None:
            continue
        profile_update(actor=admin.user, organisation=organisation, **values)
        profiles += 1
    after = Call.objects.count() + Funder.objects.count() + PastGrant.objects.count()
    return {"funding_records": after - before, "funding_profiles": profiles}
