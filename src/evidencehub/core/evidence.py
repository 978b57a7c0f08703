"""Evaluation designs and the highest evidence level each can reach.

Two scales are used, both as published:

* Maryland Scientific Methods Scale (SMS), levels 1-5: Farrington et al. (2002),
  *Evidence-Based Crime Prevention*, ch. 2; scoring guide of the What Works Centre
  for Local Economic Growth (2016).
* Early Intervention Foundation (EIF) evidence standards: NL2, Level 2, 3, 4
  (EIF Guidebook, "EIF evidence standards", 2018).

The mapping from the designs an anonymous service can run to those levels follows
the research brief `domain_kpis.md` section 1.4. It is a *ceiling*: the level a
design can reach when it is carried out well, shown to the user before any data is
collected so that funders see what a plan can and cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Design(StrEnum):
    """Evaluation designs offered in an evaluation plan."""

    ROUTINE_MONITORING = "routine_monitoring"
    PRE_POST_USER_CODES = "pre_post_user_codes"
    WITHIN_CONTACT = "within_contact"
    INTERRUPTED_TIME_SERIES = "interrupted_time_series"
    RANDOMISED_MESSAGE_TEST = "randomised_message_test"
    WAITLIST_PLACEBO_RCT = "waitlist_placebo_rct"
    OTHER = "other"


class EifLevel(StrEnum):
    """EIF ratings in ascending order of strength (NE, "not effective", is a
    finding rather than a ceiling and is therefore not a possible ceiling)."""

    NL2 = "NL2"
    LEVEL_2 = "2"
    LEVEL_3 = "3"
    LEVEL_4 = "4"


EIF_ORDER: tuple[EifLevel, ...] = (
    EifLevel.NL2,
    EifLevel.LEVEL_2,
    EifLevel.LEVEL_3,
    EifLevel.LEVEL_4,
)


@dataclass(frozen=True)
class EvidenceCeiling:
    """The highest evidence a design can support.

    Attributes:
        design: the design this ceiling belongs to.
        sms: highest Maryland SMS level (1-5), or ``None`` when the design makes
            no comparison of outcomes at all (descriptive monitoring) or cannot be
            rated without more detail (``other``).
        eif: highest EIF level, or ``None`` when it cannot be rated.
        condition: a short statement (English) of what must hold to reach it.
    """

    design: Design
    sms: int | None
    eif: EifLevel | None
    condition: str


_CEILINGS: dict[Design, EvidenceCeiling] = {
    Design.ROUTINE_MONITORING: EvidenceCeiling(
        Design.ROUTINE_MONITORING,
        sms=None,
        eif=EifLevel.NL2,
        condition=(
            "Counts of activity describe delivery but compare no outcomes, so no "
            "impact can be claimed."
        ),
    ),
    Design.PRE_POST_USER_CODES: EvidenceCeiling(
        Design.PRE_POST_USER_CODES,
        sms=1,
        eif=EifLevel.LEVEL_2,
        condition=(
            "Before-after change in users linked by a code they keep, without a "
            "comparison group: preliminary evidence only."
        ),
    ),
    Design.WITHIN_CONTACT: EvidenceCeiling(
        Design.WITHIN_CONTACT,
        sms=1,
        eif=EifLevel.LEVEL_2,
        condition=(
            "Change from the start to the end of one call, chat or session, "
            "without a comparison group: preliminary evidence only."
        ),
    ),
    Design.INTERRUPTED_TIME_SERIES: EvidenceCeiling(
        Design.INTERRUPTED_TIME_SERIES,
        sms=3,
        eif=EifLevel.LEVEL_3,
        condition=(
            "SMS 3 and EIF Level 3 only with a justified comparison series; "
            "without one the ceiling is SMS 2 and EIF Level 2."
        ),
    ),
    Design.RANDOMISED_MESSAGE_TEST: EvidenceCeiling(
        Design.RANDOMISED_MESSAGE_TEST,
        sms=5,
        eif=EifLevel.LEVEL_3,
        condition=(
            "Random assignment of messages reaches SMS 5 for the proximal outcome "
            "measured (e.g. click-through), not for later behaviour."
        ),
    ),
    Design.WAITLIST_PLACEBO_RCT: EvidenceCeiling(
        Design.WAITLIST_PLACEBO_RCT,
        sms=5,
        eif=EifLevel.LEVEL_3,
        condition=(
            "A well-run randomised trial with validated measures and follow-up of "
            "non-completers; EIF Level 4 needs several rigorous studies and an "
            "effect lasting at least a year, which one study cannot show."
        ),
    ),
    Design.OTHER: EvidenceCeiling(
        Design.OTHER,
        sms=None,
        eif=None,
        condition="Describe the design; its level must be judged by an evaluator.",
    ),
}


def evidence_ceiling(design: Design | str) -> EvidenceCeiling:
    """Return the highest SMS and EIF level ``design`` can reach.

    Raises:
        ValueError: if ``design`` is not one of :class:`Design`.
    """
    return _CEILINGS[Design(design)]


def plan_ceiling(designs: list[Design | str]) -> EvidenceCeiling | None:
    """The strongest ceiling among the designs of a plan's questions.

    Returns ``None`` for an empty plan. Designs that cannot be rated (``other``)
    never raise the ceiling.
    """
    ceilings = [evidence_ceiling(d) for d in designs]
    rated = [c for c in ceilings if c.sms is not None or c.eif is not None]
    if not rated:
        return ceilings[0] if ceilings else None
    return max(rated, key=_strength)


def _strength(ceiling: EvidenceCeiling) -> tuple[int, int]:
    eif_rank = EIF_ORDER.index(ceiling.eif) if ceiling.eif is not None else -1
    return (ceiling.sms or 0, eif_rank)
