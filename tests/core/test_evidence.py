"""Design -> evidence ceiling mapping (domain_kpis.md section 1.4)."""

from __future__ import annotations

import pytest

from evidencehub.core.evidence import Design, EifLevel, evidence_ceiling, plan_ceiling


@pytest.mark.parametrize(
    ("design", "sms", "eif"),
    [
        (Design.ROUTINE_MONITORING, None, EifLevel.NL2),
        (Design.PRE_POST_USER_CODES, 1, EifLevel.LEVEL_2),
        (Design.WITHIN_CONTACT, 1, EifLevel.LEVEL_2),
        (Design.INTERRUPTED_TIME_SERIES, 3, EifLevel.LEVEL_3),
        (Design.RANDOMISED_MESSAGE_TEST, 5, EifLevel.LEVEL_3),
        (Design.WAITLIST_PLACEBO_RCT, 5, EifLevel.LEVEL_3),
        (Design.OTHER, None, None),
    ],
)
def test_each_design_has_its_published_ceiling(
    design: Design, sms: int | None, eif: EifLevel | None
) -> None:
    ceiling = evidence_ceiling(design)
    assert (ceiling.sms, ceiling.eif) == (sms, eif)
    assert ceiling.condition


def test_no_single_design_reaches_eif_level_4() -> None:
    assert all(evidence_ceiling(d).eif != EifLevel.LEVEL_4 for d in Design)


def test_string_codes_are_accepted() -> None:
    assert evidence_ceiling("pre_post_user_codes").sms == 1


def test_unknown_design_is_an_error() -> None:
    with pytest.raises(ValueError, match="not_a_design"):
        evidence_ceiling("not_a_design")


def test_plan_ceiling_is_the_strongest_question() -> None:
    # Worked example of docs/methods/evidence-ceiling.md.
    ceiling = plan_ceiling(["routine_monitoring", "pre_post_user_codes"])
    assert ceiling is not None
    assert (ceiling.sms, ceiling.eif) == (1, EifLevel.LEVEL_2)


def test_plan_ceiling_with_a_trial() -> None:
    ceiling = plan_ceiling(["within_contact", "waitlist_placebo_rct", "other"])
    assert ceiling is not None
    assert ceiling.design == Design.WAITLIST_PLACEBO_RCT


def test_unrated_designs_do_not_raise_the_ceiling() -> None:
    ceiling = plan_ceiling(["other", "routine_monitoring"])
    assert ceiling is not None
    assert ceiling.design == Design.ROUTINE_MONITORING


def test_empty_plan_has_no_ceiling() -> None:
    assert plan_ceiling([]) is None
