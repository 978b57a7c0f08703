"""The researched seed loads faithfully: no fact altered, unknown shown as
unknown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidencehub.apps.funding.models import Call, Funder, Programme, RecordChange
from evidencehub.apps.funding.services import SEED_PATH, SEED_TO_MODEL, load_seed

SHARED = "/work/shared/data/funders/funders_seed.json"
MODELS = {"funder": Funder, "programme": Programme, "call": Call}


def seed_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(SEED_PATH.read_text("utf-8"))
    return records


def test_shipped_seed_is_the_researched_file() -> None:
    try:
        shared = json.loads(Path(SHARED).read_text("utf-8"))
    except FileNotFoundError:
        pytest.skip("shared data not present")
    assert seed_records() == shared


def test_every_field_of_every_record_is_stored_verbatim(seeded: dict[str, int]) -> None:
    records = seed_records()
    assert seeded == {
        "funders": 12,
        "programmes": 14,
        "calls": 9,
        "created": 35,
        "updated": 0,
    }
    for record in records:
        stored = MODELS[record["record_type"]].objects.get(key=record["id"])
        for seed_field, model_field in SEED_TO_MODEL.items():
            assert getattr(stored, model_field) == record[seed_field], (
                record["id"],
                seed_field,
            )
        if record["record_type"] != "funder":
            assert stored.parent_text == record["parent"]
        assert stored.origin == "seed"
        assert stored.last_verified_on is None  # the seed states no check date


def test_parents_are_linked_or_named(seeded: dict[str, int]) -> None:
    call = Call.objects.get(key="eu-cerv-2025-daphne")
    assert call.programme is not None and call.programme.key == "eu-cerv-daphne"
    isf = Call.objects.get(key="eu-isf-csa-2021")
    assert isf.programme is None
    assert isf.funder is not None and isf.funder.named_only
    assert (
        isf.funder.name == "European Commission DG HOME - Internal Security Fund (ISF)"
    )


def test_derived_values_only_add(seeded: dict[str, int]) -> None:
    call = Call.objects.get(key="eu-cerv-2025-daphne")
    assert call.deadline_text == "2025-05-07 17:00 (CEST)"
    (deadline,) = call.deadlines.all()
    assert deadline.utc_offset_minutes == 120 and deadline.due_at.hour == 15
    assert call.status == "closed"
    assert (
        str(call.funding_rate) == "90.00"
        and call.funding_rate_text == "90% (secondary summary)"
    )
    assert call.total_budget_text == "EUR 23,000,000 (secondary summary)"
    assert call.total_budget is not None and int(call.total_budget) == 23_000_000
    # A sentence is not read as an amount.
    daphne3 = Programme.objects.get(key="eu-daphne-iii")
    assert daphne3.total_budget_text.startswith("EUR 12.07 million for action grants")
    assert (
        call.min_grant is None
        and call.max_grant is None
        and call.eligible_org_types == []
    )


def test_reload_is_idempotent_and_keeps_history(seeded: dict[str, int]) -> None:
    first = RecordChange.objects.count()
    assert first == 35 + 0  # one creation entry per record
    again = load_seed()
    assert again["created"] == 0 and again["updated"] == 0
    assert RecordChange.objects.count() == first


def test_unknown_values_are_shown_as_unknown(
    cast: Any, seeded: dict[str, int], client_for: Any
) -> None:
    client = client_for(cast.viewer_a)
    page = client.get("/funding/calls/eu-isf-csa-2021/").content.decode()
    assert "Not known" in page
    assert "Not known — never re-checked" in page
    assert "Share of costs the funder pays</dt><dd>Not known" in page
    assert "Kinds of organisation</dt><dd>Not known" in page
    funder = client.get("/funding/funders/oak-foundation/").content.decode()
    assert "Accepts proposals it did not ask for</dt><dd>Not known" in funder
    for source in Funder.objects.get(key="oak-foundation").sources:
        assert source["url"] in funder


def test_demo_load_is_idempotent_and_labelled(cast: Any) -> None:
    from evidencehub.apps.funding.demo import load

    counts = load()
    assert counts["funding_records"] > 35
    assert load()["funding_records"] == 0
    for call in Call.objects.filter(origin="demo"):
        assert "(synthetic demo)" in call.name


def test_load_seed_command(db: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("funders", "load-seed", stdout=out)
    assert out.getvalue().strip() == (
        "Seed loaded: 12 funders, 14 programmes, 9 calls (35 new, 0 changed)."
    )
