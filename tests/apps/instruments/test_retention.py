"""Response retention: after the period, free text goes and the link to the
user-held code is cut, while answers, scores, pairs and every KPI stay."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from evidencehub.apps.instruments import selectors, services
from evidencehub.apps.instruments.models import Response
from evidencehub.core.codes import code_hash, generate_code, normalise_code
from evidencehub.core.kpis import parse_period
from tests.apps.instruments.conftest import phq_answers

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def _at(q: Any, values: list[int], when: datetime, code: str = "") -> Response:
    resp, _score = services.response_submit(
        questionnaire=q, answers=phq_answers(values), code=code, now=when
    )
    return resp


@pytest.fixture
def history(cast: Any, pair: Any) -> dict[str, Any]:
    base, end = pair
    old, kept = generate_code(), generate_code()
    _at(base, [2] * 9, datetime(2024, 1, 10, tzinfo=UTC), old)
    _at(end, [1] * 9, datetime(2024, 3, 10, tzinfo=UTC), old)
    _at(base, [3] * 9, datetime(2024, 2, 1, tzinfo=UTC), kept)
    _at(end, [0] * 9, datetime(2026, 10, 1, tzinfo=UTC), kept)
    lone = _at(base, [1] * 9, datetime(2024, 2, 2, tzinfo=UTC))
    lone.text_answers = {"note": "free text that retention removes"}
    lone.language = "en"
    lone.save()
    return {"base": base, "end": end, "old": old, "kept": kept}


def _hash(cast: Any, code: str) -> str:
    secret = services.survey_settings(initiative=cast.initiative_a).secret_bytes
    return code_hash(normalise_code(code), secret)


def _kpis(cast: Any) -> list[tuple[Any, ...]]:
    from evidencehub.apps.kpis.services import compute_and_store

    out = []
    for period in ("2024", "2026"):
        _run, results = compute_and_store(
            initiative=cast.initiative_a,
            period=parse_period(period),
            kpi_ids=["W03", "D02"],
        )
        out += [
            (period, r.kpi_id, r.status, r.value, r.numerator, r.denominator, r.n)
            for r in results
        ]
    return out


def test_purge_cuts_codes_but_keeps_every_figure(cast: Any, history: Any) -> None:
    before_kpis = _kpis(cast)
    before = selectors.results(questionnaire=history["end"]).comparisons[0]
    assert before.pairs == 2
    totals = sorted(Response.objects.values_list("score__total", flat=True))

    result = services.responses_purge_run(now=NOW)

    # the default 730 days: everything before 2024-12-01 whose code has no
    # recent answer is unlinked (old pair: 2 responses, and the lone one)
    assert (result.unlinked, result.texts) == (3, 1)
    assert result.per_organisation == {cast.org_a.slug: 3}
    old_hash = _hash(cast, history["old"])
    assert not Response.objects.filter(code_hash=old_hash).exists()
    tokens = set(
        Response.objects.filter(minimised=True)
        .exclude(code_hash="")
        .values_list("code_hash", flat=True)
    )
    assert len(tokens) == 1  # the old pair still shares one token
    # a code with a recent answer stays linkable, in full
    assert Response.objects.filter(code_hash=_hash(cast, history["kept"])).count() == 2
    lone = Response.objects.get(code_hash="")
    assert lone.text_answers == {} and lone.language == "" and lone.minimised

    after = selectors.results(questionnaire=history["end"]).comparisons[0]
    assert after.pairs == before.pairs
    assert after.measures[0].classification == before.measures[0].classification
    assert sorted(Response.objects.values_list("score__total", flat=True)) == totals
    assert _kpis(cast) == before_kpis

    from evidencehub.apps.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="evidencehub.responses.purged")
    assert event.data["unlinked"] == 3 and event.data["days"] == 730
    # a second run has nothing left to do
    again = services.responses_purge_run(now=NOW)
    assert (again.unlinked, again.texts) == (0, 0)


def test_retention_never_shorter_than_the_longest_follow_up(
    cast: Any, history: Any
) -> None:
    services.questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=history["base"].instrument_version,
        occasion="follow_up",
        follow_up_months=36,
    )
    services.response_retention_update(
        actor=cast.admin_a, organisation=cast.org_a, days=90
    )
    # 37 * 31 = 1147 days before NOW is 2023-10-10: nothing is that old
    assert services.responses_purge_run(now=NOW).unlinked == 0
    assert Response.objects.filter(code_hash=_hash(cast, history["old"])).count() == 2


def test_shorter_retention_and_command(cast: Any, history: Any, capsys: Any) -> None:
    services.response_retention_update(
        actor=cast.admin_a, organisation=cast.org_a, days=90
    )
    assert services.response_retention_days(organisation=cast.org_a) == 90
    call_command("purge_responses")
    out = capsys.readouterr().out
    # with 90 days, the "kept" code's last answer (2026-10-01) is recent only
    # relative to NOW; the command runs at the real current time
    assert "Unlinked" in out and cast.org_a.slug in out


@pytest.mark.parametrize("days", [0, 89, 3651, True, "90"])
def test_retention_bounds(cast: Any, days: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.response_retention_update(
            actor=cast.admin_a, organisation=cast.org_a, days=days
        )
    assert "days" in exc.value.message_dict
