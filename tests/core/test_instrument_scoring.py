"""Scoring of every shipped instrument on hand-checked answers, definition
validation, licence rules and the offence-detail screen."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencehub.core.instruments import (
    AnswerError,
    InstrumentError,
    catalogue,
    catalogue_instrument,
    dump_json,
    instrument_to_dict,
    offence_detail_findings,
    parse_instrument,
    parse_text,
    round_score,
    score,
)
from evidencehub.core.instruments.schema import Rounding

SHIPPED_WITH_TEXT = {
    "phq9",
    "gad7",
    "readiness_rulers",
    "distress_0_10",
    "exit_survey",
    "comprehension_check",
    "sus",
    "ons4",
}
METADATA_ONLY = {"k10", "core10", "swemwbs", "ors"}


def test_catalogue_has_the_expected_instruments() -> None:
    ids = {i.id for i in catalogue()}
    assert ids == SHIPPED_WITH_TEXT | METADATA_ONLY


@pytest.mark.parametrize("inst", catalogue(), ids=lambda i: i.id)
def test_licence_rules_and_no_offence_details(inst: object) -> None:
    from evidencehub.core.instruments.schema import Instrument

    assert isinstance(inst, Instrument)
    assert inst.licence.statement and inst.licence.source
    if inst.id in METADATA_ONLY:
        assert not inst.licence.text_may_be_shipped
        assert not inst.has_item_text
    else:
        assert inst.licence.text_may_be_shipped
        assert all(it.text for it in inst.items)
    assert offence_detail_findings(inst) == []
    # round trip through plain data
    again = parse_instrument(json.loads(dump_json(inst)))
    assert again == inst


def test_offence_detail_screen_catches_a_bad_item() -> None:
    data = instrument_to_dict(catalogue_instrument("distress_0_10"))
    data["items"][0]["text"] = "Which platform did you use and who was the victim?"
    assert offence_detail_findings(parse_instrument(data)) == ["distress"]


def phq(values: list[int | None]) -> dict[str, int | None]:
    return {f"phq9_{i}": v for i, v in enumerate(values, 1)}


def test_phq9_sum_band_cutoff() -> None:
    s = score(catalogue_instrument("phq9"), phq([1, 2, 1, 2, 1, 1, 1, 1, 0]))
    assert s.total == Decimal(10)
    assert s.band == "Moderate"
    assert s.above_cutoff is True
    assert not s.risk
    assert s.method_id == "evidencehub.scoring.instrument"


def test_phq9_item9_is_a_risk_item_whatever_the_total() -> None:
    s = score(catalogue_instrument("phq9"), phq([0, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert s.total == 1
    assert s.risk_items == ("phq9_9",)
    # even when too many items are missing for a score
    s = score(catalogue_instrument("phq9"), {"phq9_9": 2})
    assert not s.valid and s.risk


def test_phq9_prorating_rounds_half_up() -> None:
    # 7 answered, sum 7 -> 7/7*9 = 9 ; sum 6 of 8 answered -> 6.75 -> 7
    s = score(catalogue_instrument("phq9"), phq([1, 1, 1, 1, 1, 1, 1, None, None]))
    assert (s.total, s.prorated, s.items_missing) == (Decimal(9), True, 2)
    # 8 answered summing 9 -> 9/8*9 = 10.125 -> 10
    s = score(catalogue_instrument("phq9"), phq([2, 1, 1, 1, 1, 1, 1, 1, None]))
    assert s.total == 10
    # too many missing
    s = score(catalogue_instrument("phq9"), phq([1, 1, 1, 1, 1, 1, None, None, None]))
    assert not s.valid and s.total is None and "at most 2" in s.reason


def test_gad7_prorated_half_up_not_bankers() -> None:
    # 6 answered summing 11: 11/6*7 = 12.8333 -> 13; 5 answered summing 5 -> 7
    gad = catalogue_instrument("gad7")
    answers = {f"gad7_{i}": v for i, v in enumerate([2, 2, 2, 2, 2, 1, None], 1)}
    assert score(gad, answers).total == 13
    # x.5 cases: round_score uses half-up, never Python's half-to-even
    assert round_score(Decimal("12.5"), Rounding(0, "half_up")) == 13
    assert round_score(Decimal("2.5"), Rounding(0, "half_up")) == 3
    assert round(2.5) == 2  # what Python would have done
    assert round_score(Decimal("2.5"), Rounding(0, "half_even")) == 2


def test_gad7_bands() -> None:
    gad = catalogue_instrument("gad7")
    s = score(gad, {f"gad7_{i}": 3 for i in range(1, 8)})
    assert (s.total, s.band, s.above_cutoff) == (Decimal(21), "Severe", True)


def test_sus_reversed_items_offset_and_multiplier() -> None:
    sus = catalogue_instrument("sus")
    answers = {f"sus_{i}": v for i, v in enumerate([4, 2, 4, 1, 4, 2, 5, 1, 4, 2], 1)}
    assert score(sus, answers).total == Decimal("82.5")
    assert score(sus, {f"sus_{i}": 3 for i in range(1, 11)}).total == 50
    best = {f"sus_{i}": (5 if i % 2 else 1) for i in range(1, 11)}
    assert score(sus, best).total == 100
    del answers["sus_3"]
    assert not score(sus, answers).valid


def test_core10_reversed_items_and_risk_item() -> None:
    core = catalogue_instrument("core10")
    answers = {f"core10_{i}": 2 for i in range(1, 11)}
    answers["core10_2"] = 0  # reversed -> 4
    answers["core10_6"] = 0
    s = score(core, answers)
    assert s.total == 2 * 7 + 4 + 2 + 0
    assert s.band == "Moderate to severe" and s.above_cutoff
    answers["core10_6"] = 1
    assert score(core, answers).risk_items == ("core10_6",)


def test_ors_lower_is_worse_cutoff() -> None:
    ors = catalogue_instrument("ors")
    low = score(ors, {"ors_1": 5, "ors_2": 5, "ors_3": 6, "ors_4": 8})
    assert low.total == 24 and low.above_cutoff is True
    ok = score(ors, {"ors_1": 5, "ors_2": 5, "ors_3": 7, "ors_4": 8})
    assert ok.above_cutoff is False


def test_k10_range_and_bands() -> None:
    k10 = catalogue_instrument("k10")
    assert score(k10, {f"k10_{i}": 1 for i in range(1, 11)}).band == "Low"
    assert score(k10, {f"k10_{i}": 3 for i in range(1, 11)}).band == "Very high"


def test_ons4_items_reported_separately_with_bands() -> None:
    s = score(
        catalogue_instrument("ons4"),
        {"life_satisfaction": 7, "worthwhile": 9, "happiness": 4, "anxiety": 6},
    )
    assert s.total is None and s.valid
    assert s.subscales["worthwhile"] == 9
    assert s.subscale_bands == {
        "life_satisfaction": "High",
        "worthwhile": "Very high",
        "happiness": "Low",
        "anxiety": "High",
    }


def test_exit_survey_and_rulers() -> None:
    s = score(
        catalogue_instrument("exit_survey"),
        {"change": 2, "step_talked": 1, "step_strategy": 1, "step_sought_help": 0},
    )
    assert s.subscales["protective_steps"] == 2
    r = score(catalogue_instrument("readiness_rulers"), {"importance": 8})
    assert r.subscales == {"importance": 8, "confidence": None, "readiness": None}


def test_distress_and_comprehension() -> None:
    assert score(catalogue_instrument("distress_0_10"), {"distress": 7}).total == 7
    s = score(catalogue_instrument("comprehension_check"), {"clear": 2, "for_me": 1})
    assert s.valid and s.total is None


def test_bad_answers_name_the_item() -> None:
    phq9 = catalogue_instrument("phq9")
    with pytest.raises(AnswerError) as exc:
        score(phq9, {"phq9_1": 7, "phq9_2": "x", "name": "Bob"})
    assert set(exc.value.errors) == {"phq9_1", "phq9_2", "name"}
    assert "0, 1, 2, 3" in exc.value.errors["phq9_1"]


def test_validation_lists_every_problem_with_its_path() -> None:
    data = instrument_to_dict(catalogue_instrument("gad7"))
    data["id"] = "Bad Id"
    data["items"][1]["options"][1]["value"] = 0
    data["bands"][0]["max"] = 6
    data["reliable_change"]["source"] = ""
    data["scoring"]["rounding"]["mode"] = "banker"
    with pytest.raises(InstrumentError) as exc:
        parse_instrument(data)
    paths = {p for p, _m in exc.value.errors}
    assert {
        "id",
        "items[1].options[1].value",
        "bands",
        "reliable_change.source",
        "scoring.rounding.mode",
    } <= paths


def test_licensed_text_cannot_be_shipped_and_export_without_text() -> None:
    data = instrument_to_dict(catalogue_instrument("core10"))
    data["items"][0]["text"] = "pasted licensed text"
    with pytest.raises(InstrumentError, match="does not allow shipping item text"):
        parse_instrument(data)
    phq9 = catalogue_instrument("phq9")
    blank = instrument_to_dict(phq9, with_text=False)
    assert all(it["text"] == "" for it in blank["items"])


def test_parse_text_errors_are_clear() -> None:
    with pytest.raises(InstrumentError, match="cannot be read"):
        parse_text("{not json", fmt="json")
    with pytest.raises(InstrumentError, match="must be a mapping"):
        parse_text("- a list")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_valid_answers_score_inside_the_range(data: st.DataObject) -> None:
    """Property: for every shipped instrument, any answers (with missing items)
    either score inside the declared range and a declared band, or say why not."""
    inst = data.draw(st.sampled_from(catalogue()))
    answers: dict[str, int | None] = {}
    for it in inst.items:
        if it.kind == "choice":
            answers[it.id] = data.draw(st.none() | st.sampled_from(it.values))
    result = score(inst, answers)
    risk_answered = [
        it.id
        for it in inst.risk_items
        if (v := answers.get(it.id)) is not None and v > it.risk_above
    ]
    assert list(result.risk_items) == risk_answered
    if result.total is None:
        assert result.reason
        return
    assert inst.scoring.range is not None
    lo, hi = inst.scoring.range
    assert lo <= result.total <= hi
    if inst.bands:
        assert result.band


def test_translations_are_used_when_present() -> None:
    data = instrument_to_dict(catalogue_instrument("distress_0_10"))
    data["translations"] = {
        "de": {
            "items": {"distress": "Wie belastet fühlen Sie sich gerade?"},
            "options": {"distress.0": "0 - Gar nicht belastet"},
        }
    }
    inst = parse_instrument(data)
    assert inst.text_for("distress", "de").startswith("Wie belastet")
    assert inst.text_for("distress", "fr") == inst.item("distress").text
    assert inst.option_label("distress", 0, "de") == "0 - Gar nicht belastet"
    assert inst.option_label("distress", 10, "de").startswith("10")
