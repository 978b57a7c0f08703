"""Importing answers from another survey tool: all or nothing, every problem
reported with line and column, codes hashed, times coarsened."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidencehub.apps.instruments.models import Response
from evidencehub.core.codes import generate_code

pytestmark = pytest.mark.django_db

HEADER = ",".join(f"phq9_{i}" for i in range(1, 10))


def _upload(client: Any, q: Any, text: str) -> Any:
    return client.post(
        f"/initiatives/helpline-a/questionnaires/{q.pk}/import/",
        {"file": SimpleUploadedFile("answers.csv", text.encode())},
    )


def test_good_file_is_imported_scored_and_hashed(
    cast: Any, client_for: Any, pair: Any
) -> None:
    base, _end = pair
    code = generate_code()
    text = (
        f"{HEADER},code,submitted_at\n"
        f"1,1,1,1,1,1,1,1,0,{code},2026-01-05T10:42\n"
        "2,2,2,2,2,2,2,2,1,,2026-01-06\n"
    )
    page = _upload(client_for(cast.staff_a), base, text)
    assert page.status_code == 302
    rows = list(Response.objects.order_by("pk"))
    assert [r.score.total for r in rows] == [8, 17]
    assert rows[0].code_hash and code not in rows[0].code_hash
    assert rows[0].submitted_hour.minute == 0 and rows[0].submitted_hour.hour == 10
    assert rows[1].score.risk


def test_bad_file_reports_every_problem_and_stores_nothing(
    cast: Any, client_for: Any, pair: Any
) -> None:
    base, _end = pair
    text = (
        f"{HEADER},code,submitted_at\n"
        "1,1,1,1,1,1,1,1,0,ZZZZ,2026-01-05\n"
        "1,9,1,1,1,1,1,1,0,,not-a-date\n"
        "1,1,1,1,1,1,1,1,0,,2999-01-01\n"
    )
    page = _upload(client_for(cast.staff_a), base, text)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nothing was imported" in html
    for fragment in ("<td>2</td><td>code</td>", "<td>3</td><td>phq9_2</td>", "future"):
        assert fragment in html
    assert not Response.objects.exists()


def test_identity_columns_are_refused(cast: Any, client_for: Any, pair: Any) -> None:
    base, _end = pair
    page = _upload(
        client_for(cast.staff_a), base, f"{HEADER},email\n" + "0," * 9 + "a@b.c\n"
    )
    assert "<td>email</td>" in page.content.decode()
    assert not Response.objects.exists()


def test_import_tenancy(cast: Any, client_for: Any, pair: Any) -> None:
    base, _end = pair
    url = f"/initiatives/helpline-a/questionnaires/{base.pk}/import/"
    assert client_for(cast.admin_b).get(url).status_code == 404
    assert client_for(cast.viewer_a).get(url).status_code == 403
