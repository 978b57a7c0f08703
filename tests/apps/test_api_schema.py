from __future__ import annotations

from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_and_lists_every_endpoint(
    cast: Any, client_for: Any
) -> None:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = set(schema["paths"])
    for expected in (
        "/api/v1/organisations/",
        "/api/v1/organisations/{slug}/memberships/",
        "/api/v1/organisations/{slug}/audit-events/",
        "/api/v1/initiatives/",
        "/api/v1/initiatives/{slug}/logic-model/",
        "/api/v1/initiatives/{slug}/plan/",
        "/api/v1/initiatives/{slug}/plan/questions/{id}/",
        "/api/v1/initiatives/{slug}/jrc-profile/",
    ):
        assert expected in paths
    served = client_for(cast.viewer_a).get("/api/v1/schema/")
    assert served.status_code == 200
    assert yaml.safe_load(served.content)["openapi"].startswith("3.")


def test_interactive_docs_load_nothing_from_other_hosts(
    cast: Any, client_for: Any
) -> None:
    page = client_for(cast.viewer_a).get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "jsdelivr" not in html and "unpkg" not in html
