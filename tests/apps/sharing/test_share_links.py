"""Share links: created by admins and analysts, token stored only as a hash,
every view and every refused attempt logged without identity; expired links
answer 410, withdrawn links 410, unknown tokens 404."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.sharing.models import ShareLink
from evidencehub.apps.sharing.services import (
    share_link_create,
    share_link_revoke,
    token_hash,
)
from tests.apps.sharing.conftest import PERIOD


def create(cast: Any, days: int = 30, **extra: Any) -> Any:
    expires = (timezone.localdate() + timedelta(days=days)).isoformat()
    return share_link_create(
        actor=cast.analyst_a,
        initiative=cast.initiative_a,
        data={"period": PERIOD, "language": "en", "expires": expires, **extra},
    )


def actions() -> list[tuple[str, dict[str, Any]]]:
    return [
        (e.action, e.data)
        for e in AuditEvent.objects.filter(
            action__startswith="evidencehub.share_link"
        ).order_by("id")
    ]


@pytest.mark.django_db
def test_token_is_random_and_stored_only_as_hash(results: Any) -> None:
    a, b = create(results), create(results)
    assert a.token != b.token and len(a.token) >= 43
    row = ShareLink.objects.get(pk=a.link.pk)
    assert row.token_hash == token_hash(a.token)
    stored = json.dumps(list(ShareLink.objects.values()), default=str)
    assert a.token not in stored and b.token not in stored
    assert a.token not in json.dumps(list(AuditEvent.objects.values("data")))


@pytest.mark.django_db
def test_shared_report_opens_without_login_and_every_view_is_logged(
    results: Any, client: Any
) -> None:
    new = create(results, label="Example Foundation")
    r = client.get(f"/shared/{new.token}/")
    assert r.status_code == 200
    assert r["X-Robots-Tag"].startswith("noindex")
    assert r["Referrer-Policy"] == "no-referrer"
    assert "no-store" in r["Cache-Control"]
    assert b"Helpline A" in r.content
    assert b'<a href="report.pdf">Download this report as PDF</a>' in r.content
    client.get(f"/shared/{new.token}/")
    link = ShareLink.objects.get(pk=new.link.pk)
    assert link.views == 2 and link.last_viewed_at is not None
    viewed = [d for a, d in actions() if a == "evidencehub.share_link.viewed"]
    assert len(viewed) == 2 and viewed[0]["what"] == "html"
    event = AuditEvent.objects.filter(action="evidencehub.share_link.viewed").first()
    assert event is not None and event.actor is None
    assert event.organisation == results.org_a
    # no identity: nothing of the request is kept
    text = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "127.0.0.1" not in text and "Mozilla" not in text


@pytest.mark.django_db
def test_shared_pdf_through_the_same_link(results: Any, client: Any) -> None:
    new = create(results)
    r = client.get(f"/shared/{new.token}/report.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert r["Referrer-Policy"] == "no-referrer"
    assert ("evidencehub.share_link.viewed", {"what": "pdf"}) in [
        (a, {"what": d.get("what")}) for a, d in actions()
    ]


@pytest.mark.django_db
def test_shared_report_shows_protected_figures_only(results: Any, client: Any) -> None:
    new = create(results)
    page = client.get(f"/shared/{new.token}/").content.decode()
    assert "Internal — not for sharing" not in page


@pytest.mark.django_db
def test_expired_link_answers_410_and_is_logged(results: Any, client: Any) -> None:
    new = create(results, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        r = client.get(f"/shared/{new.token}/")
    assert r.status_code == 410
    assert b"expired" in r.content
    assert r["X-Robots-Tag"].startswith("noindex")
    assert ("evidencehub.share_link.refused", "expired") in [
        (a, d.get("reason")) for a, d in actions()
    ]


@pytest.mark.django_db
def test_revoked_link_answers_410_and_is_logged(results: Any, client: Any) -> None:
    new = create(results)
    assert client.get(f"/shared/{new.token}/").status_code == 200
    share_link_revoke(actor=results.admin_a, link=new.link)
    r = client.get(f"/shared/{new.token}/")
    assert r.status_code == 410 and b"withdrawn" in r.content
    assert client.get(f"/shared/{new.token}/report.pdf").status_code == 410
    got = [(a, d.get("reason")) for a, d in actions()]
    assert ("evidencehub.share_link.revoked", None) in got
    assert got.count(("evidencehub.share_link.refused", "revoked")) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["wrong", "x" * 43, "a" * 500, "%00"])
def test_unknown_token_answers_404_and_is_logged(
    results: Any, client: Any, token: str
) -> None:
    create(results)
    r = client.get(f"/shared/{token}/")
    assert r.status_code in (400, 404)
    if r.status_code == 404:
        assert ("evidencehub.share_link.refused", "unknown") in [
            (a, d.get("reason")) for a, d in actions()
        ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"expires": ""}, "expires"),
        ({"expires": "tomorrow"}, "expires"),
        ({"expires": "2000-01-01"}, "expires"),
        ({"expires": "DAYS+91"}, "expires"),
        ({"period": "soon"}, "period"),
        ({"language": "xx"}, "language"),
        ({"label": "x" * 101}, "label"),
        ({"label": "mail someone@example.org"}, "label"),
        ({"label": "nul\x00byte"}, "label"),
        ({"label": "two\nlines"}, "label"),
    ],
)
def test_bad_link_input_names_the_field(
    results: Any, data: dict[str, str], field: str
) -> None:
    if data.get("expires") == "DAYS+91":
        data = {"expires": (timezone.localdate() + timedelta(days=91)).isoformat()}
    raw = {
        "period": PERIOD,
        "language": "en",
        "expires": (timezone.localdate() + timedelta(days=5)).isoformat(),
        **data,
    }
    with pytest.raises(ValidationError) as exc:
        share_link_create(
            actor=results.admin_a, initiative=results.initiative_a, data=raw
        )
    assert field in exc.value.message_dict
    assert not ShareLink.objects.exists()


@pytest.mark.django_db
def test_links_page_create_list_and_revoke(results: Any, client_for: Any) -> None:
    client = client_for(results.analyst_a)
    url = "/initiatives/helpline-a/share/"
    expires = (timezone.localdate() + timedelta(days=10)).isoformat()
    r = client.post(
        url,
        {"period": PERIOD, "language": "de", "expires": expires, "label": "Funder"},
    )
    assert r.status_code == 200
    shown = r.context["url"]
    assert "/shared/" in shown
    link = ShareLink.objects.get()
    assert link.language == "de" and token_hash(shown.rstrip("/").split("/")[-1]) == (
        link.token_hash
    )
    listing = client.get(url)
    assert b"Funder" in listing.content and shown.encode() not in listing.content
    bad = client.post(url, {"period": PERIOD, "expires": ""})
    assert bad.status_code == 400 and b"expires" in bad.content
    r = client.post(f"/initiatives/helpline-a/share/{link.pk}/revoke/")
    assert r.status_code == 302
    link.refresh_from_db()
    assert link.state() == "revoked"


@pytest.mark.django_db
def test_only_admins_and_analysts_create_or_revoke(
    results: Any, client_for: Any, client: Any
) -> None:
    new = create(results)
    expires = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {"period": PERIOD, "expires": expires}
    for user in (results.staff_a, results.viewer_a):
        c = client_for(user)
        assert c.get("/initiatives/helpline-a/share/").status_code == 200
        assert c.post("/initiatives/helpline-a/share/", data).status_code == 403
        revoke = f"/initiatives/helpline-a/share/{new.link.pk}/revoke/"
        assert c.post(revoke).status_code == 403
    outsider = client_for(results.admin_b)
    assert outsider.get("/initiatives/helpline-a/share/").status_code == 404
    assert outsider.post("/initiatives/helpline-a/share/", data).status_code == 404
    assert ShareLink.objects.count() == 1


@pytest.mark.django_db
def test_share_link_api(results: Any, api_for: Any, client: Any) -> None:
    api = api_for(results.analyst_a)
    url = "/api/v1/initiatives/helpline-a/share-links/"
    expires = (timezone.localdate() + timedelta(days=10)).isoformat()
    r = api.post(url, {"period": PERIOD, "expires": expires}, format="json")
    assert r.status_code == 201
    body = r.json()
    assert body["state"] == "active" and body["token"] in body["url"]
    listed = api.get(url).json()
    assert len(listed) == 1 and "token" not in listed[0]
    assert client.get(f"/shared/{body['token']}/").status_code == 200
    bad = api.post(url, {"period": PERIOD, "expires": "2000-01-01"}, format="json")
    assert bad.status_code == 400 and "expires" in bad.json()
    extra = api.post(
        url, {"period": PERIOD, "expires": expires, "ip": "1"}, format="json"
    )
    assert extra.status_code == 400 and "ip" in extra.json()
    revoke = api.post(f"{url}{body['id']}/revoke/")
    assert revoke.status_code == 200 and revoke.json()["state"] == "revoked"
    assert client.get(f"/shared/{body['token']}/").status_code == 410
    viewer = api_for(results.viewer_a)
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {"period": PERIOD, "expires": expires}).status_code == 403
    assert api_for(results.admin_b).get(url).status_code == 404


@pytest.mark.django_db
def test_pages_follow_german(results: Any, client_for: Any, client: Any) -> None:
    new = create(results, language="de")
    shared = client.get(f"/shared/{new.token}/")
    assert b"Diesen Bericht als PDF herunterladen" in shared.content
    member = client_for(results.analyst_a)
    member.cookies["django_language"] = "de"
    page = member.get("/initiatives/helpline-a/share/", HTTP_ACCEPT_LANGUAGE="de")
    assert b"Freigabelinks" in page.content
