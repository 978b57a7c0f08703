"""Public survey pages: no login, no cookies beyond CSRF, codes, bad input
keeps answers, crisis resources on a risk answer (server side), thank-you
reminds to keep the code; and the results page after a linked pair."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from evidencehub.apps.instruments.models import Response
from evidencehub.core.codes import generate_code, normalise_code
from tests.apps.instruments.conftest import phq_answers

pytestmark = pytest.mark.django_db


def _post(client: Client, q: Any, data: dict[str, str]) -> Any:
    client.get(f"/s/{q.public_id}/")
    return client.post(f"/s/{q.public_id}/", data)


def _form(values: list[int], code: str = "") -> dict[str, str]:
    out = {f"item_{k}": v for k, v in phq_answers(values).items()}
    if code:
        out["code"] = code
    return out


def test_baseline_page_offers_a_code_and_sets_only_csrf(pair: Any) -> None:
    base, _end = pair
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/s/{base.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thoughts that you would be better off dead" in html
    assert (
        'id="crisis"' in html and "hidden" in html.split('id="crisis"')[1].split(">")[0]
    )
    code_value = html.split('name="code" value="')[1].split('"')[0]
    assert normalise_code(code_value)
    assert set(page.cookies) <= {"csrftoken"}
    for host in ("cdn.", "googleapis", "unpkg", "jsdelivr"):
        assert host not in html
    token = page.cookies["csrftoken"].value
    done = client.post(
        f"/s/{base.public_id}/",
        {**_form([0] * 9, code_value), "csrfmiddlewaretoken": token},
    )
    assert done.status_code == 200
    assert (
        code_value in done.content.decode()
        and "keep this code" in done.content.decode()
    )
    assert set(done.cookies) <= {"csrftoken"}


def test_risk_answer_shows_crisis_resources_first(cast: Any, pair: Any) -> None:
    base, _end = pair
    page = _post(Client(), base, _form([0, 0, 0, 0, 0, 0, 0, 0, 1]))
    html = page.content.decode()
    crisis_at = html.index('id="crisis"')
    assert "hidden" not in html[crisis_at : html.index(">", crisis_at)]
    assert crisis_at < html.index("Thank you")
    assert "112" in html
    assert Response.objects.get().score.risk


def test_risk_answer_shows_crisis_even_when_the_form_has_errors(pair: Any) -> None:
    base, _end = pair
    page = _post(
        Client(), base, {**_form([0, 0, 0, 0, 0, 0, 0, 0, 2]), "code": "NOT-A-CODE"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    crisis_at = html.index('id="crisis"')
    assert "hidden" not in html[crisis_at : html.index(">", crisis_at)]
    assert not Response.objects.exists()


def test_bad_input_is_explained_and_answers_are_kept(pair: Any) -> None:
    base, _end = pair
    data = _form([1, 2, 3, 1, 2, 3, 1, 2, 0], "ABCD-EFGH-Z")
    data["item_phq9_2"] = "7"
    page = _post(Client(), base, data)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Please check your answers" in html
    assert "7 is not an answer option" in html
    assert "mistyped" in html or "never contain" in html
    assert 'value="0" data-risk checked' in html  # item 9 kept as 0
    assert html.count(" checked>") == 8  # the 8 valid answers are still ticked
    assert 'value="ABCD-EFGH-Z"' in html
    assert not Response.objects.exists()


def test_end_and_baseline_link_by_code_alone(
    pair: Any, cast: Any, client_for: Any
) -> None:
    base, end = pair
    for before, after in [
        ([2] * 8 + [0], [1] * 8 + [0]),
        ([3] * 8 + [0], [1] * 8 + [0]),
    ]:
        code = generate_code()
        assert _post(Client(), base, _form(before, code)).status_code == 200
        end_page = Client().get(f"/s/{end.public_id}/").content.decode()
        assert 'name="code" value=""' in end_page  # nothing pre-filled at the end
        assert _post(Client(), end, _form(after, code.lower())).status_code == 200
    results = client_for(cast.viewer_a).get(
        f"/initiatives/helpline-a/questionnaires/{end.pk}/"
    )
    html = results.content.decode()
    assert '<dd class="pairs">2</dd>' in html
    assert "evidencehub.stats.jacobson_truax v1" in html
    assert "evidencehub.stats.paired_change v1" in html
    assert "cannot show that the service caused" in html


def test_unknown_and_closed_questionnaires(cast: Any, pair: Any) -> None:
    from evidencehub.apps.instruments.services import questionnaire_set_open

    base, _end = pair
    assert Client().get("/s/does-not-exist/").status_code == 404
    questionnaire_set_open(actor=cast.admin_a, questionnaire=base, is_open=False)
    page = Client().get(f"/s/{base.public_id}/")
    assert page.status_code == 410 and "not open" in page.content.decode()
    assert Client().post(f"/s/{base.public_id}/", _form([0] * 9)).status_code == 410


@pytest.mark.parametrize(
    "instrument_id",
    [
        "phq9",
        "gad7",
        "readiness_rulers",
        "distress_0_10",
        "exit_survey",
        "comprehension_check",
        "sus",
        "ons4",
    ],
)
def test_every_shipped_instrument_can_be_answered(
    cast: Any, instrument_id: str
) -> None:
    from evidencehub.apps.instruments.models import InstrumentVersion
    from evidencehub.apps.instruments.services import (
        ensure_catalogue,
        questionnaire_create,
    )

    ensure_catalogue()
    version = InstrumentVersion.objects.get(
        organisation__isnull=True, instrument_id=instrument_id
    )
    q = questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=version,
        occasion="single",
    )
    client = Client()
    page = client.get(f"/s/{q.public_id}/")
    assert page.status_code == 200
    inst = version.instrument
    data = {f"item_{it.id}": str(it.max_value) for it in inst.items}
    done = client.post(f"/s/{q.public_id}/", data)
    assert done.status_code == 200, done.content.decode()[:500]
    assert "Thank you" in done.content.decode()
    response = Response.objects.get(questionnaire=q)
    assert response.score.valid
    assert response.score.method_id == "evidencehub.scoring.instrument"
