from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_funding_endpoints_are_in_the_valid_schema() -> None:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = set(schema["paths"])
    for expected in (
        "/api/v1/calls/",
        "/api/v1/calls/{key}/",
        "/api/v1/calls/{key}/share/",
        "/api/v1/funders/",
        "/api/v1/funders/coverage/",
        "/api/v1/funders/past-grants/360giving/",
        "/api/v1/funders/imports/",
        "/api/v1/funders/submissions/{id}/review/",
        "/api/v1/funders/organisations/{slug}/matches/",
        "/api/v1/funders/organisations/{slug}/watchlist/{key}/",
    ):
        assert expected in paths, expected
    operation_ids = [
        op["operationId"] for item in schema["paths"].values() for op in item.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
