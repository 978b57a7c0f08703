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


def _upload_named(client: Any, q: Any, name: str, text: str) -> Any:
    return client.post(
        f"/initiatives/helpline-a/questionnaires/{q.pk}/import/",
        {"file": SimpleUploadedFile(name, text.encode())},
    )


def test_reimporting_the_same_file_adds_nothing(
    cast: Any, client_for: Any, pair: Any
) -> None:
    base, _end = pair
    code = generate_code()
    text = (
        f"{HEADER},code,submitted_at\n"
        f"1,1,1,1,1,1,1,1,0,{code},2026-01-05\n"
        "2,2,2,2,2,2,2,2,0,,2026-01-06\n"
        "2,2,2,2,2,2,2,2,0,,2026-01-06\n"
    )
    client = client_for(cast.staff_a)
    assert _upload_named(client, base, "a.csv", text).status_code == 302
    # two identical rows in one file are two people: both kept
    assert Response.objects.count() == 3
    again = _upload_named(client, base, "a.csv", text)
    assert again.status_code == 200
    assert "all 3 rows in this file were imported before" in again.content.decode()
    assert Response.objects.count() == 3
    # a longer file with one more identical row adds exactly that row
    more = text + "2,2,2,2,2,2,2,2,0,,2026-01-06\n"
    assert _upload_named(client, base, "b.csv", more).status_code == 302
    assert Response.objects.count() == 4
    from evidencehub.apps.audit.models import AuditEvent

    last = (
        AuditEvent.objects.filter(action="evidencehub.responses.imported")
        .order_by("pk")
        .last()
    )
    assert last is not None and last.data == {"rows": 1, "already": 3}


def test_json_lines_as_survey_tools_write_them(
    cast: Any, client_for: Any, pair: Any
) -> None:
    import json

    base, _end = pair
    code = generate_code()
    lines = [
        # decimals and nulls, as pandas writes a column with a gap
        {**{f"phq9_{i}": 1.0 for i in range(1, 10)}, "phq9_3": None, "code": code},
        {**{f"phq9_{i}": 2 for i in range(1, 10)}, "submitted_at": "2026-01-06"},
    ]
    text = "\n".join(json.dumps(x) for x in lines) + "\n"
    client = client_for(cast.staff_a)
    page = _upload_named(client, base, "answers.jsonl", text)
    assert page.status_code == 302, page.content.decode()[-2000:]
    rows = list(Response.objects.order_by("pk"))
    assert rows[0].answers == {f"phq9_{i}": 1 for i in range(1, 10) if i != 3}
    assert rows[0].score.prorated
    # the same code typed on the survey page links to the imported answer
    secret = services_secret(cast)
    from evidencehub.core.codes import code_hash, normalise_code

    assert rows[0].code_hash == code_hash(normalise_code(code.lower()), secret)
    assert _upload_named(client, base, "answers.jsonl", text).status_code == 200
    assert Response.objects.count() == 2


def services_secret(cast: Any) -> bytes:
    from evidencehub.apps.instruments.services import survey_settings

    return survey_settings(initiative=cast.initiative_a).secret_bytes


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('{"phq9_1": 1, "submitted_at": "1900-01-01"}', "before 2000"),
        ('{"phq9_1": 1, "submitted_at": "1999-12-31T23:00"}', "before 2000"),
        ('{"phq9_1": 1, "email": "a@b.c"}', "<td>email</td>"),
        ('{"phq9_1": 1.5}', "<td>phq9_1</td>"),
        ('{"phq9_1": "<script>x</script>"}', "<td>phq9_1</td>"),
    ],
)
def test_json_lines_bad_rows(
    cast: Any, client_for: Any, pair: Any, line: str, fragment: str
) -> None:
    base, _end = pair
    text = '{"phq9_1": 0, "phq9_2": 0}\n' + line + "\n"
    page = _upload_named(client_for(cast.staff_a), base, "x.jsonl", text)
    html = page.content.decode()
    assert page.status_code == 200 and "Nothing was imported" in html
    assert fragment in html
    assert "<script>x" not in html
    assert not Response.objects.exists()
