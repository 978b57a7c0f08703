"""Organisation B, the evaluator and the platform admin (outside the admin site)
never see organisation A's data: every page and API endpoint is checked."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

# Pages that show organisation A's data. {i} = initiative slug, {q} = question id.
PAGES = [
    "/o/org-a/",
    "/o/org-a/members/",
    "/o/org-a/audit/",
    "/o/org-a/initiatives/new/",
    "/initiatives/{i}/",
    "/initiatives/{i}/edit/",
    "/initiatives/{i}/delete/",
    "/initiatives/{i}/logic-model/",
    "/initiatives/{i}/plan/",
    "/initiatives/{i}/plan/edit/",
    "/initiatives/{i}/plan/questions/new/",
    "/initiatives/{i}/plan/questions/{q}/",
    "/initiatives/{i}/data-protection/",
    "/initiatives/{i}/jrc-profile.json",
]
API = [
    "/api/v1/organisations/org-a/",
    "/api/v1/organisations/org-a/memberships/",
    "/api/v1/organisations/org-a/audit-events/",
    "/api/v1/initiatives/{i}/",
    "/api/v1/initiatives/{i}/logic-model/",
    "/api/v1/initiatives/{i}/plan/",
    "/api/v1/initiatives/{i}/jrc-profile/",
]
OUTSIDERS = ["admin_b", "evaluator", "platform_admin"]


def _url(template: str, cast: Any) -> str:
    return template.format(i=cast.initiative_a.slug, q=cast.question_a.pk)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_not_found_on_pages(
    cast: Any, client_for: Any, page: str, who: str
) -> None:
    response = client_for(getattr(cast, who)).get(_url(page, cast))
    assert response.status_code == 404
    assert b"Helpline A" not in response.content


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_post_to_pages(
    cast: Any, client_for: Any, page: str, who: str
) -> None:
    response = client_for(getattr(cast, who)).post(_url(page, cast), {"name": "x"})
    assert response.status_code in (404, 405)
    cast.initiative_a.refresh_from_db()
    assert cast.initiative_a.name == "Helpline A"


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(
    cast: Any, client: Any, page: str
) -> None:
    response = client.get(_url(page, cast))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize("page", PAGES)
def test_organisation_admin_sees_every_page(
    cast: Any, client_for: Any, page: str
) -> None:
    assert client_for(cast.admin_a).get(_url(page, cast)).status_code == 200


@pytest.mark.parametrize("endpoint", API)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_not_found_in_the_api(
    cast: Any, api_for: Any, endpoint: str, who: str
) -> None:
    api = api_for(getattr(cast, who))
    url = _url(endpoint, cast)
    assert api.get(url).status_code == 404
    for method in ("put", "patch", "delete"):
        assert getattr(api, method)(url, {}, format="json").status_code in (404, 405)
    cast.initiative_a.refresh_from_db()


@pytest.mark.parametrize("endpoint", API)
def test_the_api_needs_authentication(cast: Any, endpoint: str) -> None:
    from rest_framework.test import APIClient

    assert APIClient().get(_url(endpoint, cast)).status_code in (401, 403)


@pytest.mark.parametrize("endpoint", API)
def test_organisation_admin_reads_every_endpoint(
    cast: Any, api_for: Any, endpoint: str
) -> None:
    assert api_for(cast.admin_a).get(_url(endpoint, cast)).status_code == 200


def test_lists_only_hold_own_organisations(cast: Any, api_for: Any) -> None:
    api = api_for(cast.admin_b)
    slugs = [o["slug"] for o in api.get("/api/v1/organisations/").json()]
    assert slugs == ["org-b"]
    initiatives = [i["slug"] for i in api.get("/api/v1/initiatives/").json()]
    assert initiatives == ["helpline-b"]
    filtered = api.get("/api/v1/initiatives/?organisation=org-a").json()
    assert filtered == []


def test_home_and_navigation_show_only_own_organisations(
    cast: Any, client_for: Any
) -> None:
    response = client_for(cast.admin_b).get("/", follow=True)
    assert b"Org B" in response.content
    assert b"Org A" not in response.content


def test_a_person_in_two_organisations_sees_both(cast: Any, api_for: Any) -> None:
    from evidencehub.apps.accounts.models import Membership

    Membership.objects.create(
        user=cast.analyst_a, organisation=cast.org_b, role="viewer"
    )
    slugs = {
        i["slug"] for i in api_for(cast.analyst_a).get("/api/v1/initiatives/").json()
    }
    assert slugs == {"helpline-a", "helpline-b"}


def test_creating_an_initiative_in_another_organisation_is_refused(
    cast: Any, api_for: Any
) -> None:
    payload = {
        "organisation": "org-a",
        "name": "Intruder",
        "slug": "intruder",
        "intervention_type": "helpline",
        "prevention_level": "secondary",
        "delivery_mode": "online",
        "target_groups": [],
        "countries": ["DE"],
        "languages": ["de"],
    }
    assert (
        api_for(cast.admin_b)
        .post("/api/v1/initiatives/", payload, format="json")
        .status_code
        == 404
    )


def test_question_ids_of_another_initiative_are_not_found(
    cast: Any, client_for: Any, api_for: Any
) -> None:
    url = f"/initiatives/{cast.initiative_b.slug}/plan/questions/{cast.question_a.pk}/"
    assert client_for(cast.admin_b).get(url).status_code == 404
    slug, pk = cast.initiative_b.slug, cast.question_a.pk
    api_url = f"/api/v1/initiatives/{slug}/plan/questions/{pk}/"
    assert api_for(cast.admin_b).delete(api_url).status_code == 404


def test_membership_ids_of_another_organisation_are_not_found(
    cast: Any, api_for: Any
) -> None:
    from evidencehub.apps.accounts.models import Membership

    member_a = Membership.objects.get(user=cast.viewer_a)
    url = f"/api/v1/organisations/org-b/memberships/{member_a.pk}/"
    assert api_for(cast.admin_b).delete(url).status_code == 404
    assert Membership.objects.filter(pk=member_a.pk).exists()


def test_admin_site_is_for_platform_admins_only(cast: Any, client_for: Any) -> None:
    assert (
        client_for(cast.platform_admin)
        .get("/admin/initiatives/initiative/")
        .status_code
        == 200
    )
    cast.admin_a.is_staff = True
    cast.admin_a.save()
    response = client_for(cast.admin_a).get("/admin/initiatives/initiative/")
    assert response.status_code == 302


def test_evaluator_sees_the_consortium_but_no_data(cast: Any, client_for: Any) -> None:
    response = client_for(cast.evaluator).get("/consortia/consortium/")
    assert response.status_code == 200
    assert b"Org A" in response.content
    assert b"Helpline A" not in response.content
    assert client_for(cast.admin_b).get("/consortia/consortium/").status_code == 404


def test_jrc_profile_export_carries_categories_and_profile(
    cast: Any, api_for: Any
) -> None:
    api = api_for(cast.viewer_a)
    body = api.get("/api/v1/initiatives/helpline-a/jrc-profile/").json()
    assert body["taxonomy"] == "jrc131323"
    assert body["initiative"] == "helpline-a"
    assert len(body["criteria"]) == 14
    assert [c["id"] for c in body["categories"]] != []
    assert body["profile"]["countries"] == ["DE"]
    assert body["profile"]["evaluation_ceiling"]["eif"] == "NL2"
