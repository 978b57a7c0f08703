"""Questionnaire services: set-up validation, immutability once used,
anonymous responses (hour-coarsened time, keyed code hash), scoring stored with
its method, licensed text and audit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from evidencehub.apps.instruments import services
from evidencehub.apps.instruments.models import InstrumentVersion, Response
from evidencehub.core.codes import code_hash, generate_code
from evidencehub.core.instruments import (
    catalogue_instrument,
    instrument_to_dict,
    parse_instrument,
)
from tests.apps.instruments.conftest import phq_answers

pytestmark = pytest.mark.django_db


def test_catalogue_rows_are_created_once(db: Any) -> None:
    n = services.ensure_catalogue()
    assert n == 12
    assert services.ensure_catalogue() == 0


def test_response_is_anonymous_coarsened_and_scored(cast: Any, pair: Any) -> None:
    base, _end = pair
    code = generate_code()
    moment = datetime(2026, 3, 4, 15, 47, 12, tzinfo=UTC)
    resp, _result = services.response_submit(
        questionnaire=base,
        answers=phq_answers([1, 1, 1, 1, 1, 1, 1, 1, 0]),
        code=code,
        now=moment,
    )
    resp.refresh_from_db()
    assert resp.submitted_hour == datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    secret = services.survey_settings(initiative=cast.initiative_a).secret_bytes
    assert resp.code_hash == code_hash(code, secret)
    assert code not in str(Response.objects.values().get(pk=resp.pk))
    sc = resp.score
    assert sc.total == 8 and sc.band == "Mild" and sc.valid
    assert (sc.method_id, sc.method_version) == ("evidencehub.scoring.instrument", "1")
    assert (sc.instrument_id, sc.instrument_version) == ("phq9", "1")
    field_names = {f.name for f in Response._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user_agent", "email", "name", "user"}


def test_same_code_hashes_differently_per_initiative(cast: Any, phq9: Any) -> None:
    code = generate_code()
    qa = services.questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=phq9,
        occasion="single",
    )
    qb = services.questionnaire_create(
        actor=cast.admin_b,
        initiative=cast.initiative_b,
        instrument_version=phq9,
        occasion="single",
    )
    ra, _ = services.response_submit(
        questionnaire=qa, answers=phq_answers([0] * 9), code=code
    )
    rb, _ = services.response_submit(
        questionnaire=qb, answers=phq_answers([0] * 9), code=code
    )
    assert ra.code_hash and rb.code_hash and ra.code_hash != rb.code_hash


def test_bad_answers_and_codes_store_nothing(pair: Any) -> None:
    base, _end = pair
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            questionnaire=base,
            answers={**phq_answers([1] * 9), "phq9_3": "9"},
            code="ABCD-EFGH-Z",
        )
    assert set(exc.value.message_dict) == {"phq9_3", "code"}
    with pytest.raises(ValidationError) as exc:
        services.response_submit(questionnaire=base, answers={"name": "x"})
    assert "name" in exc.value.message_dict
    assert Response.objects.count() == 0


def test_free_text_is_off_by_default(pair: Any) -> None:
    base, _end = pair
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            questionnaire=base, answers=phq_answers([0] * 9), text_answers={"note": "x"}
        )
    assert "text" in exc.value.message_dict


def test_closed_questionnaire_refuses(cast: Any, pair: Any) -> None:
    base, _end = pair
    services.questionnaire_set_open(
        actor=cast.admin_a, questionnaire=base, is_open=False
    )
    with pytest.raises(ValidationError, match="closed"):
        services.response_submit(questionnaire=base, answers=phq_answers([0] * 9))


def test_questionnaire_validation(cast: Any, phq9: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.questionnaire_create(
            actor=cast.admin_a,
            initiative=cast.initiative_a,
            instrument_version=phq9,
            occasion="follow_up",
        )
    assert "follow_up_months" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.questionnaire_create(
            actor=cast.admin_a,
            initiative=cast.initiative_a,
            instrument_version=phq9,
            occasion="end",
            follow_up_months=3,
        )
    assert "follow_up_months" in exc.value.message_dict
    core10 = InstrumentVersion.objects.get(
        instrument_id="core10", organisation__isnull=True
    )
    with pytest.raises(ValidationError, match="paste the licensed item"):
        services.questionnaire_create(
            actor=cast.admin_a,
            initiative=cast.initiative_a,
            instrument_version=core10,
            occasion="baseline",
        )


def test_other_organisations_instrument_cannot_be_used(cast: Any) -> None:
    inst = catalogue_instrument("distress_0_10")
    data = instrument_to_dict(inst)
    data["id"] = "own_distress"
    own_b = services.instrument_import(
        actor=cast.admin_b, organisation=cast.org_b, instrument=parse_instrument(data)
    )
    with pytest.raises(ValidationError) as exc:
        services.questionnaire_create(
            actor=cast.admin_a,
            initiative=cast.initiative_a,
            instrument_version=own_b,
            occasion="single",
        )
    assert "instrument_version" in exc.value.message_dict


def test_licensed_text_enables_and_is_never_exported(cast: Any) -> None:
    services.ensure_catalogue()
    core10 = InstrumentVersion.objects.get(
        instrument_id="core10", organisation__isnull=True
    )
    texts = {f"core10_{i}": f"Licensed item {i}" for i in range(1, 11)}
    with pytest.raises(ValidationError) as exc:
        services.licensed_text_save(
            actor=cast.admin_a,
            organisation=cast.org_a,
            version=core10,
            items={"nope": "x"},
        )
    assert "nope" in exc.value.message_dict
    services.licensed_text_save(
        actor=cast.admin_a, organisation=cast.org_a, version=core10, items=texts
    )
    q = services.questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=core10,
        occasion="baseline",
    )
    exported = services.instrument_export(
        actor=cast.admin_a, organisation=cast.org_a, version=core10
    )
    assert "Licensed item" not in str(exported)
    # org B still sees only the scoring definition
    assert not services.has_item_text(version=core10, organisation=cast.org_b)
    assert q.pk


def test_used_versions_are_immutable(cast: Any) -> None:
    data = instrument_to_dict(catalogue_instrument("distress_0_10"))
    data["id"] = "own_distress"
    v1 = services.instrument_import(
        actor=cast.admin_a, organisation=cast.org_a, instrument=parse_instrument(data)
    )
    # unchanged re-import returns the same row
    again = services.instrument_import(
        actor=cast.admin_a, organisation=cast.org_a, instrument=parse_instrument(data)
    )
    assert again.pk == v1.pk
    q = services.questionnaire_create(
        actor=cast.admin_a,
        initiative=cast.initiative_a,
        instrument_version=v1,
        occasion="single",
    )
    services.response_submit(questionnaire=q, answers={"distress": "4"})
    data["title"] = "Changed"
    with pytest.raises(ValidationError) as exc:
        services.instrument_import(
            actor=cast.admin_a,
            organisation=cast.org_a,
            instrument=parse_instrument(data),
        )
    assert "version" in exc.value.message_dict
    data["version"] = "2"
    v2 = services.instrument_import(
        actor=cast.admin_a, organisation=cast.org_a, instrument=parse_instrument(data)
    )
    assert v2.pk != v1.pk
    assert services.instrument_version_is_locked(v1)
    assert not services.instrument_version_is_locked(v2)


def test_offence_detail_items_are_refused(cast: Any) -> None:
    data = instrument_to_dict(catalogue_instrument("distress_0_10"))
    data["id"] = "bad"
    data["items"][0]["text"] = "Where did it happen and who was the victim?"
    with pytest.raises(ValidationError, match="offence details"):
        services.instrument_import(
            actor=cast.admin_a,
            organisation=cast.org_a,
            instrument=parse_instrument(data),
        )


def test_setup_changes_are_audited_but_responses_are_not(cast: Any, pair: Any) -> None:
    from evidencehub.apps.audit.models import AuditEvent

    base, _end = pair
    before = AuditEvent.objects.count()
    services.response_submit(questionnaire=base, answers=phq_answers([0] * 9))
    assert AuditEvent.objects.count() == before
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert "evidencehub.questionnaire.created" in actions


def test_crisis_text_fallbacks(cast: Any, settings: Any) -> None:
    assert "112" in services.crisis_text_for(cast.initiative_a)
    settings.EVIDENCEHUB_CRISIS_RESOURCES = {"DE": "Telefonseelsorge 0800 111 0 111"}
    assert "Telefonseelsorge" in services.crisis_text_for(cast.initiative_a)
    services.survey_settings_update(
        actor=cast.admin_a, initiative=cast.initiative_a, crisis_text="Call 999"
    )
    assert services.crisis_text_for(cast.initiative_a) == "Call 999"
    with pytest.raises(ValidationError) as exc:
        services.survey_settings_update(
            actor=cast.admin_a, initiative=cast.initiative_a, crisis_text="x" * 4001
        )
    assert "crisis_text" in exc.value.message_dict
