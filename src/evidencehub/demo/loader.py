"""Load the synthetic demo: three organisations in three countries, six
initiatives (one per intervention type except "other"), each with a logic model
and an evaluation plan, and a person for every role.

Loading is idempotent: it is keyed on slugs and e-mail addresses, so running it
twice changes nothing. ``reset=True`` deletes the demo records first.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from evidencehub.apps.accounts.models import (
    Consortium,
    ConsortiumMembership,
    Membership,
    Organisation,
    User,
)
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.initiatives.services import (
    initiative_create,
    logic_model_update,
    plan_update,
    question_save,
)

DEMO_PASSWORD = "evidencehub-demo"
DEMO_EMAIL_DOMAIN = "demo.example"
CONSORTIUM_SLUG = "demo-consortium"
# Apps that add their own synthetic data; each module has ``load(*, reset)``.
EXTENSIONS = (
    "evidencehub.apps.collect.demo",
    "evidencehub.apps.funding.demo",
    "evidencehub.apps.instruments.demo",
    "evidencehub.apps.operations.demo",
    "evidencehub.apps.sharing.published_example",
    "evidencehub.apps.kpis.demo",
    "evidencehub.apps.privacy.demo",
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


ORGANISATIONS: list[dict[str, Any]] = [
    {
        "slug": "demo-helpline-de",
        "name": "Synthetic Helpline Association (demo)",
        "country": "DE",
        "description": "A fictional organisation used for the demo. It does not exist.",
    },
    {
        "slug": "demo-online-nl",
        "name": "Example Online Prevention Foundation (demo)",
        "country": "NL",
        "description": "A fictional organisation used for the demo. It does not exist.",
    },
    {
        "slug": "demo-network-fi",
        "name": "Invented Support Network (demo)",
        "country": "FI",
        "description": "A fictional organisation used for the demo. It does not exist.",
    },
]

# (email local part, organisation slug or None, role)
PEOPLE: list[tuple[str, str | None, str]] = [
    ("admin", "demo-helpline-de", "admin"),
    ("analyst", "demo-helpline-de", "analyst"),
    ("analyst", "demo-online-nl", "viewer"),
    ("staff", "demo-helpline-de", "staff"),
    ("viewer", "demo-helpline-de", "viewer"),
    ("admin-nl", "demo-online-nl", "admin"),
    ("admin-fi", "demo-network-fi", "admin"),
    ("evaluator", None, "evaluator"),
    ("platform", None, "platform admin"),
]

_OWN = "own_thoughts_or_behaviour"

INITIATIVES: list[dict[str, Any]] = [
    {
        "organisation": "demo-helpline-de",
        "slug": "demo-helpline",
        "name": "Demo confidential helpline",
        "description": "Synthetic example: an anonymous phone and chat line.",
        "intervention_type": "helpline",
        "prevention_level": "secondary",
        "delivery_mode": "hybrid",
        "target_groups": [_OWN, "family_and_friends"],
        "countries": ["DE", "AT"],
        "languages": ["de", "en"],
        "start_date": date(2021, 1, 1),
    },
    {
        "organisation": "demo-helpline-de",
        "slug": "demo-therapy",
        "name": "Demo outpatient therapy programme",
        "description": "Synthetic example: weekly group and individual therapy.",
        "intervention_type": "therapy_treatment",
        "prevention_level": "secondary",
        "delivery_mode": "offline",
        "target_groups": [_OWN],
        "countries": ["DE"],
        "languages": ["de"],
        "start_date": date(2019, 6, 1),
    },
    {
        "organisation": "demo-online-nl",
        "slug": "demo-self-help",
        "name": "Demo online self-help course",
        "description": "Synthetic example: an eight-module anonymous course.",
        "intervention_type": "online_self_help",
        "prevention_level": "secondary",
        "delivery_mode": "online",
        "onion_service": True,
        "target_groups": [_OWN],
        "countries": ["NL", "BE"],
        "languages": ["nl", "en", "fr"],
        "start_date": date(2022, 3, 1),
    },
    {
        "organisation": "demo-online-nl",
        "slug": "demo-warnings",
        "name": "Demo search warning messages",
        "description": "Synthetic example: warnings with a link to help.",
        "intervention_type": "deterrence_warning",
        "prevention_level": "primary",
        "delivery_mode": "online",
        "target_groups": [_OWN],
        "countries": ["NL"],
        "languages": ["nl", "en"],
        "start_date": date(2023, 9, 1),
    },
    {
        "organisation": "demo-network-fi",
        "slug": "demo-peer-groups",
        "name": "Demo peer support groups",
        "description": "Synthetic example: moderated online peer groups.",
        "intervention_type": "peer_support",
        "prevention_level": "secondary",
        "delivery_mode": "online",
        "target_groups": [_OWN],
        "countries": ["FI", "SE"],
        "languages": ["fi", "sv", "en"],
        "start_date": date(2024, 1, 15),
    },
    {
        "organisation": "demo-network-fi",
        "slug": "demo-training",
        "name": "Demo training for frontline professionals",
        "description": "Synthetic example: a one-day course for practitioners.",
        "intervention_type": "professional_training",
        "prevention_level": "primary",
        "delivery_mode": "hybrid",
        "target_groups": ["professionals"],
        "countries": ["FI"],
        "languages": ["fi", "en"],
        "start_date": date(2024, 9, 1),
    },
]

LOGIC_MODEL: dict[str, list[str]] = {
    "inputs": ["Trained counsellors (2.5 FTE)", "Clinical supervision", "Website"],
    "activities": ["Anonymous conversations", "Self-help materials", "Safety planning"],
    "outputs": ["Contacts answered", "Sessions completed", "Safety plans agreed"],
    "outcomes_short": ["Lower distress at the end of a contact"],
    "outcomes_medium": ["Protective behaviours taken", "Higher confidence to change"],
    "outcomes_long": ["Fewer children harmed"],
    "assumptions": ["People seek help when they can stay anonymous"],
}

PLAN: dict[str, Any] = {
    "summary": "Synthetic plan for the demo.",
    "purpose": "Find out whether the service reaches people and helps them change.",
    "information_text": (
        "This service is anonymous. We never ask for your name or contact details. "
        "Answering questions is optional and helps us improve the service."
    ),
    "data_collected": (
        "Counts of visits and contacts; optional anonymous questionnaires."
    ),
    "retention_days": 90,
    "safeguarding_route": "Counsellors follow the written escalation protocol.",
    "ethics_reference": "",
}

QUESTIONS: list[dict[str, Any]] = [
    {
        "text": "Does the service reach the people it is for?",
        "design": "routine_monitoring",
        "kpi_targets": [
            {
                "kpi_id": "R02",
                "direction": "at_least",
                "target_value": 1200,
                "unit": "contacts/year",
            },
            {"kpi_id": "R05", "direction": "at_least", "target_value": 50, "unit": "%"},
        ],
    },
    {
        "text": "Do people feel less distressed by the end of a contact?",
        "design": "within_contact",
        "kpi_targets": [
            {
                "kpi_id": "W08",
                "direction": "at_most",
                "target_value": -1,
                "unit": "points (0-10)",
            },
        ],
    },
]


def demo_logins() -> list[DemoLogin]:
    seen: dict[str, list[str]] = {}
    for local, org, role in PEOPLE:
        seen.setdefault(f"{local}@{DEMO_EMAIL_DOMAIN}", []).append(
            f"{role} ({org})" if org else role
        )
    return [DemoLogin(email, ", ".join(roles)) for email, roles in seen.items()]


def _user(local: str, *, superuser: bool = False) -> tuple[User, bool]:
    email = f"{local}@{DEMO_EMAIL_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User(email=email, first_name=local.title(), last_name="(demo)")
    user.set_password(DEMO_PASSWORD)
    user.is_superuser = user.is_staff = superuser
    user.save()
    return user, True


def load_demo(*, reset: bool = False, extensions: bool = True) -> dict[str, int]:
    """Create the demo records that do not exist yet. Returns counts created
    (organisations, initiatives, users, then whatever each extension adds)."""
    created = _load_core(reset=reset)
    if extensions:
        for module in EXTENSIONS:
            created.update(importlib.import_module(module).load(reset=reset))
    return created


@transaction.atomic
def _load_core(*, reset: bool) -> dict[str, int]:
    if reset:
        reset_demo()
    # Only what is created in this run is filled in: an organisation, person or
    # initiative that exists already, or that a user deleted after a first load,
    # is left as the user left it.
    created = {"organisations": 0, "initiatives": 0, "users": 0}
    organisations: dict[str, Organisation] = {}
    new_organisations: set[str] = set()
    for spec in ORGANISATIONS:
        org, was_created = Organisation.objects.get_or_create(
            slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
        )
        organisations[spec["slug"]] = org
        if was_created:
            new_organisations.add(spec["slug"])
    created["organisations"] = len(new_organisations)
    if not new_organisations and not reset:
        return created
    if reset:
        # Demo organisations survive a reset (their audit history is kept), so
        # they are filled in again.
        new_organisations = set(organisations)
    users: dict[str, User] = {}
    for local, org_slug, role in PEOPLE:
        if local not in users:
            users[local], was_new = _user(local, superuser=role == "platform admin")
            created["users"] += int(was_new)
        user = users[local]
        if org_slug in new_organisations:
            Membership.objects.get_or_create(
                user=user, organisation=organisations[org_slug], defaults={"role": role}
            )
    consortium, _c = Consortium.objects.get_or_create(
        slug=CONSORTIUM_SLUG,
        defaults={
            "name": "Demo evaluation consortium",
            "description": "A fictional consortium of the three demo organisations.",
        },
    )
    consortium.organisations.add(*organisations.values())
    ConsortiumMembership.objects.get_or_create(
        user=users["evaluator"], consortium=consortium, defaults={"role": "evaluator"}
    )
    admin = users["admin"]
    for spec in INITIATIVES:
        if spec["organisation"] not in new_organisations:
            continue
        if Initiative.objects.filter(slug=spec["slug"]).exists():
            continue
        data = {k: v for k, v in spec.items() if k != "organisation"}
        initiative = initiative_create(
            actor=admin, organisation=organisations[spec["organisation"]], **data
        )
        logic_model_update(actor=admin, initiative=initiative, parts=LOGIC_MODEL)
        plan_update(actor=admin, initiative=initiative, **PLAN)
        for question in QUESTIONS:
            question_save(actor=admin, initiative=initiative, **question)
        created["initiatives"] += 1
    return created


@transaction.atomic
def reset_demo() -> None:
    """Delete every demo record (organisations, their initiatives and people)."""
    slugs = [spec["slug"] for spec in ORGANISATIONS]
    Initiative.objects.filter(organisation__slug__in=slugs).delete()
    Consortium.objects.filter(slug=CONSORTIUM_SLUG).delete()
    Membership.objects.filter(organisation__slug__in=slugs).delete()
    User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").delete()
    # Audit events are append-only and keep their organisation; demo
    # organisations are therefore kept and reused rather than deleted.
