"""Every page and API endpoint of collection: outsiders get 404, roles are
respected, and the forms and imports work."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

PAGES = [
    "/initiatives/{i}/collection/",
    "/initiatives/{i}/collection/keys/",
    "/initiatives/{i}/collection/settings/",
    "/initiatives/{i}/collection/test-page/",
    "/initiatives/{i}/contacts/",
    "/initiatives/{i}/contacts/new/",
    "/initiatives/{i}/contacts/import/",
    "/initiatives/{i}/figures/",
    "/initiatives/{i}/figures/import/",
]
POST_ONLY = [
    "/initiatives/{i}/collection/keys/{k}/rotate/",
    "/initiatives/{i}/collection/keys/{k}/revoke/",
]
API = [
    "/api/v1/initiatives/{i}/collection-keys/",
    "/api/v1/initiatives/{i}/collection-settings/",
    "/api/v1/initiatives/{i}/contact-records/",
    "/api/v1/initiatives/{i}/aggregate-figures/",
    "/api/v1/initiatives/{i}/daily-rollups/",
    "/api/v1/initiatives/{i}/period-figures/?from=2026-01-01&to=2026-01-31",
]
API_POST = [
    "/api/v1/initiatives/{i}/collection-keys/{k}/rotate/",
    "/api/v1/initiatives/{i}/collection-keys/{k}/revoke/",
]
OUTSIDERS = ["admin_b", "evaluator", "platform_admin"]


def _url(template: str, cast: Any, key: Any) -> str:
    return template.format(i=cast.initiative_a.slug, k=key.pk)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_pages(
    cast: Any, site_key: Any, client_for: Any, page: str, who: str
) -> None:
    client = client_for(getattr(cast, who))
    response = client.get(_url(page, cast, site_key))
    assert response.status_code == 404
    assert b"Helpline A" not in response.content
    assert client.post(_url(page, cast, site_key), {"name": "x"}).status_code == 404


@pytest.mark.parametrize("page", POST_ONLY)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_rotate_or_revoke(
    cast: Any, site_key: Any, client_for: Any, page: str, who: str
) -> None:
    response = client_for(getattr(cast, who)).post(_url(page, cast, site_key))
    assert response.status_code == 404
    site_key.refresh_from_db()
    assert site_key.revoked_at is None and site_key.replaced_by_id is None


@pytest.mark.parametrize("url", API + API_POST)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_from_the_api(
    cast: Any, site_key: Any, api_for: Any, url: str, who: str
) -> None:
    api = api_for(getattr(cast, who))
    expected_get = 405 if url in API_POST else 404
    assert api.get(_url(url, cast, site_key)).status_code == expected_get
    writes = {
        api.post(_url(url, cast, site_key), {}, format="json").status_code,
        api.put(_url(url, cast, site_key), {}, format="json").status_code,
    }
    assert writes <= {404, 405}
    if "rollups" not in url and "period-figures" not in url:
        assert 404 in writes


def test_a_key_of_another_initiative_is_not_found(
    cast: Any, site_key: Any, client_for: Any, api_for: Any
) -> None:
    url = f"/initiatives/{cast.initiative_b.slug}/collection/keys/{site_key.pk}/revoke/"
    assert client_for(cast.admin_b).post(url).status_code == 404
    api_url = (
        f"/api/v1/initiatives/{cast.initiative_b.slug}/collection-keys/"
        f"{site_key.pk}/revoke/"
    )
    assert api_for(cast.admin_b).post(api_url).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_admin_sees_every_page(
    cast: Any, site_key: Any, client_for: Any, page: str
) -> None:
    assert client_for(cast.admin_a).get(_url(page, cast, site_key)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(
    cast: Any, site_key: Any, client: Any, page: str
) -> None:
    response = client.get(_url(page, cast, site_key))
    assert response.status_code == 302


def test_roles(cast: Any, site_key: Any, client_for: Any, api_for: Any) -> None:
    keys = f"/initiatives/{cast.initiative_a.slug}/collection/keys/"
    new_contact = f"/initiatives/{cast.initiative_a.slug}/contacts/new/"
    assert client_for(cast.staff_a).get(keys).status_code == 403
    assert client_for(cast.analyst_a).get(keys).status_code == 403
    assert client_for(cast.staff_a).get(new_contact).status_code == 200
    assert client_for(cast.viewer_a).get(new_contact).status_code == 403
    api_keys = f"/api/v1/initiatives/{cast.initiative_a.slug}/collection-keys/"
    assert api_for(cast.staff_a).get(api_keys).status_code == 403
    contacts = f"/api/v1/initiatives/{cast.initiative_a.slug}/contact-records/"
    body = {"date": "2026-01-01", "channel": "phone", "status": "missed"}
    assert api_for(cast.viewer_a).post(contacts, body, format="json").status_code == 403
    assert api_for(cast.staff_a).post(contacts, body, format="json").status_code == 201


def test_keys_page_creates_rotates_and_revokes(cast: Any, client_for: Any) -> None:
    from evidencehub.apps.audit.models import AuditEvent
    from evidencehub.apps.collect.models import CollectionKey

    client = client_for(cast.admin_a)
    base = f"/initiatives/{cast.initiative_a.slug}/collection/keys/"
    refused = client.post(base, {"kind": "site", "name": "Web", "allowed_origins": ""})
    assert refused.status_code == 200
    assert b"List the web addresses" in refused.content
    made = client.post(
        base,
        {"kind": "server", "name": "Back end", "allowed_origins": ""},
    )
    key = CollectionKey.objects.get()
    assert key.public_id.encode() in made.content
    secret = made.content.decode().split(f"{key.public_id}.")[1].split("<")[0]
    assert secret and secret not in key.secret_hash
    rotated = client.post(f"{base}{key.pk}/rotate/")
    assert rotated.status_code == 200
    assert CollectionKey.objects.count() == 2
    client.post(f"{base}{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "evidencehub.collection_key.created",
        "evidencehub.collection_key.rotated",
        "evidencehub.collection_key.revoked",
    } <= actions


def test_keys_api(cast: Any, api_for: Any) -> None:
    api = api_for(cast.admin_a)
    url = f"/api/v1/initiatives/{cast.initiative_a.slug}/collection-keys/"
    bad = api.post(
        url,
        {"kind": "site", "name": "W", "allowed_origins": ["ftp://x"]},
        format="json",
    )
    assert bad.status_code == 400 and "allowed_origins" in bad.json()
    unknown = api.post(
        url, {"kind": "site", "name": "W", "colour": "red"}, format="json"
    )
    assert unknown.status_code == 400 and "colour" in unknown.json()
    made = api.post(
        url,
        {"kind": "site", "name": "W", "allowed_origins": ["https://A.example/path"]},
        format="json",
    )
    assert made.status_code == 201
    assert made.json()["allowed_origins"] == ["https://a.example"]
    pk = made.json()["id"]
    rotated = api.post(f"{url}{pk}/rotate/")
    assert rotated.status_code == 201 and rotated.json()["token"].startswith("pk_")
    assert api.post(f"{url}{pk}/rotate/").status_code == 400
    assert api.post(f"{url}{pk}/revoke/").json()["active"] is False
    assert len(api.get(url).json()) == 2


def test_settings_page_declares_modules_and_retention(
    cast: Any, client_for: Any
) -> None:
    from evidencehub.apps.collect.services import collection_settings, retention_days

    client = client_for(cast.admin_a)
    url = f"/initiatives/{cast.initiative_a.slug}/collection/settings/"
    bad = client.post(
        url, {"modules": "Not A Slug", "time_resolution": "hour", "raw_event_days": 90}
    )
    assert bad.status_code == 200 and b"lower-case" in bad.content
    ok = client.post(
        url,
        {
            "modules": "m1, m2",
            "custom_event_types": "page_view",
            "time_resolution": "day",
            "raw_event_days": 30,
        },
    )
    assert b"built-in" in ok.content
    client.post(
        url,
        {
            "modules": "m1\nm2",
            "custom_event_types": "quiz_done",
            "time_resolution": "day",
            "raw_event_days": 30,
        },
    )
    s = collection_settings(initiative=cast.initiative_a)
    assert (s.modules, s.custom_event_types, s.time_resolution) == (
        ["m1", "m2"],
        ["quiz_done"],
        "day",
    )
    assert retention_days(organisation=cast.org_a) == 30


def test_contact_form_records_codes_and_hashes_the_pseudonym(
    cast: Any, client_for: Any
) -> None:
    from evidencehub.apps.collect.models import ContactRecord
    from evidencehub.apps.collect.services import previous_contacts

    client = client_for(cast.staff_a)
    url = f"/initiatives/{cast.initiative_a.slug}/contacts/new/"
    form = client.get(url)
    assert b'name="channel"' in form.content and b"prefer" in form.content.lower()
    data = {
        "date": "2026-01-05",
        "hour": "14",
        "channel": "phone",
        "status": "answered",
        "caller_type": "own_concern",
        "offending_status": "prefer_not_to_say",
        "concerns": ["urges_fantasies", "csam_use"],
        "risk_level": "moderate",
        "self_harm_risk": "no",
        "distress_start": "8",
        "distress_end": "5",
        "actions": ["safety_plan"],
        "repeat_contact": "yes",
        "previous_actions_taken": "partly",
        "pseudonym": "Blue Heron",
        "safeguarding": "none",
        "duration": "15_30",
        "another": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("/new/")
    record = ContactRecord.objects.get()
    assert record.concerns == ["urges_fantasies", "csam_use"]
    assert (record.distress_start, record.distress_end) == (8, 5)
    assert len(record.pseudonym_hash) == 64 and "heron" not in record.pseudonym_hash
    assert previous_contacts(initiative=cast.initiative_a, pseudonym="blue  HERON") == 1
    assert previous_contacts(initiative=cast.initiative_b, pseudonym="blue heron") == 0
    # an offending status for a caller about someone else is refused
    bad = client.post(url, {**data, "caller_type": "professional"})
    assert bad.status_code == 200
    assert b"Only recorded for callers concerned" in bad.content
    missed = client.post(url, {**data, "status": "missed"})
    assert b"Only for answered contacts" in missed.content
    assert ContactRecord.objects.count() == 1


def test_contact_import_all_or_nothing_then_skip_invalid(
    cast: Any, client_for: Any
) -> None:
    from evidencehub.apps.collect.models import ContactRecord

    client = client_for(cast.staff_a)
    url = f"/initiatives/{cast.initiative_a.slug}/contacts/import/"
    text = (
        "Date;Channel;Status;Caller type;Concerns;Distress start\r\n"
        "2026-01-02;phone;answered;own_concern;csam_use|urges_fantasies;7\r\n"
        "2026-01-03;chat;abandoned;;;\r\n"
        "2026-01-04;pigeon;answered;;;11\r\n"
    )
    upload = SimpleUploadedFile("calls.csv", text.encode("cp1252"))
    response = client.post(url, {"file": upload})
    assert b"Nothing was imported" in response.content
    assert b"Line 4, column channel" in response.content
    assert b"Line 4, column distress_start" in response.content
    assert not ContactRecord.objects.exists()
    upload = SimpleUploadedFile("calls.csv", text.encode("cp1252"))
    client.post(url, {"file": upload, "skip_invalid": "on"})
    assert ContactRecord.objects.count() == 2
    assert ContactRecord.objects.get(channel="phone").concerns == [
        "csam_use",
        "urges_fantasies",
    ]


def test_figures_page_api_and_period_source(
    cast: Any, client_for: Any, api_for: Any
) -> None:
    from evidencehub.apps.collect.models import ContactRecord
    from evidencehub.apps.collect.selectors import figure_for_period

    client = client_for(cast.staff_a)
    url = f"/initiatives/{cast.initiative_a.slug}/figures/"
    ok = client.post(
        url,
        {
            "element": "calls_answered",
            "period_start": "2025-01-01",
            "period_end": "2025-01-31",
            "value": 42,
            "source_system": "Telephony export",
        },
    )
    assert ok.status_code == 302
    bad = client.post(
        url,
        {
            "element": "calls_answered",
            "period_start": "2025-02-28",
            "period_end": "2025-02-01",
            "value": 1,
        },
    )
    assert b"Ends before it starts" in bad.content
    assert client_for(cast.viewer_a).post(url, {"element": "x"}).status_code == 403
    import datetime as dt

    start, end = dt.date(2025, 1, 1), dt.date(2025, 1, 31)
    fig = figure_for_period(
        initiative=cast.initiative_a, element="calls_answered", start=start, end=end
    )
    assert (fig.value, fig.source, fig.detail) == (42, "aggregate", "Telephony export")
    ContactRecord.objects.create(
        initiative=cast.initiative_a,
        date=dt.date(2025, 1, 5),
        channel="phone",
        status="answered",
        risk_level="low",
        self_harm_risk="no",
        repeat_contact="no",
        previous_actions_taken="not_applicable",
        safeguarding="none",
        source="form",
    )
    fig = figure_for_period(
        initiative=cast.initiative_a, element="calls_answered", start=start, end=end
    )
    assert (fig.value, fig.source) == (1, "contacts")
    api = api_for(cast.viewer_a)
    rows = api.get(
        f"/api/v1/initiatives/{cast.initiative_a.slug}/period-figures/"
        "?from=2025-01-01&to=2025-01-31"
    ).json()
    by = {r["element"]: r for r in rows}
    assert by["calls_answered"]["source"] == "contacts"
    assert by["page_views"]["source"] == "none"
    again = api_for(cast.staff_a).post(
        f"/api/v1/initiatives/{cast.initiative_a.slug}/aggregate-figures/",
        {
            "element": "calls_answered",
            "period_start": "2025-01-01",
            "period_end": "2025-01-31",
            "value": 43,
        },
        format="json",
    )
    assert again.status_code == 200 and again.json()["value"] == 43


def test_figure_import_xlsx(cast: Any, client_for: Any) -> None:
    import io

    from openpyxl import Workbook

    from evidencehub.apps.collect.models import AggregateFigure

    book = Workbook()
    sheet = book.active
    sheet.append(["element", "period_start", "period_end", "value", "source_system"])
    sheet.append(["chats_answered", "2025-03-01", "2025-03-31", 17, "Chat system"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("figures.xlsx", buffer.getvalue())
    client_for(cast.staff_a).post(
        f"/initiatives/{cast.initiative_a.slug}/figures/import/", {"file": upload}
    )
    assert AggregateFigure.objects.get().value == 17


def test_overview_shows_snippet_and_counts(
    cast: Any, site_key: Any, client_for: Any, post: Any
) -> None:
    from evidencehub.apps.collect.services import rollup_run

    post({"key": site_key.public_id, "type": "page_view"})
    post({"key": site_key.public_id, "type": "page_view"}, ua="Googlebot/2.1")
    rollup_run()
    page = client_for(cast.viewer_a).get(
        f"/initiatives/{cast.initiative_a.slug}/collection/"
    )
    html = page.content.decode()
    assert site_key.public_id in html and "collect.js" in html
    assert 'height="100"' in html  # today's bar is the busiest day
    assert "<dd>1</dd>" in html  # one event, the bot's dropped
    assert "pixel.gif" in html
    test_page = client_for(cast.viewer_a).get(
        f"/initiatives/{cast.initiative_a.slug}/collection/test-page/"
    )
    assert b"data-key" in test_page.content
