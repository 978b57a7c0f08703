"""What each role may do inside its own organisation, in pages and the API."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

ROLES = ["admin_a", "analyst_a", "staff_a", "viewer_a"]


def _expect(who: str, allowed: set[str]) -> int:
    return 200 if who in allowed else 403


@pytest.mark.parametrize("who", ROLES)
def test_every_role_reads_initiatives_and_plans(
    cast: Any, client_for: Any, who: str
) -> None:
    client = client_for(getattr(cast, who))
    for url in (
        "/o/org-a/",
        "/initiatives/helpline-a/",
        "/initiatives/helpline-a/plan/",
    ):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ROLES)
def test_only_admins_edit_the_initiative_profile(
    cast: Any, api_for: Any, who: str
) -> None:
    response = api_for(getattr(cast, who)).patch(
        "/api/v1/initiatives/helpline-a/", {"name": "Renamed"}, format="json"
    )
    assert response.status_code == _expect(who, {"admin_a"})
    cast.initiative_a.refresh_from_db()
    assert (cast.initiative_a.name == "Renamed") is (who == "admin_a")


@pytest.mark.parametrize("who", ROLES)
def test_admins_and_analysts_edit_plans_and_logic_models(
    cast: Any, api_for: Any, who: str
) -> None:
    api = api_for(getattr(cast, who))
    allowed = {"admin_a", "analyst_a"}
    response = api.put(
        "/api/v1/initiatives/helpline-a/logic-model/",
        {"inputs": ["Staff"]},
        format="json",
    )
    assert response.status_code == _expect(who, allowed)
    response = api.put(
        "/api/v1/initiatives/helpline-a/plan/", {"summary": "New"}, format="json"
    )
    assert response.status_code == _expect(who, allowed)


@pytest.mark.parametrize("who", ROLES)
def test_only_admins_manage_members_and_read_the_audit_log(
    cast: Any, client_for: Any, api_for: Any, who: str
) -> None:
    user = getattr(cast, who)
    for url in ("/o/org-a/members/", "/o/org-a/audit/"):
        assert client_for(user).get(url).status_code == _expect(who, {"admin_a"})
    for url in (
        "/api/v1/organisations/org-a/memberships/",
        "/api/v1/organisations/org-a/audit-events/",
    ):
        assert api_for(user).get(url).status_code == _expect(who, {"admin_a"})


@pytest.mark.parametrize("who", ROLES)
def test_only_admins_create_and_delete_initiatives(
    cast: Any, client_for: Any, who: str
) -> None:
    client = client_for(getattr(cast, who))
    assert client.get("/o/org-a/initiatives/new/").status_code == _expect(
        who, {"admin_a"}
    )
    response = client.post("/initiatives/helpline-a/delete/")
    if who == "admin_a":
        assert response.status_code == 302
    else:
        assert response.status_code == 403
        cast.initiative_a.refresh_from_db()


@pytest.mark.parametrize("who", ["staff_a", "viewer_a"])
def test_read_only_roles_cannot_post_the_logic_model_form(
    cast: Any, client_for: Any, who: str
) -> None:
    response = client_for(getattr(cast, who)).post(
        "/initiatives/helpline-a/logic-model/", {"inputs": "x"}
    )
    assert response.status_code == 403


def test_admin_adds_changes_and_removes_a_member(cast: Any, api_for: Any) -> None:
    api = api_for(cast.admin_a)
    created = api.post(
        "/api/v1/organisations/org-a/memberships/",
        {"email": "new@example.org", "role": "viewer"},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    url = f"/api/v1/organisations/org-a/memberships/{pk}/"
    assert (
        api.patch(url, {"role": "analyst"}, format="json").json()["role"] == "analyst"
    )
    assert api.delete(url).status_code == 204


def test_the_last_admin_cannot_be_removed_or_demoted(cast: Any, api_for: Any) -> None:
    from evidencehub.apps.accounts.models import Membership

    own = Membership.objects.get(user=cast.admin_a, organisation=cast.org_a)
    url = f"/api/v1/organisations/org-a/memberships/{own.pk}/"
    api = api_for(cast.admin_a)
    demoted = api.patch(url, {"role": "viewer"}, format="json")
    assert demoted.status_code == 400
    assert "role" in demoted.json()
    assert api.delete(url).status_code == 400
    own.refresh_from_db()
    assert own.role == "admin"


def test_members_page_adds_a_person_and_shows_the_next_step(
    cast: Any, client_for: Any
) -> None:
    response = client_for(cast.admin_a).post(
        "/o/org-a/members/",
        {"email": "helper@example.org", "role": "staff"},
        follow=True,
    )
    assert b"helper@example.org" in response.content
    assert b"e-mailed the person a link" in response.content
