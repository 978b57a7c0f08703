"""Synthetic demo data of this app, loaded by `evidencehub demo`.

Two demo initiatives get questionnaires with synthetic answers from a fixed
seed: the therapy programme asks the PHQ-9 at baseline, end and a 3-month
follow-up; the self-help programme asks the GAD-7 at baseline and end. About
80% of baseline respondents return at the end and about 65% at follow-up,
with scores that fall on average, and a few that rise. Every response is
marked ``synthetic``; questionnaire titles say "(synthetic demo)".
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.instruments.models import (
    InstrumentVersion,
    Occasion,
    Questionnaire,
    Response,
    ResponseScore,
)
from evidencehub.apps.instruments.services import (
    coarsen_to_hour,
    ensure_catalogue,
    survey_settings,
)
from evidencehub.core.codes import code_hash, generate_code
from evidencehub.core.instruments import Instrument, score

SEED = 20261129

PLANS: dict[str, dict[str, Any]] = {
    "demo-therapy": {"instrument": "phq9", "people": 140, "severity": 1.5, "fall": 0.6},
    "demo-self-help": {
        "instrument": "gad7",
        "people": 220,
        "severity": 1.3,
        "fall": 0.4,
    },
}
OCCASIONS = [
    (Occasion.BASELINE, None, 0, 1.0),
    (Occasion.END, None, 84, 0.8),
    (Occasion.FOLLOW_UP, 3, 84 + 91, 0.85),  # of those who came back at the end
]


def _answers(inst: Instrument, level: float, rng: random.Random) -> dict[str, int]:
    out = {}
    for item_id in inst.scoring.items:
        it = inst.item(item_id)
        if it.risk:
            value = 1 if rng.random() < 0.04 + 0.04 * level else 0
        else:
            value = round(level + rng.gauss(0, 0.7))
        value = max(it.min_value, min(it.max_value, value))
        if rng.random() < 0.02:
            continue  # an occasional skipped item, to exercise prorating
        out[item_id] = value
    return out


@transaction.atomic
def load(*, reset: bool = False) -> dict[str, int]:
    """Create this app's demo records idempotently; return counts created."""
    ensure_catalogue()
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, not security
    now = timezone.now()
    created_q = created_r = 0
    for slug, plan in PLANS.items():
        initiative = Initiative.objects.filter(slug=slug).first()
        if initiative is None:
            continue
        existing = Questionnaire.objects.filter(
            initiative=initiative, title__endswith="(synthetic demo)"
        )
        if reset:
            existing.delete()
        elif existing.exists():
            continue
        version = InstrumentVersion.objects.get(
            organisation__isnull=True, instrument_id=plan["instrument"], version="1"
        )
        inst = version.instrument
        secret = survey_settings(initiative=initiative).secret_bytes
        questionnaires = []
        for occasion, months, _offset, _rate in OCCASIONS:
            if plan["instrument"] == "gad7" and occasion == Occasion.FOLLOW_UP:
                continue
            label = "Follow-up at 3 months" if months else str(Occasion(occasion).label)
            questionnaires.append(
                Questionnaire.objects.create(
                    initiative=initiative,
                    instrument_version=version,
                    occasion=occasion,
                    follow_up_months=months,
                    title=f"{inst.title}: {label} (synthetic demo)",
                )
            )
            created_q += 1
        responses: list[Response] = []
        results = []
        for _person in range(plan["people"]):
            code = code_hash(generate_code(), secret) if rng.random() < 0.9 else ""
            start = now - timedelta(
                days=rng.randint(180, 400), hours=rng.randint(0, 23)
            )
            level = max(0.0, min(3.0, rng.gauss(plan["severity"], 0.6)))
            for (_occ, _m, offset, rate), q in zip(
                OCCASIONS, questionnaires, strict=False
            ):
                if rng.random() > rate:
                    break
                when = start + timedelta(days=offset + rng.randint(-7, 7))
                if when > now:
                    break
                shift = 0.0 if offset == 0 else -plan["fall"] + rng.gauss(0, 0.5)
                answers = _answers(inst, max(0.0, level + shift), rng)
                responses.append(
                    Response(
                        questionnaire=q,
                        submitted_hour=coarsen_to_hour(when),
                        code_hash=code,
                        language="en",
                        answers=answers,
                        synthetic=True,
                    )
                )
                results.append(score(inst, answers))
        Response.objects.bulk_create(responses)
        ResponseScore.objects.bulk_create(
            [
                ResponseScore(
                    response=r,
                    total=s.total,
                    valid=s.valid,
                    reason=s.reason[:200],
                    band=s.band,
                    above_cutoff=s.above_cutoff,
                    prorated=s.prorated,
                    items_missing=s.items_missing,
                    subscales={
                        k: None if v is None else str(v) for k, v in s.subscales.items()
                    },
                    risk=s.risk,
                    method_id=s.method_id,
                    method_version=s.method_version,
                    instrument_id=s.instrument_id,
                    instrument_version=s.instrument_version,
                )
                for r, s in zip(responses, results, strict=True)
            ]
        )
        created_r += len(responses)
    return {"questionnaires": created_q, "questionnaire responses": created_r}
