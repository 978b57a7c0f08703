"""Checks behind the data-protection summary (the starting point of a DPIA).

A Data Protection Impact Assessment is required by GDPR Article 35 (Regulation
(EU) 2016/679) where processing is likely to result in a high risk; work with
people seeking help about sexual thoughts towards children meets the criteria of
the European Data Protection Board's guidelines (WP248 rev.01, 2017: sensitive
data, vulnerable data subjects). This module turns the answers of an evaluation
plan and the organisation's settings into a list of findings; the page that shows
them words each finding in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Finding(StrEnum):
    NO_PURPOSE = "no_purpose"
    NO_INFORMATION_TEXT = "no_information_text"
    NO_DATA_LIST = "no_data_list"
    NO_RETENTION = "no_retention"
    LONG_RETENTION = "long_retention"
    NO_SAFEGUARDING_ROUTE = "no_safeguarding_route"
    NO_ETHICS_APPROVAL = "no_ethics_approval"
    SMALL_CELL_THRESHOLD_LOW = "small_cell_threshold_low"


# Raw records older than this are rarely needed once daily rollups exist.
LONG_RETENTION_DAYS = 400
MINIMUM_SAFE_THRESHOLD = 10


@dataclass(frozen=True)
class DataProtectionAnswers:
    purpose: str
    information_text: str
    data_collected: str
    retention_days: int | None
    safeguarding_route: str
    ethics_reference: str
    suppression_threshold: int


def findings(answers: DataProtectionAnswers) -> list[Finding]:
    """Return the gaps and risks in ``answers``, most important first."""
    result: list[Finding] = []
    if not answers.purpose.strip():
        result.append(Finding.NO_PURPOSE)
    if not answers.information_text.strip():
        result.append(Finding.NO_INFORMATION_TEXT)
    if not answers.data_collected.strip():
        result.append(Finding.NO_DATA_LIST)
    if not answers.safeguarding_route.strip():
        result.append(Finding.NO_SAFEGUARDING_ROUTE)
    if answers.retention_days is None:
        result.append(Finding.NO_RETENTION)
    elif answers.retention_days > LONG_RETENTION_DAYS:
        result.append(Finding.LONG_RETENTION)
    if not answers.ethics_reference.strip():
        result.append(Finding.NO_ETHICS_APPROVAL)
    if answers.suppression_threshold < MINIMUM_SAFE_THRESHOLD:
        result.append(Finding.SMALL_CELL_THRESHOLD_LOW)
    return result
