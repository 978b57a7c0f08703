"""Reads of the funders database: search with facets, matching, coverage,
calendars and digest content.

Public funder and call data is visible to every signed-in person; saved
searches, watchlists and profiles are read only through an organisation
already resolved by ``organisation_for_user``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.funding.models import (
    Call,
    CallStatus,
    Deadline,
    Funder,
    FundingProfile,
    Origin,
    PastGrant,
    Programme,
    SavedSearch,
    WatchedCall,
)
from evidencehub.apps.funding.search import full_text
from evidencehub.core.funding.calendar import (
    DeadlineEvent,
    commongrants_opportunity,
    ical_feed,
)
from evidencehub.core.funding.matching import (
    CallFacts,
    Match,
    OrgProfile,
    grant_range,
    rank,
)
from evidencehub.core.funding.text import tokens
from evidencehub.core.funding.vocab import (
    FUNDER_TYPES,
    LEGAL_FORMS,
    SIZE_BANDS,
    THEMES,
    country_name,
    size_band_for_income,
)

PAGE_SIZE = 20
# Counts stop here ("more than 1,000"): counting every match of a common word
# would cost more than finding the best page, and nobody pages past 50.
COUNT_CAP = 1000
SORTS = ("relevance", "deadline", "amount")
OPEN_STATES = ("open", "rolling", "forthcoming")
DEADLINE_WINDOWS = {"30": 30, "60": 60, "90": 90}


def with_effective_status(qs: QuerySet[Call], now: datetime) -> QuerySet[Call]:
    """Annotate ``live_status``: the stored status, except that a call whose
    last deadline has passed reads as closed and a forthcoming call whose
    opening date has come reads as open."""
    return qs.annotate(
        live_status=Case(
            When(
                Q(last_deadline_at__lt=now, rolling=False)
                & ~Q(status=CallStatus.CLOSED),
                then=Value(CallStatus.CLOSED.value),
            ),
            When(
                Q(status=CallStatus.FORTHCOMING, opening_date__lte=now.date()),
                then=Value(CallStatus.OPEN.value),
            ),
            default=F("status"),
            output_field=CharField(),
        )
    )


def _list(params: dict[str, Any], name: str) -> list[str]:
    value = params.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v)]
    return [v for v in str(value).split(",") if v]


def _number(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


@dataclass
class SearchResult:
    calls: list[Call]
    total: int
    page: int
    pages: int
    sort: str
    searched: bool
    ignored: list[str] = field(default_factory=list)
    closed_hidden: int | None = 0
    capped: bool = False


def filtered_calls(
    params: dict[str, Any], *, now: datetime, rank: bool = False
) -> tuple[QuerySet[Call], bool, list[str]]:
    """Calls matching ``params`` (see :func:`search_calls`), plus whether a
    text search ran and the names of parameters that were ignored as invalid.
    Never raises on any input."""
    ignored: list[str] = []
    qs = with_effective_status(Call.objects.all(), now)
    qs, searched = full_text(qs, str(params.get("q") or "")[:500], rank=rank)
    if types := [t for t in _list(params, "funder_type") if t in FUNDER_TYPES]:
        qs = qs.filter(funder_type__in=types)
    countries = [c.upper() for c in _list(params, "country") if len(c) == 2]
    if countries:
        cond = Q(global_scope=True)
        for code in countries:
            cond |= Q(countries__icontains=f'"{code}"')
        qs = qs.filter(cond)
    for theme in [t for t in _list(params, "theme") if t in THEMES]:
        qs = qs.filter(themes__icontains=f'"{theme}"')
    statuses = [s for s in _list(params, "status") if s in CallStatus.values]
    if "all" not in _list(params, "status"):
        qs = qs.filter(live_status__in=statuses or OPEN_STATES)  # type: ignore[misc]
    window = str(params.get("deadline_within") or "")
    if window:
        if window in DEADLINE_WINDOWS:
            qs = qs.filter(
                deadlines__due_at__gte=now,
                deadlines__due_at__lte=now + timedelta(days=DEADLINE_WINDOWS[window]),
            ).distinct()
        else:
            ignored.append("deadline_within")
    low, high = _number(params.get("amount_min")), _number(params.get("amount_max"))
    if params.get("amount_min") not in (None, "") and low is None:
        ignored.append("amount_min")
    if params.get("amount_max") not in (None, "") and high is None:
        ignored.append("amount_max")
    # A call is in range when its grants can reach the range: unknown amounts
    # are kept (we cannot rule them out) and labelled on the page.
    if low is not None:
        qs = qs.filter(Q(max_grant__gte=low) | Q(max_grant__isnull=True))
    if high is not None:
        qs = qs.filter(Q(min_grant__lte=high) | Q(min_grant__isnull=True))
    for form in [f for f in _list(params, "org_type") if f in LEGAL_FORMS]:
        qs = qs.filter(
            Q(eligible_org_types__icontains=f'"{form}"') | Q(eligible_org_types=[])
        )
    for size in [s for s in _list(params, "size") if s in SIZE_BANDS]:
        qs = qs.filter(Q(eligible_sizes__icontains=f'"{size}"') | Q(eligible_sizes=[]))
    return qs, searched, ignored


def _capped_count(qs: QuerySet[Call]) -> int:
    # values("pk") drops the relevance column, so the count never ranks rows.
    return qs.order_by().values("pk")[: COUNT_CAP + 1].count()


def search_calls(
    params: dict[str, Any], *, now: datetime | None = None
) -> SearchResult:
    """Search calls.

    ``params`` (all optional, strings or lists of strings): ``q`` words;
    ``funder_type``, ``country`` (ISO alpha-2), ``theme``, ``status`` (default
    open + rolling + forthcoming; ``all`` for every status), ``org_type``,
    ``size``: one or more values; ``deadline_within`` 30/60/90 days;
    ``amount_min``/``amount_max`` (in the call's currency); ``sort``
    relevance (default with words) | deadline (default without) | amount;
    ``page`` from 1. Unknown values are ignored, never an error. Totals are
    counted up to :data:`COUNT_CAP` (``capped`` says the real count is higher).
    """
    now = now or timezone.now()
    sort = str(params.get("sort") or "")
    has_words = bool(tokens(str(params.get("q") or "")[:500]))
    if sort not in SORTS or (sort == "relevance" and not has_words):
        sort = "relevance" if has_words else "deadline"
    qs, searched, ignored = filtered_calls(params, now=now, rank=sort == "relevance")
    if sort == "relevance":
        qs = qs.order_by("fts_rank", "id")  # type: ignore[misc]
    elif sort == "amount":
        qs = qs.order_by(F("max_grant").desc(nulls_last=True), "id")
    else:
        qs = qs.order_by(F("last_deadline_at").asc(nulls_last=True), "id")
    # One scan: the ordered ids of up to COUNT_CAP + 1 matches give both the
    # total and the page; only then are the 20 full rows loaded. (Counting and
    # paging separately scanned every match twice; sorting wide rows was
    # slower still.)
    ordered = list(qs.values_list("pk", flat=True)[: COUNT_CAP + 1])
    capped = len(ordered) > COUNT_CAP
    total = min(len(ordered), COUNT_CAP)
    pages = max(1, -(-total // PAGE_SIZE))
    try:
        page = min(max(1, int(str(params.get("page") or 1))), pages)
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    ids = ordered[start : start + PAGE_SIZE]
    loaded = {
        c.pk: c
        for c in with_effective_status(Call.objects.filter(pk__in=ids), now)
        .select_related("funder", "programme")
        .prefetch_related("deadlines")
    }
    calls = [loaded[pk] for pk in ids if pk in loaded]
    # None: not counted (a full page of open calls matched).
    hidden: int | None = 0 if _list(params, "status") else None
    if hidden is None and total < PAGE_SIZE:
        # Closed calls matter when few open ones match: they show when a
        # funder usually opens its calls. With a full page we only offer them.
        closed_params = dict(params, status="closed")
        closed = filtered_calls(closed_params, now=now)[0]
        hidden = min(_capped_count(closed), COUNT_CAP)
    return SearchResult(
        calls,
        total,
        page,
        pages,
        sort,
        searched,
        ignored,
        hidden,
        capped,
    )


def facet_counts(
    params: dict[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """Counts per facet value for the calls matching ``params`` (each facet
    counted with the other filters applied)."""
    now = now or timezone.now()
    qs, _searched, _ignored = filtered_calls(params, now=now)
    rows = list(
        qs.values_list(  # type: ignore[misc]
            "funder_type", "live_status", "countries", "themes"
        )[:20000]
    )
    types = Counter(r[0] for r in rows)
    statuses = Counter(r[1] for r in rows)
    countries: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    for _t, _s, codes, tags in rows:
        countries.update(codes or [])
        themes.update(tags or [])
    return {
        "funder_type": [(k, FUNDER_TYPES.get(k, k), n) for k, n in types.most_common()],
        "status": [(k, CallStatus(k).label, n) for k, n in statuses.most_common()],
        "country": [(k, country_name(k), n) for k, n in countries.most_common(40)],
        "theme": [(k, THEMES.get(k, k), n) for k, n in themes.most_common()],
    }


def search_records(text: str, *, limit: int = 10) -> dict[str, list[Any]]:
    """Funders and programmes whose words match ``text`` (for the search
    page's "funders and programmes" list)."""
    out: dict[str, list[Any]] = {}
    for name, model in (("funders", Funder), ("programmes", Programme)):
        qs, searched = full_text(model.objects.all(), text)
        out[name] = list(qs.order_by("fts_rank")[:limit]) if searched else []
    return out


def search_grants(text: str, *, limit: int = 20) -> list[PastGrant]:
    qs, searched = full_text(PastGrant.objects.all(), text)
    return list(qs.order_by("fts_rank")[:limit]) if searched else []  # type: ignore[misc]


def call_by_key(key: str) -> Call | None:
    return (
        Call.objects.select_related("funder", "programme")
        .prefetch_related("deadlines")
        .filter(key=key)
        .first()
    )


# --- presentation helpers ----------------------------------------------------


def one_line_who(call: Call) -> str:
    """ "Who can apply" in one line: the reviewed one-liner, else the derived
    legal forms and countries, else the start of the source's words."""
    if call.who_can_apply:
        return call.who_can_apply
    parts = []
    if call.eligible_org_types:
        parts.append(
            ", ".join(
                LEGAL_FORMS[t].split(" (")[0]
                for t in call.eligible_org_types
                if t in LEGAL_FORMS
            )
        )
    if call.eligible_sizes:
        parts.append(
            "size: "
            + ", ".join(
                SIZE_BANDS[s][0].split(" (")[0].lower()
                for s in call.eligible_sizes
                if s in SIZE_BANDS
            )
        )
    if parts:
        return "; ".join(parts)
    text = call.eligibility.strip()
    if not text:
        return ""
    first = text.split(". ")[0].split("; ")[0]
    return first if len(first) <= 160 else first[:157].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class ShownDeadline:
    """A deadline as shown to one person: ``local`` is in their zone when the
    source stated time and zone; ``note`` says what the source left out."""

    due_at: datetime
    local: datetime | None
    day: date
    stage: str
    note: str
    passed: bool


def shown_deadlines(call: Call, *, tz: str, now: datetime) -> list[ShownDeadline]:
    zone = ZoneInfo(tz)
    result = []
    for deadline in call.deadlines.all():
        local: datetime | None = None
        if deadline.due_time is not None and deadline.utc_offset_minutes is not None:
            local = deadline.due_at.astimezone(zone)
            note = ""
        elif deadline.due_time is not None:
            note = f"{deadline.due_time:%H:%M}, time zone not stated by the source"
        else:
            note = "time not stated by the source"
        result.append(
            ShownDeadline(
                deadline.due_at,
                local,
                deadline.due_date,
                deadline.stage,
                note,
                deadline.due_at < now,
            )
        )
    return result


def next_deadline(call: Call, now: datetime) -> Deadline | None:
    upcoming = [d for d in call.deadlines.all() if d.due_at >= now]
    return upcoming[0] if upcoming else None


# --- matching ----------------------------------------------------------------


# What an initiative's intervention type says about the themes it fits.
INTERVENTION_THEMES: dict[str, tuple[str, ...]] = {
    "helpline": ("helplines", "perpetrator_prevention", "csa_prevention"),
    "online_self_help": ("online_safety", "perpetrator_prevention", "csa_prevention"),
    "therapy_treatment": ("perpetrator_prevention", "mental_health", "csa_prevention"),
    "deterrence_warning": ("online_safety", "perpetrator_prevention", "csa_prevention"),
    "peer_support": ("perpetrator_prevention", "csa_prevention"),
    "professional_training": ("professional_training", "csa_prevention"),
}


def org_profile(organisation: Organisation) -> OrgProfile:
    """The matcher's view of ``organisation``: its funding profile, widened by
    the initiative the profile names (its themes by intervention type and its
    languages)."""
    profile = (
        FundingProfile.objects.filter(organisation=organisation)
        .select_related("initiative")
        .first()
    )
    if profile is None:
        return OrgProfile(country=organisation.country)
    themes = set(profile.themes)
    languages = {lang.split("-")[0] for lang in profile.languages}
    if profile.initiative is not None:
        themes |= set(INTERVENTION_THEMES.get(profile.initiative.intervention_type, ()))
        languages |= {lang.split("-")[0] for lang in profile.initiative.languages}
    return OrgProfile(
        country=organisation.country,
        legal_form=profile.legal_form or None,
        size_band=profile.size_band or None,
        themes=frozenset(themes),
        languages=frozenset(languages),
    )


def call_facts(call: Call) -> CallFacts:
    return CallFacts(
        key=call.key,
        title=call.name,
        status=getattr(call, "live_status", call.status),
        countries=frozenset(call.countries),
        global_scope=call.global_scope,
        org_types=frozenset(call.eligible_org_types),
        sizes=frozenset(call.eligible_sizes),
        themes=frozenset(call.themes),
        languages=frozenset(lang.split("-")[0] for lang in call.languages),
        deadlines=tuple(d.due_at for d in call.deadlines.all()),
        rolling=call.rolling,
        min_grant=call.min_grant,
        max_grant=call.max_grant,
        currency=call.currency,
        funding_rate=call.funding_rate,
        regranting=call.regranting,
        min_partners=call.min_partners,
        min_countries=call.min_countries,
    )


def matches_for(
    organisation: Organisation, *, now: datetime | None = None, limit: int = 200
) -> tuple[list[tuple[Call, Match]], list[tuple[Call, Match]]]:
    """Open, rolling and forthcoming calls ranked for ``organisation``:
    (eligible with score, ineligible with reasons)."""
    now = now or timezone.now()
    calls = list(
        with_effective_status(Call.objects.all(), now)
        .filter(live_status__in=OPEN_STATES)  # type: ignore[misc]
        .select_related("funder")
        .prefetch_related("deadlines")
        .order_by(F("last_deadline_at").asc(nulls_last=True))[:limit]
    )
    by_key = {c.key: c for c in calls}
    eligible, ineligible = rank(
        org_profile(organisation), [call_facts(c) for c in calls], now=now
    )
    return (
        [(by_key[m.key], m) for m in eligible],
        [(by_key[m.key], m) for m in ineligible],
    )


# --- coverage ----------------------------------------------------------------


def coverage() -> dict[str, Any]:
    """What the data covers and how fresh it is, for the coverage statement."""
    now = timezone.now()
    records = {
        "funders": Funder.objects.filter(named_only=False).count(),
        "named_funders": Funder.objects.filter(named_only=True).count(),
        "programmes": Programme.objects.count(),
        "calls": Call.objects.count(),
        "past_grants": PastGrant.objects.count(),
    }
    open_calls = with_effective_status(Call.objects.all(), now).filter(  # type: ignore[misc]
        live_status__in=OPEN_STATES
    )
    countries: Counter[str] = Counter()
    global_count = 0
    for model in (Funder, Programme, Call):
        for codes, is_global in model.objects.values_list("countries", "global_scope"):
            if is_global:
                global_count += 1
            if len(codes) >= 20:
                countries["EU"] += 1
            else:
                countries.update(codes)
    verified = []
    unverified = 0
    for model in (Funder, Programme, Call):
        pending: QuerySet[Any] = model.objects.filter(last_verified_on__isnull=True)
        if model is Funder:
            pending = pending.filter(named_only=False)
        unverified += pending.count()
        newest = model.objects.aggregate(
            n=Max("last_verified_on"), o=Min("last_verified_on")
        )
        verified += [d for d in newest.values() if d]
    origins: Counter[str] = Counter()
    for model in (Funder, Programme, Call):
        origins.update(
            dict(model.objects.values_list("origin").annotate(n=Count("id")))
        )
    grants = PastGrant.objects.aggregate(
        first=Min("award_date"), last=Max("award_date")
    )
    grant_funders = list(
        PastGrant.objects.values("funding_org_name")
        .annotate(n=Count("id"))
        .order_by("-n")[:20]
    )
    return {
        "records": records,
        "open_calls": open_calls.count(),
        "countries": [
            (code, "EU member states" if code == "EU" else country_name(code), n)
            for code, n in countries.most_common()
        ],
        "global_records": global_count,
        "unverified": unverified,
        "verified_newest": max(verified) if verified else None,
        "verified_oldest": min(verified) if verified else None,
        "origins": {str(Origin(k).label): n for k, n in origins.items()},
        "grant_dates": grants,
        "grant_funders": grant_funders,
        "updated": max(
            (
                d
                for d in (
                    Funder.objects.aggregate(m=Max("updated_at"))["m"],
                    Call.objects.aggregate(m=Max("updated_at"))["m"],
                    PastGrant.objects.aggregate(m=Max("updated_at"))["m"],
                )
                if d
            ),
            default=None,
        ),
    }


# --- calendars, CommonGrants, digests -----------------------------------------


def deadline_events(calls: list[Call], *, host: str) -> list[DeadlineEvent]:
    events = []
    for call in calls:
        for deadline in call.deadlines.all():
            when: datetime | date = (
                deadline.due_at if deadline.due_time is not None else deadline.due_date
            )
            stage = f" ({deadline.stage})" if deadline.stage else ""
            who = one_line_who(call) or "see the call"
            description = f"{call.name}{stage}. Who can apply: {who}."
            if deadline.due_time is not None and deadline.utc_offset_minutes is None:
                description += " Time zone not stated by the source; read as UTC."
            events.append(
                DeadlineEvent(
                    uid=f"deadline-{deadline.pk}@{host}",
                    title=call.name,
                    when=when,
                    url=call.url,
                    description=description,
                )
            )
    return events


def ical_for_calls(name: str, calls: list[Call], *, host: str) -> bytes:
    return ical_feed(name, deadline_events(calls, host=host), stamp=timezone.now())


def watched_calls(organisation: Organisation) -> list[Call]:
    return [
        w.call
        for w in WatchedCall.objects.filter(organisation=organisation)
        .select_related("call", "call__funder")
        .prefetch_related("call__deadlines")
    ]


def saved_search_calls(saved: SavedSearch, *, limit: int = 200) -> list[Call]:
    qs, _searched, _ignored = filtered_calls(saved.params, now=timezone.now())
    return list(
        qs.prefetch_related("deadlines").order_by(
            F("last_deadline_at").asc(nulls_last=True)
        )[:limit]
    )


def commongrants(call: Call) -> dict[str, Any]:
    """The call as a CommonGrants ``OpportunityBase`` (see core.funding.calendar)."""
    deadlines: list[datetime | date] = [
        d.due_at if d.due_time is not None else d.due_date for d in call.deadlines.all()
    ]
    return commongrants_opportunity(
        key=call.key,
        title=call.name,
        status=getattr(call, "live_status", call.status),
        description=call.plain_summary or "; ".join(call.focus_themes) or call.notes,
        currency=call.currency,
        min_grant=call.min_grant,
        max_grant=call.max_grant,
        total_budget=call.total_budget,
        opening=call.opening_date,
        deadlines=deadlines,
        applicant_types=list(call.eligible_org_types),
        source_url=call.url or next((s.get("url", "") for s in call.sources), ""),
        custom={
            "callIdentifier": call.call_identifier,
            "funder": call.funder.name if call.funder else call.parent_text,
            "eligibleCountries": list(call.countries),
            "fundingRatePercent": float(call.funding_rate)
            if call.funding_rate is not None
            else None,
            "whoCanApply": one_line_who(call),
            "sources": call.sources,
            "lastVerified": call.last_verified_on.isoformat()
            if call.last_verified_on
            else None,
        },
    )


def size_label(band: str) -> str:
    return SIZE_BANDS[band][0] if band in SIZE_BANDS else "Not known"


__all__ = [
    "PAGE_SIZE",
    "grant_range",
    "size_band_for_income",
]
