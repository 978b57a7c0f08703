from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_demo_is_synthetic_idempotent_and_pairs(db: Any) -> None:
    from evidencehub.apps.instruments import demo, selectors
    from evidencehub.apps.instruments.models import Questionnaire, Response
    from evidencehub.demo.loader import load_demo

    load_demo(extensions=False)
    counts = demo.load()
    assert counts["questionnaires"] == 5 and counts["questionnaire responses"] > 300
    assert demo.load() == {"questionnaires": 0, "questionnaire responses": 0}
    assert not Response.objects.filter(synthetic=False).exists()
    assert all(
        q.title.endswith("(synthetic demo)") for q in Questionnaire.objects.all()
    )
    end = Questionnaire.objects.get(initiative__slug="demo-therapy", occasion="end")
    [c] = selectors.results(questionnaire=end).comparisons
    assert 0.6 <= c.pairs / c.baseline_with_code <= 0.9
    assert sum(c.measures[0].classification.values()) == c.measures[0].pairs
    assert demo.load(reset=True)["questionnaires"] == 5
