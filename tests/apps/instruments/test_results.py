"""Pre/post linkage by user-held code alone, and the results figures."""

from __future__ import annotations

from typing import Any

import pytest

from evidencehub.apps.instruments import selectors, services
from evidencehub.core.codes import format_code, generate_code
from tests.apps.instruments.conftest import phq_answers

pytestmark = pytest.mark.django_db

# (baseline items, end items): totals 18->8 recovered, 22->15 improved,
# 12->9 unchanged, 8->14 deteriorated
PEOPLE = [
    ([2, 2, 2, 2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1, 1, 1, 0]),
    ([3, 3, 3, 3, 3, 3, 2, 2, 0], [2, 2, 2, 2, 2, 2, 2, 1, 0]),
    ([2, 2, 2, 2, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1]),
    ([1, 1, 1, 1, 1, 1, 1, 1, 0], [2, 2, 2, 2, 2, 2, 1, 1, 0]),
]


def test_pairs_linked_by_code_and_classified(cast: Any, pair: Any) -> None:
    base, end = pair
    for before, after in PEOPLE:
        code = generate_code()
        services.response_submit(
            questionnaire=base, answers=phq_answers(before), code=format_code(code)
        )
        # typed differently (lower case, no hyphens) on the second occasion
        services.response_submit(
            questionnaire=end, answers=phq_answers(after), code=code.lower()
        )
    # one person without a code, one who never came back
    services.response_submit(questionnaire=base, answers=phq_answers([1] * 9))
    services.response_submit(
        questionnaire=base, answers=phq_answers([3] * 8 + [0]), code=generate_code()
    )
    r = selectors.results(questionnaire=end)
    [c] = r.comparisons
    assert (c.baseline_n, c.baseline_with_code, c.pairs) == (6, 5, 4)
    assert c.pairing_rate is not None and c.pairing_rate.n == 5
    assert c.pairing_rate.value.startswith("80%")
    assert "evidencehub.stats.wilson v1" in c.pairing_rate.method
    [total] = c.measures
    assert total.classification == {
        "recovered": 1,
        "improved": 1,
        "unchanged": 1,
        "deteriorated": 1,
    }
    assert "IAPT" in total.threshold_note
    assert total.change is not None and total.change.n == 4
    assert total.change.method == "evidencehub.stats.paired_change v1"
    assert total.change.value.startswith("-3.50")
    assert total.clinically_significant is not None
    assert total.clinically_significant.value.startswith("1 of 3")
    assert c.attrition is not None and "welch" in c.attrition.method
    # the same comparison seen from the baseline questionnaire
    assert selectors.results(questionnaire=base).comparisons[0].pairs == 4
