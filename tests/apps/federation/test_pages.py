"""Pages of imported bundles: for platform admins and consortium evaluators."""

from __future__ import annotations

from typing import Any

import pytest

from evidencehub.apps.federation.services import (
    bundle_export,
    bundle_import,
    signing_key,
    trust_publisher,
)
from evidencehub.core.federation import public_key_text

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(figures: Any) -> Any:
    trust_publisher(name="Org A instance", public_key=public_key_text(signing_key()))
    return bundle_import(data=bundle_export(organisation=figures.org_a, period=PERIOD))


def test_list_and_detail_for_admins_and_evaluators(
    figures: Any, imported: Any, client_for: Any
) -> None:
    for user in (figures.platform_admin, figures.evaluator):
        client = client_for(user)
        page = client.get("/bundles/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Org A instance" in html and f"/bundles/{imported.pk}/" in html
        detail = client.get(f"/bundles/{imported.pk}/").content.decode()
        assert "R01 v1" in detail and "240" in detail
        assert "withheld" in detail and "fewer than 10" in detail
        assert "helpline-a" not in detail and "Helpline A" not in detail


def test_others_are_refused(
    figures: Any, imported: Any, client_for: Any, client: Any
) -> None:
    assert client.get("/bundles/").status_code == 302
    member = client_for(figures.admin_a)
    assert member.get("/bundles/").status_code == 403
    assert member.get(f"/bundles/{imported.pk}/").status_code == 403


def test_unknown_bundle_is_not_found(figures: Any, client_for: Any) -> None:
    assert client_for(figures.platform_admin).get("/bundles/99999/").status_code == 404


def test_the_page_speaks_german(figures: Any, imported: Any, client_for: Any) -> None:
    client = client_for(figures.evaluator)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    html = client.get("/bundles/").content.decode()
    assert "Geteilte Pakete" in html and "Vertrauenswürdige Herkünfte" in html
    detail = client.get(f"/bundles/{imported.pk}/").content.decode()
    assert "zurückgehalten" in detail
