from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from evidencehub.core.logic_model import (
    MAX_ITEM_LENGTH,
    DiagramLabels,
    LogicModel,
    clean_items,
    render_svg,
)


def test_items_are_trimmed_and_blanks_dropped() -> None:
    assert clean_items(["  a  b ", "", "  ", "c"], part="inputs") == ("a b", "c")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not a list", "inputs: must be a list"),
        ([1, 2], "inputs: must be a list"),
        (["x"] * 31, "inputs: at most 30"),
        (["x" * (MAX_ITEM_LENGTH + 1)], "inputs: each item"),
    ],
)
def test_bad_parts_are_rejected_naming_the_part(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        clean_items(raw, part="inputs")


def test_diagram_is_valid_svg_with_every_statement() -> None:
    model = LogicModel(
        inputs=("Counsellors",),
        activities=("Conversations",),
        outputs=("Contacts answered",),
        outcomes_short=("Less distress",),
        outcomes_long=("Fewer children harmed",),
        assumptions=("People seek help when anonymous",),
    )
    svg = render_svg(model)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for statement in (
        "Counsellors",
        "Conversations",
        "Contacts answered",
        "Less distress",
    ):
        assert statement in text
    assert "Long term: Fewer children harmed" in svg


def test_diagram_escapes_markup_and_uses_given_labels() -> None:
    svg = render_svg(
        LogicModel(inputs=("<script>alert(1)</script>",)),
        DiagramLabels(title="Wirkungsmodell", inputs="Ressourcen"),
    )
    assert "<script>" not in svg
    assert "Wirkungsmodell" in svg and "Ressourcen" in svg
    ET.fromstring(svg)


def test_empty_model() -> None:
    assert LogicModel().is_empty()
    assert "(none yet)" in render_svg(LogicModel())
