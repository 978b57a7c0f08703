from __future__ import annotations

from dataclasses import replace

from evidencehub.core.data_protection import DataProtectionAnswers, Finding, findings

COMPLETE = DataProtectionAnswers(
    purpose="Evaluate the service",
    information_text="Anonymous; answering is optional.",
    data_collected="Counts",
    retention_days=90,
    safeguarding_route="Protocol",
    ethics_reference="EC-2026-01",
    suppression_threshold=10,
)


def test_complete_answers_have_no_findings() -> None:
    assert findings(COMPLETE) == []


def test_each_gap_is_found() -> None:
    empty = replace(
        COMPLETE,
        purpose=" ",
        information_text="",
        data_collected="",
        retention_days=None,
        safeguarding_route="",
        ethics_reference="",
        suppression_threshold=5,
    )
    assert set(findings(empty)) == {
        Finding.NO_PURPOSE,
        Finding.NO_INFORMATION_TEXT,
        Finding.NO_DATA_LIST,
        Finding.NO_RETENTION,
        Finding.NO_SAFEGUARDING_ROUTE,
        Finding.NO_ETHICS_APPROVAL,
        Finding.SMALL_CELL_THRESHOLD_LOW,
    }


def test_long_retention_is_flagged() -> None:
    assert findings(replace(COMPLETE, retention_days=401)) == [Finding.LONG_RETENTION]
    assert findings(replace(COMPLETE, retention_days=400)) == []
