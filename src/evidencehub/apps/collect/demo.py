"""Synthetic demo data of this app, loaded by `evidencehub demo`.

For each demo initiative: declared modules, a site key for the local demo
server, a year of daily rollups (written directly, which is what makes this
fast), raw events for the last seven days (rolled up the normal way), and for
the helpline a year of contact records plus monthly aggregate figures from an
invented telephony system for the year before. Everything is generated from a
fixed seed, is synthetic and says so.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evidencehub.apps.collect.models import (
    AggregateFigure,
    CollectionKey,
    CollectionSettings,
    ContactRecord,
    DailyRollup,
    DailyTotal,
    DroppedCount,
    Event,
    KeyKind,
    Source,
)
from evidencehub.apps.collect.services import (
    event_values,
    insert_events,
    rollup_run,
)
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.collect.events import CleanEvent

DEMO_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]


def _demo_origins() -> list[str]:
    """The demo origins plus the address this installation is served on."""
    base = str(getattr(settings, "EVIDENCEHUB_BASE_URL", "")).rstrip("/")
    return sorted({*DEMO_ORIGINS, base} - {""})


RAW_DAYS = 7
SEED = 20261129

# slug: (modules, channels, locales, base daily visitors, {type: rate per visitor})
PROFILES: dict[str, dict[str, Any]] = {
    "demo-helpline": {
        "modules": [],
        "channels": ["web"],
        "locales": ["de", "en"],
        "visitors": 60,
        "rates": {
            "page_view": 2.4,
            "help_link_clicked": 0.12,
            "chat_started": 0.05,
            "chat_ended": 0.045,
            "resource_downloaded": 0.08,
            "feedback_submitted": 0.02,
        },
    },
    "demo-therapy": {
        "modules": [],
        "channels": ["web"],
        "locales": ["de"],
        "visitors": 12,
        "rates": {"page_view": 1.8, "resource_downloaded": 0.1},
    },
    "demo-self-help": {
        "modules": [f"module-{i}" for i in range(1, 9)],
        "channels": ["web", "onion"],
        "locales": ["nl", "en", "fr"],
        "visitors": 90,
        "rates": {
            "page_view": 3.1,
            "programme_landing": 0.6,
            "self_assessment_started": 0.15,
            "self_assessment_completed": 0.11,
            "module_started": 0.2,
            "module_completed": 0.14,
            "resource_downloaded": 0.05,
            "micro_survey_answered": 0.06,
        },
    },
    "demo-warnings": {
        "modules": [],
        "channels": ["web"],
        "locales": ["nl", "en"],
        "visitors": 400,
        "rates": {"warning_shown": 1.3, "help_link_clicked": 0.03, "page_view": 0.05},
    },
    "demo-peer-groups": {
        "modules": [],
        "channels": ["web", "onion"],
        "locales": ["fi", "sv", "en"],
        "visitors": 25,
        "rates": {"page_view": 2.0, "chat_started": 0.3, "chat_ended": 0.28},
    },
    "demo-training": {
        "modules": ["day-1"],
        "channels": ["web"],
        "locales": ["fi", "en"],
        "visitors": 8,
        "rates": {"page_view": 1.5, "module_completed": 0.05},
    },
}


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:  # normal approximation, fine for synthetic counts
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _level(day: date, start: date) -> float:
    """Weekly rhythm, slow growth and an autumn campaign bump."""
    weekday = [1.1, 1.15, 1.1, 1.05, 0.95, 0.7, 0.75][day.weekday()]
    growth = 0.8 + 0.4 * (day - start).days / 365
    campaign = 1.6 if day.month == 10 and day.day <= 14 else 1.0
    return weekday * growth * campaign


def _split(rng: random.Random, total: int, options: list[str]) -> dict[str, int]:
    weights = [1.0 / (i + 1) for i in range(len(options))]
    out = dict.fromkeys(options, 0)
    for _ in range(min(total, 50)):
        out[rng.choices(options, weights)[0]] += 1
    if total > 50:
        scale = total / 50
        out = {k: round(v * scale) for k, v in out.items()}
    return {k: v for k, v in out.items() if v}


def _rollups(
    initiative: Initiative,
    profile: dict[str, Any],
    start: date,
    end: date,
    rng: random.Random,
) -> tuple[list[DailyRollup], list[DailyTotal], list[DroppedCount]]:
    rollups: list[DailyRollup] = []
    totals: list[DailyTotal] = []
    dropped: list[DroppedCount] = []
    day = start
    while day <= end:
        visitors = _poisson(rng, profile["visitors"] * _level(day, start))
        day_events = 0
        for type_, rate in profile["rates"].items():
            n = _poisson(rng, visitors * rate)
            if not n:
                continue
            modules = profile["modules"] if type_.startswith("module_") else [""]
            for module_i, module in enumerate(modules):
                # attrition along the modules of a programme
                share = n * (0.8**module_i) / max(1, len(modules)) * 1.6
                n_mod = max(0, round(share)) if module else n
                for (channel, locale), k in _cells(rng, n_mod, profile).items():
                    value_count = (
                        k
                        if type_ in ("micro_survey_answered", "feedback_submitted")
                        else 0
                    )
                    rollups.append(
                        DailyRollup(
                            initiative=initiative,
                            day=day,
                            type=type_,
                            module=module,
                            channel=channel,
                            locale=locale,
                            events=k,
                            visitor_days=max(
                                1, min(k, visitors, round(k / max(rate, 1)))
                            ),
                            value_count=value_count,
                            value_sum=sum(
                                rng.randint(3, 9) for _ in range(value_count)
                            ),
                        )
                    )
                    day_events += k
        totals.append(
            DailyTotal(
                initiative=initiative, day=day, events=day_events, visitor_days=visitors
            )
        )
        bots = _poisson(rng, visitors * 0.15)
        if bots:
            dropped.append(
                DroppedCount(initiative=initiative, day=day, reason="bot", count=bots)
            )
        day += timedelta(days=1)
    return rollups, totals, dropped


def _cells(
    rng: random.Random, n: int, profile: dict[str, Any]
) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for channel, c in _split(rng, n, profile["channels"]).items():
        for locale, k in _split(rng, c, profile["locales"]).items():
            out[(channel, locale)] = k
    return out


def _raw_events(
    initiative: Initiative,
    profile: dict[str, Any],
    days: list[date],
    rng: random.Random,
) -> int:
    count = 0
    for day in days:
        rows = []
        visitors = max(
            1, _poisson(rng, min(profile["visitors"], 60) * _level(day, day))
        )
        for v in range(visitors):
            visitor = f"{rng.getrandbits(128):032x}"
            channel = rng.choice(profile["channels"])
            locale = rng.choice(profile["locales"])
            events = []
            for type_, rate in profile["rates"].items():
                for _ in range(_poisson(rng, rate)):
                    module = (
                        rng.choice(profile["modules"])
                        if type_.startswith("module_") and profile["modules"]
                        else ""
                    )
                    value = (
                        rng.randint(2, 10)
                        if type_ in ("micro_survey_answered", "feedback_submitted")
                        else None
                    )
                    events.append(
                        CleanEvent(
                            type=type_,
                            module=module,
                            channel=channel,
                            locale=locale,
                            value=value,
                        )
                    )
            moment = datetime(
                day.year, day.month, day.day, rng.randint(0, 23), tzinfo=UTC
            )
            rows.extend(
                event_values(
                    initiative_id=initiative.pk,
                    events=events,
                    visitor=visitor if v % 7 else "",
                    source=Source.DEMO,
                    now=moment,
                    resolution="hour",
                )
            )
        insert_events(rows)
        count += len(rows)
    return count


def _contacts(
    initiative: Initiative, start: date, end: date, rng: random.Random
) -> int:
    records = []
    day = start
    while day <= end:
        for _ in range(_poisson(rng, 9 * _level(day, start))):
            channel = rng.choices(["phone", "chat", "email"], [6, 3, 1])[0]
            status = rng.choices(
                ["answered", "abandoned", "missed", "out_of_hours"], [75, 10, 8, 7]
            )[0]
            record: dict[str, Any] = {
                "initiative": initiative,
                "date": day,
                "hour": rng.randint(8, 21),
                "channel": channel,
                "status": status,
                "risk_level": "not_assessed",
                "self_harm_risk": "unknown",
                "repeat_contact": "unknown",
                "previous_actions_taken": "not_applicable",
                "safeguarding": "none",
                "source": Source.DEMO,
            }
            if status == "answered":
                caller = rng.choices(
                    [
                        "own_concern",
                        "about_adult",
                        "about_young_person",
                        "professional",
                        "other",
                    ],
                    [55, 20, 12, 10, 3],
                )[0]
                start_d = rng.randint(3, 10)
                repeat = rng.choices(["yes", "no", "unknown"], [25, 60, 15])[0]
                record.update(
                    caller_type=caller,
                    offending_status=rng.choices(
                        ["not_offended", "online_only", "contact", "prefer_not_to_say"],
                        [50, 25, 5, 20],
                    )[0]
                    if caller == "own_concern"
                    else "",
                    concerns=rng.sample(
                        [
                            "csam_use",
                            "urges_fantasies",
                            "contact_risk",
                            "grooming_online_contact",
                        ],
                        rng.randint(1, 2),
                    ),
                    risk_level=rng.choices(["low", "moderate", "high"], [60, 30, 10])[
                        0
                    ],
                    self_harm_risk=rng.choices(["no", "yes", "unknown"], [80, 8, 12])[
                        0
                    ],
                    distress_start=start_d,
                    distress_end=max(0, start_d - rng.randint(-1, 5)),
                    actions=rng.sample(
                        ["safety_plan", "self_help_resource", "referral_treatment"],
                        rng.randint(1, 2),
                    ),
                    repeat_contact=repeat,
                    previous_actions_taken=rng.choice(["yes", "partly", "no"])
                    if repeat == "yes"
                    else "not_applicable",
                    duration=rng.choices(
                        ["under_5", "5_15", "15_30", "30_60", "over_60"],
                        [10, 30, 35, 20, 5],
                    )[0],
                    fidelity_sample=rng.random() < 0.05,
                    safeguarding="risk_to_child" if rng.random() < 0.02 else "none",
                )
            records.append(ContactRecord(**record))
        day += timedelta(days=1)
    ContactRecord.objects.bulk_create(records, batch_size=2000)
    return len(records)


def _figures(initiative: Initiative, before: date, rng: random.Random) -> int:
    made = 0
    month = date(before.year - 1, before.month, 1)
    for _ in range(12):
        nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        offered = rng.randint(180, 260)
        for element, value in (
            ("calls_offered", offered),
            ("calls_answered", round(offered * rng.uniform(0.72, 0.85))),
            ("calls_abandoned", round(offered * rng.uniform(0.08, 0.15))),
        ):
            AggregateFigure.objects.update_or_create(
                initiative=initiative,
                element=element,
                period_start=month,
                period_end=nxt - timedelta(days=1),
                defaults={
                    "value": value,
                    "source_system": "Invented telephony system (synthetic)",
                    "note": "Synthetic demo figure.",
                },
            )
            made += 1
        month = nxt
    return made


def load(*, reset: bool = False) -> dict[str, int]:
    """Create this app's demo records idempotently; return counts created."""
    created = {"collection_events": 0, "daily_rollups": 0, "contact_records": 0}
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, not secrets
    today = timezone.now().astimezone(UTC).date()
    start = today - timedelta(days=364)
    raw_from = today - timedelta(days=RAW_DAYS - 1)
    for slug, profile in PROFILES.items():
        initiative = Initiative.objects.filter(slug=slug).first()
        if initiative is None:
            continue
        with transaction.atomic():
            if reset:
                for model in (DailyRollup, DailyTotal, DroppedCount, Event):
                    model.objects.filter(initiative=initiative).delete()  # type: ignore[attr-defined]
                ContactRecord.objects.filter(initiative=initiative).delete()
            settings_obj, _c = CollectionSettings.objects.get_or_create(
                initiative=initiative
            )
            if profile["modules"] and not settings_obj.modules:
                settings_obj.modules = profile["modules"]
                settings_obj.save()
            origins = _demo_origins()
            key = CollectionKey.objects.filter(
                initiative=initiative, kind=KeyKind.SITE, revoked_at=None
            ).first()
            if key is None:
                CollectionKey.objects.create(
                    initiative=initiative,
                    kind=KeyKind.SITE,
                    name="Demo website (synthetic)",
                    public_id=f"pk_demo_{slug.replace('-', '_')}",
                    allowed_origins=origins,
                )
            elif key.name == "Demo website (synthetic)" and not set(origins) <= set(
                key.allowed_origins
            ):
                # The demo may be served on another port than last time.
                key.allowed_origins = sorted(set(key.allowed_origins) | set(origins))
                key.save(update_fields=["allowed_origins"])
            if DailyTotal.objects.filter(initiative=initiative).exists():
                continue
            rollups, totals, dropped = _rollups(
                initiative, profile, start, raw_from - timedelta(days=1), rng
            )
            DailyRollup.objects.bulk_create(rollups, batch_size=2000)
            DailyTotal.objects.bulk_create(totals, batch_size=2000)
            DroppedCount.objects.bulk_create(dropped, batch_size=2000)
            created["daily_rollups"] += len(rollups)
            days = [raw_from + timedelta(days=i) for i in range(RAW_DAYS)]
            created["collection_events"] += _raw_events(initiative, profile, days, rng)
            if initiative.intervention_type == "helpline":
                created["contact_records"] += _contacts(initiative, start, today, rng)
                _figures(initiative, start, rng)
    rollup_run()
    return created
