"""Eligibility rules and explanations of the match score."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from evidencehub.core.funding.matching import CallFacts, OrgProfile, match, rank

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
ORG = OrgProfile(
    country="DE",
    legal_form="non_profit",
    size_band="small",
    themes=frozenset({"online_safety", "child_protection", "helplines"}),
    languages=frozenset({"de", "en"}),
)


def call(**kw: object) -> CallFacts:
    base: dict[str, object] = {
        "key": "c",
        "title": "Call",
        "status": "open",
        "countries": frozenset({"DE", "AT"}),
        "org_types": frozenset({"non_profit"}),
        "themes": frozenset({"online_safety", "child_protection"}),
        "deadlines": (NOW + timedelta(days=23, hours=1),),
        "min_grant": Decimal(50000),
        "max_grant": Decimal(150000),
        "currency": "EUR",
    }
    base.update(kw)
    return CallFacts(**base)  # type: ignore[arg-type]


def test_eligible_call_is_explained_in_plain_words() -> None:
    result = match(ORG, call(), now=NOW)
    assert result.eligible
    summary = result.summary
    assert "organisations in Germany can apply" in summary
    assert "open to: non-profit association or ngo" in summary
    assert (
        "themes match: child protection and safeguarding, "
        "online safety and online abuse" in summary
    )
    assert "deadline in 23 days" in summary
    assert "grant €50k\u2013150k" in summary
    # The worked example of docs/methods/funding-match-score.md.
    assert result.score == 70


def test_hard_filters_give_reasons() -> None:
    wrong_country = match(ORG, call(countries=frozenset({"NL"})), now=NOW)
    assert not wrong_country.eligible and wrong_country.score == 0
    assert [r.text for r in wrong_country.blockers] == [
        "not open to organisations in Germany"
    ]
    wrong_form = match(ORG, call(org_types=frozenset({"public_body"})), now=NOW)
    assert "only for: public body (e.g. municipality, public health service)" in (
        wrong_form.blockers[0].text
    )
    too_big = match(ORG, call(sizes=frozenset({"large"})), now=NOW)
    assert not too_big.eligible
    passed = match(ORG, call(deadlines=(NOW - timedelta(days=1),)), now=NOW)
    assert [r.check for r in passed.blockers] == ["deadline"]
    closed = match(ORG, call(status="closed"), now=NOW)
    assert not closed.eligible


def test_unknown_facts_never_exclude() -> None:
    result = match(
        ORG,
        call(
            countries=frozenset(),
            org_types=frozenset(),
            deadlines=(),
            max_grant=None,
            min_grant=None,
        ),
        now=NOW,
    )
    assert result.eligible
    unknown = [r.text for r in result.reasons if r.ok is None]
    assert "countries not recorded: check" in unknown
    assert "who may apply not recorded: check" in unknown
    assert "grant unknown" in unknown


def test_global_scope_and_rolling() -> None:
    result = match(
        ORG,
        call(countries=frozenset(), global_scope=True, deadlines=(), rolling=True),
        now=NOW,
    )
    assert result.eligible
    assert "open all year (no fixed deadline)" in result.summary


def test_rank_orders_by_score_and_splits_ineligible() -> None:
    good = call(key="good")
    weaker = call(key="weaker", themes=frozenset({"research_evaluation"}))
    blocked = call(key="blocked", countries=frozenset({"FR"}))
    eligible, ineligible = rank(ORG, [weaker, blocked, good], now=NOW)
    assert [m.key for m in eligible] == ["good", "weaker"]
    assert [m.key for m in ineligible] == ["blocked"]
    assert eligible[0].score > eligible[1].score


def test_funding_rate_and_partners_explained() -> None:
    result = match(ORG, call(funding_rate=Decimal(80), min_countries=3), now=NOW)
    assert "funder pays 80% of costs (you find 20%)" in result.summary
    assert "needs partners from at least 3 countries" in result.summary
