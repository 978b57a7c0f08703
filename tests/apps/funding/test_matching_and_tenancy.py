"""Matching pages and organisation-scoped resources: members see their own,
outsiders get 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from evidencehub.apps.funding.models import (
    Call,
    FundingProfile,
    SavedSearch,
    WatchedCall,
)
from evidencehub.apps.funding.selectors import matches_for
from evidencehub.apps.funding.services import saved_search_create, watch


def test_matches_are_ranked_and_explained(cast: Any, demo: dict[str, int]) -> None:
    eligible, ineligible = matches_for(cast.org_a)
    keys = [c.key for c, _m in eligible]
    assert keys[0] == "demo-small-grants-online-prevention"
    _call, match = eligible[0]
    assert "organisations in Germany can apply" in match.summary
    assert "open to: non-profit association or ngo" in match.summary
    assert (
        "themes match:" in match.summary and "helplines and hotlines" in match.summary
    )
    assert "grant €50k\u2013150k" in match.summary
    blocked = {c.key: m for c, m in ineligible}
    assert (
        "not open to organisations in Germany"
        in blocked["demo-municipal-partnerships"].summary
    )
    assert (
        "only for: university or research institute"
        in blocked["demo-deterrence-research"].summary
    )


def test_organisation_page_shows_matches_and_reasons(
    cast: Any, demo: dict[str, int], client_for: Any
) -> None:
    page = client_for(cast.viewer_a).get("/funding/o/org-a/").content.decode()
    assert "Small grants for online prevention projects (synthetic demo)" in page
    assert "Fit" in page and "deadline in" in page
    assert "not open to organisations in Germany" in page


def test_profile_edit_and_validation(
    cast: Any, db: Any, client_for: Any, api_for: Any
) -> None:
    client = client_for(cast.analyst_a)
    response = client.post(
        "/funding/o/org-a/profile/",
        {
            "legal_form": "non_profit",
            "size_band": "micro",
            "themes": ["helplines"],
            "languages": "de, en",
        },
    )
    assert response.status_code == 302
    profile = FundingProfile.objects.get(organisation=cast.org_a)
    assert profile.languages == ["de", "en"] and profile.size_band == "micro"
    bad = client.post("/funding/o/org-a/profile/", {"languages": "not a language!"})
    assert bad.status_code == 200 and "BCP 47" in bad.content.decode()
    assert client_for(cast.viewer_a).get("/funding/o/org-a/profile/").status_code == 403
    api = api_for(cast.admin_a)
    wrong = api.put(
        "/api/v1/funders/organisations/org-a/profile/",
        {"legal_form": "pirate", "colour": 1},
        format="json",
    )
    assert wrong.status_code == 400 and set(wrong.json()) == {"colour"}
    wrong = api.put(
        "/api/v1/funders/organisations/org-a/profile/",
        {"legal_form": "pirate"},
        format="json",
    )
    assert wrong.status_code == 400 and "legal_form" in wrong.json()
    ok = api.put(
        "/api/v1/funders/organisations/org-a/profile/",
        {"themes": ["csa_prevention"]},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["themes"] == ["csa_prevention"]


ORG_PAGES = [
    "/funding/o/org-a/",
    "/funding/o/org-a/profile/",
    "/funding/o/org-a/share/demo-evaluation-vouchers/",
]
ORG_POSTS = [
    "/funding/o/org-a/watch/demo-evaluation-vouchers/",
    "/funding/o/org-a/searches/",
]
ORG_API = [
    "/api/v1/funders/organisations/org-a/profile/",
    "/api/v1/funders/organisations/org-a/matches/",
    "/api/v1/funders/organisations/org-a/saved-searches/",
    "/api/v1/funders/organisations/org-a/watchlist/",
]


@pytest.mark.parametrize("who", ["admin_b", "evaluator", "platform_admin"])
def test_outsiders_get_404(
    cast: Any, demo: dict[str, int], client_for: Any, api_for: Any, who: str
) -> None:
    user = getattr(cast, who)
    saved = saved_search_create(
        actor=cast.admin_a, organisation=cast.org_a, name="Mine", params={"q": "x"}
    )
    call = Call.objects.get(key="demo-evaluation-vouchers")
    watch(actor=cast.admin_a, organisation=cast.org_a, call=call)
    client = client_for(user)
    for url in ORG_PAGES:
        assert client.get(url).status_code == 404, url
    for url in [*ORG_POSTS, f"/funding/o/org-a/searches/{saved.pk}/delete/"]:
        assert client.post(url, {"name": "x"}).status_code == 404, url
    api = api_for(user)
    for url in ORG_API:
        assert api.get(url).status_code == 404, url
    assert (
        api.post(
            "/api/v1/funders/organisations/org-a/saved-searches/",
            {"name": "x", "params": {}},
            format="json",
        ).status_code
        == 404
    )
    assert (
        api.delete(
            f"/api/v1/funders/organisations/org-a/saved-searches/{saved.pk}/"
        ).status_code
        == 404
    )
    assert (
        api.delete(
            "/api/v1/funders/organisations/org-a/watchlist/demo-evaluation-vouchers/"
        ).status_code
        == 404
    )
    assert (
        api.put(
            "/api/v1/funders/organisations/org-a/profile/", {}, format="json"
        ).status_code
        == 404
    )
    shared = api.post(
        "/api/v1/calls/demo-evaluation-vouchers/share/",
        {"organisation": "org-a", "recipients": ["viewer-a@example.org"]},
        format="json",
    )
    assert shared.status_code == 404
    assert SavedSearch.objects.filter(organisation=cast.org_a).count() == 1
    assert WatchedCall.objects.filter(organisation=cast.org_a).count() == 1


def test_members_use_saved_searches_watchlist_and_share(
    cast: Any, demo: dict[str, int], client_for: Any, api_for: Any, mailoutbox: Any
) -> None:
    client = client_for(cast.staff_a)
    saved = client.post(
        "/funding/o/org-a/searches/", {"name": "Online", "q": "online", "country": "DE"}
    )
    assert saved.status_code == 302
    assert SavedSearch.objects.get(organisation=cast.org_a).params == {
        "q": "online",
        "country": "DE",
    }
    assert (
        client.post("/funding/o/org-a/watch/demo-helpline-capacity-fund/").status_code
        == 302
    )
    assert WatchedCall.objects.filter(organisation=cast.org_a).count() == 1
    api = api_for(cast.staff_a)
    listed = api.get("/api/v1/funders/organisations/org-a/watchlist/").json()
    assert [c["id"] for c in listed] == ["demo-helpline-capacity-fund"]
    added = api.post(
        "/api/v1/funders/organisations/org-a/watchlist/",
        {"call": "nope"},
        format="json",
    )
    assert added.status_code == 400 and "call" in added.json()
    searches = api.get("/api/v1/funders/organisations/org-a/saved-searches/").json()
    assert searches[0]["feed_url"].endswith(".ics")
    bad = api.post(
        "/api/v1/funders/organisations/org-a/saved-searches/",
        {"name": "", "params": {"colour": "red"}},
        format="json",
    )
    assert bad.status_code == 400 and "name" in bad.json()
    bad = api.post(
        "/api/v1/funders/organisations/org-a/saved-searches/",
        {"name": "x", "params": {"colour": "red"}},
        format="json",
    )
    assert bad.status_code == 400 and "colour" in bad.json()
    shared = api.post(
        "/api/v1/calls/demo-helpline-capacity-fund/share/",
        {
            "organisation": "org-a",
            "recipients": ["viewer-a@example.org"],
            "message": "For us?",
        },
        format="json",
    )
    assert shared.status_code == 201
    assert len(mailoutbox) == 1 and "For us?" in mailoutbox[0].body
    assert mailoutbox[0].to == ["viewer-a@example.org"]
    outsider = api.post(
        "/api/v1/calls/demo-helpline-capacity-fund/share/",
        {"organisation": "org-a", "recipients": ["admin-b@example.org"]},
        format="json",
    )
    assert outsider.status_code == 400 and "recipients" in outsider.json()
    page = client.post(
        "/funding/o/org-a/share/demo-helpline-capacity-fund/",
        {"recipients": [str(cast.admin_a.pk)], "message": ""},
    )
    assert page.status_code == 302 and len(mailoutbox) == 2


def test_profile_initiative_widens_themes_and_languages(cast: Any, db: Any) -> None:
    from evidencehub.apps.funding.selectors import org_profile
    from evidencehub.apps.funding.services import profile_update

    profile_update(
        actor=cast.admin_a, organisation=cast.org_a, themes=["research_evaluation"]
    )
    assert org_profile(cast.org_a).themes == {"research_evaluation"}
    profile_update(
        actor=cast.admin_a, organisation=cast.org_a, initiative=cast.initiative_a
    )
    widened = org_profile(cast.org_a)
    assert {"helplines", "research_evaluation"} <= widened.themes
    assert "de" in widened.languages
    with pytest.raises(ValidationError):
        profile_update(
            actor=cast.admin_a, organisation=cast.org_a, initiative=cast.initiative_b
        )


def test_profile_initiative_via_page_and_api(
    cast: Any, db: Any, client_for: Any, api_for: Any
) -> None:
    page = client_for(cast.admin_a).post(
        "/funding/o/org-a/profile/",
        {"initiative": cast.initiative_a.pk, "languages": "de"},
    )
    assert page.status_code == 302
    assert (
        FundingProfile.objects.get(organisation=cast.org_a).initiative
        == cast.initiative_a
    )
    other = client_for(cast.admin_a).post(
        "/funding/o/org-a/profile/", {"initiative": cast.initiative_b.pk}
    )
    assert other.status_code == 200  # not one of ours: the form says so
    api = api_for(cast.admin_a)
    wrong = api.put(
        "/api/v1/funders/organisations/org-a/profile/",
        {"initiative": "helpline-b"},
        format="json",
    )
    assert wrong.status_code == 400 and "initiative" in wrong.json()
    ok = api.put(
        "/api/v1/funders/organisations/org-a/profile/",
        {"initiative": None},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["initiative"] is None
