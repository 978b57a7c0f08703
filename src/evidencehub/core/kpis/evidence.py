"""The evidence level an initiative reaches *now*, from its design and its
data, and what is missing for the next level.

Scales: EIF evidence standards (EIF Guidebook 2018) and the Maryland
Scientific Methods Scale (Farrington et al. 2002), as in
``evidencehub.core.evidence``. The design gives the ceiling; the data decide
how much of it is reached. Rules (method ``evidencehub.kpis.evidence_reached`` v1) - a
synthesis, since the detailed EIF Level-2 checklist was not retrieved
(``reference/domain_kpis.md`` §1.4, ✖):

* no outcome data: EIF NL2, SMS not rated (description only);
* at least ``MIN_PAIRS`` (30) linked pre/post pairs on a validated measure, or
  as many within-contact before/after ratings: SMS 1, EIF Level 2
  (preliminary) - capped by the plan's ceiling;
* SMS 3 / EIF Level 3 need, in addition, a comparison series or randomised
  control group in the plan and its data, which the hub does not hold yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from evidencehub.core.evidence import EIF_ORDER, EifLevel, EvidenceCeiling

EVIDENCE_METHOD = ("evidencehub.kpis.evidence_reached", "1")
MIN_PAIRS = 30


@dataclass(frozen=True)
class EvidenceReached:
    eif: EifLevel
    sms: int | None
    ceiling: EvidenceCeiling | None
    reason: str
    missing: tuple[str, ...]


def evidence_reached(
    *,
    ceiling: EvidenceCeiling | None,
    linked_pairs: int,
    within_contact_pairs: int = 0,
    min_pairs: int = MIN_PAIRS,
) -> EvidenceReached:
    """Evidence level reached now. ``linked_pairs``: pre/post pairs linked by
    user-held codes on a scored measure; ``within_contact_pairs``: contacts
    with a start and end rating."""
    best_pairs = max(linked_pairs, within_contact_pairs)
    kind = (
        "linked pre/post pairs"
        if linked_pairs >= within_contact_pairs
        else "contacts with a start and end distress rating"
    )
    missing: list[str] = []
    if ceiling is None:
        missing.append("an evaluation plan with at least one question and design")
    cap_eif = ceiling.eif if ceiling and ceiling.eif else EifLevel.NL2
    cap_sms = ceiling.sms if ceiling else None
    if best_pairs < min_pairs:
        missing.append(f"{kind}: {best_pairs} of the {min_pairs} needed")
        if cap_eif == EifLevel.NL2:
            missing.append(
                "a design that compares outcomes (pre/post with user-held codes, "
                "within-contact change, or better)"
            )
        return EvidenceReached(
            EifLevel.NL2,
            None,
            ceiling,
            "No outcome has been measured on enough people yet; figures describe "
            "activity only.",
            tuple(missing),
        )
    eif = min(EifLevel.LEVEL_2, cap_eif, key=EIF_ORDER.index)
    sms = 1 if cap_sms is not None and cap_sms >= 1 else None
    if eif == EifLevel.NL2:
        missing.append(
            "a design that compares outcomes; the plan's designs only describe activity"
        )
    else:
        missing.append(
            "a comparison group or randomised control (SMS 3-5, EIF Level 3): the "
            "hub holds no comparison data for this initiative"
        )
    return EvidenceReached(
        eif,
        sms,
        ceiling,
        f"{best_pairs} {kind} give before/after evidence without a comparison "
        "group: preliminary only.",
        tuple(missing),
    )
