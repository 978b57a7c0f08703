"""Synthetic demo data of this app, loaded by `evidencehub demo`. All figures
are invented for demonstration and say so."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.operations import services
from evidencehub.apps.operations.models import (
    CostEntry,
    FundingSource,
    Material,
    PolicyAlignment,
    StaffPeriod,
    StaffPost,
    TrainingRecord,
)

NOTE = "synthetic demo"
# slug: (currency, FTE per post, loaded salary, monthly technology, languages)
PROFILES: dict[str, dict[str, Any]] = {
    "demo-helpline": {
        "fte": ["1.0", "1.0", "0.8", "0.5", "0.5"],
        "salary": 64000,
        "langs": ["de", "en"],
    },
    "demo-self-help": {
        "fte": ["1.0", "0.6", "0.4"],
        "salary": 58000,
        "langs": ["nl", "en", "fr"],
    },
    "demo-therapy": {
        "fte": ["0.8", "0.8", "0.5"],
        "salary": 72000,
        "langs": ["de", "it", "es"],
    },
}
TEXTS = {
    "en": "You are not alone. Many people have thoughts they find worrying. "
    "Talking helps. "
    "Our team listens and does not judge. You do not need to give your name.\n"
    "If you are worried about your thoughts, contacting a confidential, "
    "specialised "
    "service as early as possible is considered an important protective step that "
    "substantially reduces the likelihood of harmful behaviour developing.",
    "de": "Sie sind nicht allein. Viele Menschen haben Gedanken, die ihnen "
    "Sorgen machen. "
    "Reden hilft. Wir hören zu und urteilen nicht.\n"
    "Die frühzeitige Inanspruchnahme einer vertraulichen, "
    "spezialisierten "
    "Beratungseinrichtung stellt nach gegenwärtigem Erkenntnisstand eine wesentliche "
    "Schutzmaßnahme zur Verhinderung problematischer Verhaltensentwicklungen dar.",
    "nl": "Je bent niet alleen. Veel mensen hebben gedachten die hen zorgen baren. "
    "Praten helpt. Wij luisteren en oordelen niet.\n"
    "Het tijdig inschakelen van een vertrouwelijke, gespecialiseerde "
    "hulpverleningsinstantie "
    "wordt beschouwd als een wezenlijke beschermende maatregel.",
    "fr": "Vous n'êtes pas seul. Beaucoup de personnes ont des pensées qui "
    "les inquiètent. "
    "Parler aide. Nous écoutons sans juger.",
    "es": "No estás solo. Muchas personas tienen pensamientos que les preocupan. "
    "Hablar ayuda. Te escuchamos sin juzgar.",
    "it": "Non sei solo. Molte persone hanno pensieri che le preoccupano. "
    "Parlare aiuta. Ti ascoltiamo senza giudicare.",
}


def _d(y: int, m: int, d: int) -> datetime.date:
    return datetime.date(y, m, d)


def _month_end(y: int, m: int) -> datetime.date:
    nxt = _d(y + (m == 12), 1 if m == 12 else m + 1, 1)
    return nxt - datetime.timedelta(days=1)


def _load_one(
    initiative: Initiative, spec: dict[str, Any], year: int
) -> dict[str, int]:
    n = {
        "costs": 0,
        "funding_sources": 0,
        "staff_posts": 0,
        "training_records": 0,
        "staff_periods": 0,
        "materials": 0,
        "policy_alignments": 0,
    }
    total_fte = sum(Decimal(x) for x in spec["fte"])
    for y in (year, year + 1):
        last_month = 12 if y == year else max(1, timezone.localdate().month - 1)
        for m in range(1, last_month + 1):
            start, end = _d(y, m, 1), _month_end(y, m)
            for cat, amount in (("supervision", "900"), ("technology", "520")):
                CostEntry.objects.create(
                    initiative=initiative,
                    period_start=start,
                    period_end=end,
                    category=cat,
                    amount=Decimal(amount),
                    currency="EUR",
                    description=NOTE,
                )
                n["costs"] += 1
            salary = Decimal(spec["salary"])
            CostEntry.objects.create(
                initiative=initiative,
                period_start=start,
                period_end=end,
                category="staff",
                fte=total_fte,
                annual_salary=salary,
                amount=(total_fte * salary / 12).quantize(Decimal("0.01")),
                currency="EUR",
                description=NOTE,
            )
            n["costs"] += 1
    for cat, yearly in (
        ("training", 6000),
        ("translation", 4500),
        ("licences", 1200),
        ("overheads", 21000),
    ):
        CostEntry.objects.create(
            initiative=initiative,
            period_start=_d(year, 1, 1),
            period_end=_d(year, 12, 31),
            category=cat,
            amount=Decimal(yearly),
            currency="EUR",
            description=NOTE,
        )
        n["costs"] += 1
    CostEntry.objects.create(
        initiative=initiative,
        period_start=_d(year, 1, 1),
        period_end=_d(year, 12, 31),
        category="volunteer",
        hours=Decimal(400),
        hourly_rate=Decimal(18),
        amount=Decimal(7200),
        currency="EUR",
        description=NOTE,
    )
    n["costs"] += 1
    grants = [
        (
            "Demo founding foundation (synthetic)",
            240000,
            _d(year - 3, 1, 1),
            _d(year - 1, 12, 31),
            False,
            True,
            True,
        ),
        (
            "Demo ministry (synthetic)",
            180000,
            _d(year, 1, 1),
            _d(year, 12, 31),
            True,
            False,
            False,
        ),
        (
            "Demo ministry (synthetic)",
            190000,
            _d(year + 1, 1, 1),
            _d(year + 1, 12, 31),
            True,
            False,
            False,
        ),
        (
            "Demo child-protection trust (synthetic)",
            150000,
            _d(year, 7, 1),
            _d(year + 2, 6, 30),
            False,
            True,
            False,
        ),
        (
            "Demo small donors (synthetic)",
            12000,
            _d(year, 1, 1),
            _d(year, 12, 31),
            False,
            False,
            False,
        ),
    ]
    for name, granted, start, end, recurrent, restricted, founding in grants:
        FundingSource.objects.create(
            initiative=initiative,
            funder_name=name,
            amount=Decimal(granted),
            currency="EUR",
            start=start,
            end=end,
            recurrent=recurrent,
            restricted=restricted,
            founding=founding,
        )
        n["funding_sources"] += 1
    posts = []
    for i, fte in enumerate(spec["fte"], start=1):
        posts.append(
            StaffPost.objects.create(
                initiative=initiative,
                label=f"Counsellor {i}",
                fte=Decimal(fte),
                start=_d(year - 2, 1, 1),
            )
        )
        n["staff_posts"] += 1
    for i, post in enumerate(posts):
        modules = ["Trauma-informed practice", "Secondary traumatic stress"]
        if i == len(posts) - 1:
            modules = modules[:1]  # one post has not done the STS module yet
        for j, module in enumerate(modules):
            TrainingRecord.objects.create(
                initiative=initiative,
                post=post,
                module=module,
                mandatory=True,
                hours=Decimal(6),
                date=_d(year, 3 + j * 4, 10 + i),
                l1_rating=4 + (i + j) % 2,
                knowledge_pre=Decimal(55 + i * 3),
                knowledge_post=Decimal(74 + i * 2),
                confidence_pre=Decimal(5),
                confidence_post=Decimal(7),
            )
            n["training_records"] += 1
    for q in range(4):
        start = _d(year, 1 + q * 3, 1)
        StaffPeriod.objects.create(
            initiative=initiative,
            period_start=start,
            period_end=_month_end(year, 3 + q * 3),
            supervision_hours=Decimal(len(posts) * 6),
            leavers=1 if q == 2 else 0,
            sickness_days=Decimal(4 + q),
            headcount_start=len(posts),
            headcount_end=len(posts),
        )
        n["staff_periods"] += 1
    for lang in spec["langs"]:
        services.score_material(clean := {"text": TEXTS[lang], "language": lang})
        Material.objects.create(
            initiative=initiative,
            title=f"Home page (demo, {lang})",
            kind="web_page",
            language=lang,
            text=TEXTS[lang],
            score=clean["score"],
            meets_target=clean["meets_target"],
            method=clean["method"],
        )
        n["materials"] += 1
    lm = getattr(initiative, "logic_model", None)
    outcomes = (
        list(lm.outcomes_short) + list(lm.outcomes_medium) if lm is not None else []
    )
    for k, outcome in enumerate(outcomes[:3]):
        for goal in (
            ("eu_dir_2011_93_art22", "lanzarote_art7") if k == 0 else ("inspire_r",)
        ):
            PolicyAlignment.objects.create(
                initiative=initiative,
                goal_key=goal,
                outcome=str(outcome)[:300],
                kpi_id="B02" if k == 0 else "",
                note=NOTE,
            )
            n["policy_alignments"] += 1
    return n


def load(*, reset: bool = False) -> dict[str, int]:
    """Create this app's demo records idempotently; return counts created."""
    totals: dict[str, int] = {}
    year = timezone.localdate().year - 1
    for slug, spec in PROFILES.items():
        initiative = Initiative.objects.filter(slug=slug).first()
        if initiative is None:
            continue
        with transaction.atomic():
            if reset:
                for model in (
                    CostEntry,
                    FundingSource,
                    TrainingRecord,
                    StaffPost,
                    StaffPeriod,
                    Material,
                    PolicyAlignment,
                ):
                    model.objects.filter(initiative=initiative).delete()  # type: ignore[attr-defined]
            elif CostEntry.objects.filter(initiative=initiative).exists():
                continue
            for key, value in _load_one(initiative, spec, year).items():
                totals[key] = totals.get(key, 0) + value
    return totals
