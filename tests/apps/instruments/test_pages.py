"""Staff pages: who may see and do what (outsiders get 404), and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidencehub.apps.instruments.models import InstrumentVersion, Questionnaire

pytestmark = pytest.mark.django_db


def _urls(cast: Any, q: Any, version: Any) -> list[str]:
    s = cast.initiative_a.slug
    base = f"/initiatives/{s}/questionnaires/"
    return [
        base,
        f"{base}new/",
        f"{base}settings/",
        f"{base}import/",
        f"{base}{q.pk}/",
        f"{base}instruments/{version.pk}/export.json",
        f"{base}instruments/{version.pk}/licensed-text/",
    ]


def test_outsiders_get_404_everywhere(
    cast: Any, client_for: Any, pair: Any, phq9: Any
) -> None:
    base, _end = pair
    for user in (cast.admin_b, cast.evaluator):
        client = client_for(user)
        for url in _urls(cast, base, phq9):
            assert client.get(url).status_code == 404, (user, url)
        assert (
            client.post(
                f"/initiatives/helpline-a/questionnaires/{base.pk}/toggle/"
            ).status_code
            == 404
        )


def test_anonymous_staff_pages_redirect_to_login(
    client: Any, cast: Any, pair: Any, phq9: Any
) -> None:
    base, _end = pair
    for url in _urls(cast, base, phq9):
        assert client.get(url).status_code == 302


def test_roles(cast: Any, client_for: Any, pair: Any, phq9: Any) -> None:
    base, _end = pair
    viewer = client_for(cast.viewer_a)
    assert viewer.get("/initiatives/helpline-a/questionnaires/").status_code == 200
    assert (
        viewer.get(f"/initiatives/helpline-a/questionnaires/{base.pk}/").status_code
        == 200
    )
    assert viewer.get("/initiatives/helpline-a/questionnaires/new/").status_code == 403
    assert (
        viewer.get(
            f"/initiatives/helpline-a/questionnaires/instruments/{phq9.pk}/export.json"
        ).status_code
        == 403
    )
    assert (
        viewer.post(
            f"/initiatives/helpline-a/questionnaires/{base.pk}/toggle/"
        ).status_code
        == 403
    )


def test_create_questionnaire_through_the_form(
    cast: Any, client_for: Any, phq9: Any
) -> None:
    client = client_for(cast.analyst_a)
    page = client.post(
        "/initiatives/helpline-a/questionnaires/new/",
        {"instrument_version": phq9.pk, "occasion": "follow_up", "title": "Later"},
    )
    assert page.status_code == 200
    assert "number of months" in page.content.decode()
    assert not Questionnaire.objects.exists()
    page = client.post(
        "/initiatives/helpline-a/questionnaires/new/",
        {
            "instrument_version": phq9.pk,
            "occasion": "follow_up",
            "follow_up_months": 6,
            "ask_code": "on",
        },
    )
    assert page.status_code == 302
    q = Questionnaire.objects.get()
    assert q.follow_up_months == 6 and q.title.startswith("PHQ-9")
    results = client.get(page["Location"]).content.decode()
    assert f"/s/{q.public_id}/" in results


def test_other_orgs_instrument_pk_is_refused(cast: Any, client_for: Any) -> None:
    from evidencehub.apps.instruments import services
    from evidencehub.core.instruments import (
        catalogue_instrument,
        instrument_to_dict,
        parse_instrument,
    )

    data = instrument_to_dict(catalogue_instrument("distress_0_10"))
    data["id"] = "b_only"
    own_b = services.instrument_import(
        actor=cast.admin_b, organisation=cast.org_b, instrument=parse_instrument(data)
    )
    client = client_for(cast.admin_a)
    page = client.post(
        "/initiatives/helpline-a/questionnaires/new/",
        {"instrument_version": own_b.pk, "occasion": "single"},
    )
    assert page.status_code == 200 and not Questionnaire.objects.exists()
    assert (
        client.get(
            f"/initiatives/helpline-a/questionnaires/instruments/{own_b.pk}/export.json"
        ).status_code
        == 404
    )


def test_import_real_redcap_dictionary_and_report(cast: Any, client_for: Any) -> None:
    from pathlib import Path

    data = Path("/work/shared/data/real/bridge2ai-voice_gad7_extract.csv").read_bytes()
    client = client_for(cast.analyst_a)
    page = client.post(
        "/initiatives/helpline-a/questionnaires/import/",
        {"file": SimpleUploadedFile("dictionary.csv", data, content_type="text/csv")},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "@READONLY" in html and "branching logic not evaluated" in html
    v = InstrumentVersion.objects.get(
        organisation=cast.org_a, instrument_id="q_generic_gad7_anxiety"
    )
    assert len(v.definition["items"]) == 8


def test_import_bad_files_give_clear_errors(cast: Any, client_for: Any) -> None:
    client = client_for(cast.analyst_a)
    for name, content, expected in [
        ("x.csv", b"a,b\n1,2\n", "not a REDCap data dictionary"),
        ("x.zip", b"nope", "not a ZIP"),
        ("x.yaml", b"id: Bad Id\n", "id: must be"),
        ("x.json", b"\xff\xfe\x00", "not UTF-8"),
    ]:
        page = client.post(
            "/initiatives/helpline-a/questionnaires/import/",
            {"file": SimpleUploadedFile(name, content)},
        )
        assert page.status_code == 200
        assert expected in page.content.decode(), name
    assert not InstrumentVersion.objects.filter(organisation=cast.org_a).exists()


def test_export_round_trips_and_is_audited(
    cast: Any, client_for: Any, phq9: Any
) -> None:
    from evidencehub.apps.audit.models import AuditEvent
    from evidencehub.core.instruments import parse_text

    page = client_for(cast.analyst_a).get(
        f"/initiatives/helpline-a/questionnaires/instruments/{phq9.pk}/export.json"
    )
    assert page.status_code == 200
    assert parse_text(page.content.decode()).id == "phq9"
    assert AuditEvent.objects.filter(action="evidencehub.instrument.exported").exists()


def test_licensed_text_page(cast: Any, client_for: Any, db: Any) -> None:
    from evidencehub.apps.instruments.services import ensure_catalogue

    ensure_catalogue()
    core10 = InstrumentVersion.objects.get(
        instrument_id="core10", organisation__isnull=True
    )
    client = client_for(cast.admin_a)
    url = (
        f"/initiatives/helpline-a/questionnaires/instruments/{core10.pk}/licensed-text/"
    )
    assert client.get(url).status_code == 200
    page = client.post(url, {"item_core10_1": "x" * 1001})
    assert page.status_code == 200 and "longer than 1000" in page.content.decode()
    page = client.post(url, {f"item_core10_{i}": f"Item {i}" for i in range(1, 11)})
    assert page.status_code == 302


def test_crisis_settings_page(cast: Any, client_for: Any) -> None:
    client = client_for(cast.admin_a)
    url = "/initiatives/helpline-a/questionnaires/settings/"
    assert "112" in client.get(url).content.decode()
    assert client.post(url, {"crisis_text": "Ring 0800 111 0 111"}).status_code == 302
    assert "0800 111 0 111" in client.get(url).content.decode()
