"""Match an organisation's funding profile to calls: hard eligibility filters,
a fit score and reasons in plain words.

Method (``docs/methods/funding-match-score.md``): a call is *ineligible* when a
fact we hold rules the organisation out (country, legal form, size, deadline
passed, call closed). A fact we do not hold never rules anyone out; it becomes
a "check this yourself" reason. Eligible calls get a fit score of 0-100:

======================  ======  ==============================================
part                    points  rule
======================  ======  ==============================================
themes                  50      share of the organisation's themes the call
                                covers (50 x matched / organisation themes)
time to prepare         20      rolling 20; >= 42 days 20; 21-41 days 14;
                                14-20 days 8; under 14 days 3; unknown 6
grant size for size     15      micro/small orgs: max grant known and <=
                                €500k 15, larger 5; medium/large 15; unknown 7
funding rate            10      >= 80 % or 100 % 10; 50-79 % 5; < 50 % 2;
                                unknown 5
languages               5       call language among the org's 5; unknown 3
======================  ======  ==============================================

Re-granting calls (money routed to small organisations through an
intermediary) add 5 points for micro and small organisations, capped at 100.
The score ranks; the reasons explain. It is not a probability of success.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from evidencehub.core.funding.deadlines import days_left
from evidencehub.core.funding.vocab import (
    LEGAL_FORMS,
    SIZE_BANDS,
    THEMES,
    country_name,
)

METHOD_ID = "funding-match-score"
METHOD_VERSION = "1.0"
SMALL_GRANT_CEILING = Decimal("500000")
CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "US$", "CHF": "CHF "}


@dataclass(frozen=True)
class OrgProfile:
    """What the organisation tells us about itself.

    ``country``: ISO 3166-1 alpha-2 of its seat; ``legal_form``: a
    :data:`LEGAL_FORMS` key or ``None``; ``size_band``: a :data:`SIZE_BANDS`
    key or ``None``; ``themes``: :data:`THEMES` keys; ``languages``: BCP 47
    primary tags it can write an application in.
    """

    country: str
    legal_form: str | None = None
    size_band: str | None = None
    themes: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CallFacts:
    """What we hold about a call. Empty collections and ``None`` mean unknown.

    ``deadlines``: upcoming and past deadlines as aware datetimes (UTC).
    ``funding_rate``: percent of eligible costs the funder pays.
    """

    key: str
    title: str
    status: str
    countries: frozenset[str] = frozenset()
    global_scope: bool = False
    org_types: frozenset[str] = frozenset()
    sizes: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    deadlines: tuple[datetime, ...] = ()
    rolling: bool = False
    min_grant: Decimal | None = None
    max_grant: Decimal | None = None
    currency: str = ""
    funding_rate: Decimal | None = None
    regranting: bool | None = None
    min_partners: int | None = None
    min_countries: int | None = None


@dataclass(frozen=True)
class Reason:
    """One line of explanation. ``ok``: True met, False not met (a blocker
    when the check is a hard filter), None not checkable (unknown)."""

    check: str
    ok: bool | None
    text: str


@dataclass(frozen=True)
class Match:
    key: str
    eligible: bool
    score: int
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    next_deadline: datetime | None = None

    @property
    def blockers(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.ok is False and r.check in HARD)

    @property
    def summary(self) -> str:
        """One line: the reasons joined by "; " (blockers first)."""
        first = [r.text for r in self.blockers]
        rest = [r.text for r in self.reasons if r not in self.blockers]
        return "; ".join(first + rest)


HARD = frozenset({"status", "deadline", "country", "legal_form", "size"})


def money(amount: Decimal | None, currency: str) -> str:
    """``€50k``-style short amounts; ``"unknown"`` for ``None``."""
    if amount is None:
        return "unknown"
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} " if currency else "")
    value = float(amount)
    if value >= 1_000_000:
        text = f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + " million"
    elif value >= 1000:
        text = f"{value / 1000:.0f}k"
    else:
        text = f"{value:.0f}"
    return f"{symbol}{text}"


def grant_range(call: CallFacts) -> str:
    if call.min_grant is not None and call.max_grant is not None:
        low = money(call.min_grant, call.currency)
        high = money(call.max_grant, "").lstrip()
        return f"{low}\u2013{high}"  # en dash
    if call.max_grant is not None:
        return f"up to {money(call.max_grant, call.currency)}"
    if call.min_grant is not None:
        return f"from {money(call.min_grant, call.currency)}"
    return "unknown"


def _next_deadline(call: CallFacts, now: datetime) -> datetime | None:
    upcoming = sorted(d for d in call.deadlines if d >= now)
    return upcoming[0] if upcoming else None


def _labels(keys: frozenset[str] | set[str], table: dict[str, str]) -> str:
    return ", ".join(sorted(table.get(k, k).lower() for k in keys))


def _size_label(key: str) -> str:
    return SIZE_BANDS[key][0].split(" (")[0].lower() if key in SIZE_BANDS else key


def match(profile: OrgProfile, call: CallFacts, *, now: datetime) -> Match:
    """Check ``call`` against ``profile`` at ``now`` (aware datetime).

    Returns a :class:`Match` whose ``reasons`` list every check in a fixed
    order; ``eligible`` is False when any hard check failed.
    """
    reasons: list[Reason] = []
    upcoming = _next_deadline(call, now)

    # Status and deadline (hard).
    if call.status == "closed":
        reasons.append(Reason("status", False, "not open: this call is closed"))
    elif call.rolling and not call.deadlines:
        reasons.append(Reason("deadline", True, "open all year (no fixed deadline)"))
    elif call.deadlines and upcoming is None and not call.rolling:
        reasons.append(Reason("deadline", False, "the deadline has passed"))
    elif upcoming is not None:
        left = days_left(upcoming, now)
        reasons.append(Reason("deadline", True, f"deadline in {left} days"))
    else:
        reasons.append(Reason("deadline", None, "deadline not known: check the source"))

    # Country (hard).
    place = country_name(profile.country)
    if call.global_scope or profile.country in call.countries:
        reasons.append(Reason("country", True, f"organisations in {place} can apply"))
    elif call.countries:
        reasons.append(
            Reason("country", False, f"not open to organisations in {place}")
        )
    else:
        reasons.append(Reason("country", None, "countries not recorded: check"))

    # Legal form (hard).
    form = LEGAL_FORMS.get(profile.legal_form or "", "")
    if not call.org_types:
        reasons.append(Reason("legal_form", None, "who may apply not recorded: check"))
    elif profile.legal_form is None:
        reasons.append(
            Reason("legal_form", None, "add your legal form to your profile")
        )
    elif profile.legal_form in call.org_types:
        reasons.append(Reason("legal_form", True, f"open to: {form.lower()}"))
    else:
        allowed = _labels(call.org_types, LEGAL_FORMS)
        reasons.append(
            Reason("legal_form", False, f"only for: {allowed} (you: {form.lower()})")
        )

    # Size (hard).
    if call.sizes and profile.size_band:
        if profile.size_band in call.sizes:
            reasons.append(
                Reason("size", True, f"open to {_size_label(profile.size_band)} orgs")
            )
        else:
            allowed = ", ".join(_size_label(s) for s in sorted(call.sizes))
            reasons.append(
                Reason("size", False, f"only for organisations that are: {allowed}")
            )

    # Themes.
    matched = profile.themes & call.themes
    if matched:
        reasons.append(
            Reason("themes", True, f"themes match: {_labels(matched, THEMES)}")
        )
    elif call.themes:
        reasons.append(Reason("themes", False, "none of your themes"))
    else:
        reasons.append(Reason("themes", None, "themes not recorded"))

    # Grant size, funding rate, partnership, languages, re-granting.
    size_text = grant_range(call)
    reasons.append(
        Reason("grant", None if size_text == "unknown" else True, f"grant {size_text}")
    )
    if call.funding_rate is not None:
        rate = float(call.funding_rate)
        own = 100 - rate
        text = f"funder pays {rate:g}% of costs"
        if own > 0:
            text += f" (you find {own:g}%)"
        reasons.append(Reason("funding_rate", float(call.funding_rate) >= 80, text))
    if call.min_countries and call.min_countries > 1:
        reasons.append(
            Reason(
                "partners",
                None,
                f"needs partners from at least {call.min_countries} countries",
            )
        )
    elif call.min_partners and call.min_partners > 1:
        reasons.append(
            Reason("partners", None, f"needs at least {call.min_partners} partners")
        )
    if call.languages and profile.languages:
        common = profile.languages & call.languages
        reasons.append(
            Reason(
                "languages",
                bool(common),
                "you can apply in "
                + (", ".join(sorted(common)) if common else "none of your languages"),
            )
        )
    if call.regranting:
        reasons.append(
            Reason(
                "regranting", True, "money reaches small organisations via re-grants"
            )
        )

    eligible = not any(r.ok is False and r.check in HARD for r in reasons)
    score = _score(profile, call, upcoming, now) if eligible else 0
    return Match(call.key, eligible, score, tuple(reasons), upcoming)


def _score(
    profile: OrgProfile, call: CallFacts, upcoming: datetime | None, now: datetime
) -> int:
    points = 0.0
    if profile.themes:
        points += 50 * len(profile.themes & call.themes) / len(profile.themes)
    if call.rolling and upcoming is None:
        points += 20
    elif upcoming is None:
        points += 6
    else:
        left = days_left(upcoming, now)
        points += 20 if left >= 42 else 14 if left >= 21 else 8 if left >= 14 else 3
    small = profile.size_band in {"micro", "small"}
    if call.max_grant is None:
        points += 7
    elif not small or call.max_grant <= SMALL_GRANT_CEILING:
        points += 15
    else:
        points += 5
    if call.funding_rate is None:
        points += 5
    else:
        rate = float(call.funding_rate)
        points += 10 if rate >= 80 else 5 if rate >= 50 else 2
    if not call.languages or not profile.languages:
        points += 3
    elif profile.languages & call.languages:
        points += 5
    if call.regranting and small:
        points += 5
    return max(0, min(100, round(points)))


def rank(
    profile: OrgProfile, calls: list[CallFacts], *, now: datetime
) -> tuple[list[Match], list[Match]]:
    """Match every call; return (eligible by score then deadline, ineligible)."""
    results = [match(profile, c, now=now) for c in calls]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    eligible = sorted(
        (m for m in results if m.eligible),
        key=lambda m: (-m.score, m.next_deadline or far, m.key),
    )
    ineligible = sorted((m for m in results if not m.eligible), key=lambda m: m.key)
    return eligible, ineligible
