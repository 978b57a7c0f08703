"""The cast for every app test: organisation A with one person per role,
organisation B that must never see A's data, a consortium evaluator and a
platform admin who belongs to no organisation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class Cast:
    org_a: Any
    org_b: Any
    admin_a: Any
    analyst_a: Any
    staff_a: Any
    viewer_a: Any
    admin_b: Any
    evaluator: Any
    platform_admin: Any
    initiative_a: Any
    initiative_b: Any
    question_a: Any


PASSWORD = "a-long-test-password-42"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request in German leaves German active in the test thread (Django's
    locale middleware does not switch back); reset it so test order never
    decides the language of another test's texts."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def cast(db: Any) -> Cast:
    from evidencehub.apps.accounts.models import (
        Consortium,
        ConsortiumMembership,
        Membership,
        User,
    )
    from evidencehub.apps.accounts.services import organisation_create
    from evidencehub.apps.initiatives.services import initiative_create, question_save

    def user(email: str, **extra: Any) -> Any:
        return User.objects.create_user(email, PASSWORD, **extra)

    admin_a, admin_b = user("admin-a@example.org"), user("admin-b@example.org")
    org_a = organisation_create(actor=admin_a, name="Org A", slug="org-a", country="DE")
    org_b = organisation_create(actor=admin_b, name="Org B", slug="org-b", country="NL")
    people = {}
    for role in ("analyst", "staff", "viewer"):
        people[role] = user(f"{role}-a@example.org")
        Membership.objects.create(user=people[role], organisation=org_a, role=role)
    evaluator = user("evaluator@example.org")
    consortium = Consortium.objects.create(name="Consortium", slug="consortium")
    consortium.organisations.add(org_a, org_b)
    ConsortiumMembership.objects.create(user=evaluator, consortium=consortium)
    platform_admin = User.objects.create_superuser("platform@example.org", PASSWORD)
    profile = {
        "intervention_type": "helpline",
        "prevention_level": "secondary",
        "delivery_mode": "hybrid",
        "target_groups": ["own_thoughts_or_behaviour"],
        "countries": ["DE"],
        "languages": ["de"],
    }
    initiative_a = initiative_create(
        actor=admin_a,
        organisation=org_a,
        name="Helpline A",
        slug="helpline-a",
        **profile,
    )
    initiative_b = initiative_create(
        actor=admin_b,
        organisation=org_b,
        name="Helpline B",
        slug="helpline-b",
        **profile,
    )
    question_a = question_save(
        actor=admin_a,
        initiative=initiative_a,
        text="Does it reach people?",
        design="routine_monitoring",
        kpi_targets=[{"kpi_id": "R02", "direction": "at_least", "target_value": 100}],
    )
    return Cast(
        org_a=org_a,
        org_b=org_b,
        admin_a=admin_a,
        analyst_a=people["analyst"],
        staff_a=people["staff"],
        viewer_a=people["viewer"],
        admin_b=admin_b,
        evaluator=evaluator,
        platform_admin=platform_admin,
        initiative_a=initiative_a,
        initiative_b=initiative_b,
        question_a=question_a,
    )


@pytest.fixture
def client_for(client: Any) -> Any:
    """``client_for(user)``: a test client signed in as ``user``."""

    def sign_in(user: Any) -> Any:
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def api_for() -> Any:
    """``api_for(user)``: a DRF client authenticated as ``user``."""
    from rest_framework.test import APIClient

    def make(user: Any) -> Any:
        api = APIClient()
        api.force_authenticate(user)
        return api

    return make
