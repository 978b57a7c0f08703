"""A consortium evaluator sees the member organisations' KPI results only as
released: no figure under the threshold, reasons beside what is withheld."""

from __future__ import annotations

from typing import Any

import pytest

from tests.disclosure_scan import assert_no_small_cells, small_cells

PAGE = "/consortia/consortium/results/?period=2026"
API = "/api/v1/consortia/consortium/results/?period=2026"


def results_of(body: dict[str, Any], initiative: str) -> list[dict[str, Any]]:
    (item,) = [i for i in body["initiatives"] if i["initiative"] == initiative]
    return list(item["results"])


def r02(rows: list[dict[str, Any]], group: str) -> dict[str, Any]:
    (row,) = [r for r in rows if r["kpi_id"] == "R02" and r["group"] == group]
    return row


@pytest.mark.django_db
def test_evaluator_api_releases_protected_figures_only(
    computed: Any, api_for: Any
) -> None:
    response = api_for(computed.evaluator).get(API)
    assert response.status_code == 200
    body = response.json()
    assert body["policy"] == {
        "threshold": 10,
        "rounding_base": None,
        "zeros_shown": True,
    }
    rows = results_of(body, "helpline-a")
    assert r02(rows, "")["value"] == 47
    assert r02(rows, "phone")["value"] == 30
    chat = r02(rows, "chat")
    assert chat["suppressed"] is True
    assert (chat["value"], chat["numerator"], chat["n"]) == (None, None, None)
    assert "under 10" in chat["reasons"][0]
    assert "evidencehub.disclosure.threshold v1" in chat["release_methods"]
    email = r02(rows, "email")  # 14 contacts, withheld so chat = 47 - 30 - 14 fails
    assert email["suppressed"] is True
    assert "cannot be worked out" in email["reasons"][0]
    assert "evidencehub.disclosure.secondary v1" in email["release_methods"]
    assert all("details" not in r for r in rows)
    assert {i["initiative"] for i in body["initiatives"]} == {
        "helpline-a",
        "helpline-b",
    }
    assert_no_small_cells(body, 10)


@pytest.mark.django_db
def test_evaluator_page_shows_reasons_next_to_withheld_figures(
    computed: Any, client_for: Any
) -> None:
    response = client_for(computed.evaluator).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Helpline A" in html and "Helpline B" in html
    assert 'data-suppressed="true"' in html
    assert "under 10, so it could point to individual people" in html
    assert "cannot be worked out from the total" in html
    assert "evidencehub.disclosure.secondary v1" in html
    assert 'data-count="47"' in html
    assert_no_small_cells(html, 10)


@pytest.mark.django_db
def test_the_scanner_catches_what_members_see_unprotected(
    computed: Any, api_for: Any, client_for: Any
) -> None:
    # the same figures for the organisation's own staff hold the chat cell of 3
    internal = api_for(computed.viewer_a).get(
        "/api/v1/initiatives/helpline-a/kpis/?period=2026"
    )
    found = small_cells(internal.json(), 10)
    assert any("= 3" in f for f in found)
    assert small_cells('<span data-n="4">', 10) == ["n attribute = 4"]
    assert small_cells("R02 v1 · 2026 · n = 7", 10) == ["n = 7"]
    assert small_cells({"kpi_id": "X", "value": 0, "numerator": 0}, 10) == []


@pytest.mark.django_db
def test_rounding_base_rounds_released_counts(
    computed: Any, api_for: Any, settings: Any
) -> None:
    settings.ROUNDING_BASE = 5
    rows = results_of(api_for(computed.evaluator).get(API).json(), "helpline-a")
    assert r02(rows, "")["value"] == 45
    assert "evidencehub.disclosure.rounding v1" in r02(rows, "")["release_methods"]
    assert r02(rows, "phone")["value"] == 30


@pytest.mark.django_db
def test_a_stricter_threshold_withholds_more(
    computed: Any, api_for: Any, settings: Any
) -> None:
    settings.SUPPRESSION_THRESHOLD = 26
    rows = results_of(api_for(computed.evaluator).get(API).json(), "helpline-b")
    assert r02(rows, "")["suppressed"] is True
    assert_no_small_cells(api_for(computed.evaluator).get(API).json(), 26)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin_b", "viewer_a", "admin_a", "platform_admin"])
def test_only_the_consortium_evaluators_get_in(
    computed: Any, api_for: Any, client_for: Any, who: str
) -> None:
    user = getattr(computed, who)
    assert api_for(user).get(API).status_code == 404
    assert client_for(user).get(PAGE).status_code == 404


@pytest.mark.django_db
def test_evaluators_of_another_consortium_get_404(
    computed: Any, api_for: Any, client_for: Any
) -> None:
    from evidencehub.apps.accounts.models import Consortium, ConsortiumMembership, User

    other = User.objects.create_user(
        "other-eval@example.org", "a-long-test-password-42"
    )
    mine = Consortium.objects.create(name="Other", slug="other")
    ConsortiumMembership.objects.create(user=other, consortium=mine)
    assert api_for(other).get(API).status_code == 404
    assert client_for(other).get(PAGE).status_code == 404
    assert (
        api_for(other).get("/api/v1/consortia/other/results/").json()["initiatives"]
        == []
    )


@pytest.mark.django_db
def test_signed_out_visitors_are_turned_away(computed: Any, client: Any) -> None:
    assert client.get(PAGE).status_code == 302
    assert client.get(API).status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "period", ["2026-13", "last year", "x" * 500, "2026-05-01..2020-01-01"]
)
def test_a_bad_period_gets_a_clear_error_naming_the_field(
    computed: Any, api_for: Any, client_for: Any, period: str
) -> None:
    response = api_for(computed.evaluator).get(
        "/api/v1/consortia/consortium/results/", {"period": period}
    )
    assert response.status_code == 400
    assert "period" in response.json()
    page = client_for(computed.evaluator).get(
        "/consortia/consortium/results/", {"period": period}
    )
    assert page.status_code == 400
    assert 'class="error"' in page.content.decode()


@pytest.mark.django_db
def test_the_consortium_page_links_to_the_protected_results(
    computed: Any, client_for: Any
) -> None:
    html = client_for(computed.evaluator).get("/consortia/consortium/").content.decode()
    assert "/consortia/consortium/results/" in html


@pytest.mark.django_db
def test_without_a_period_this_year_is_shown(computed: Any, api_for: Any) -> None:
    from django.utils import timezone

    body = (
        api_for(computed.evaluator).get("/api/v1/consortia/consortium/results/").json()
    )
    assert body["period"] == str(timezone.now().year)
    assert len(body["initiatives"]) == 2
