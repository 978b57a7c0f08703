"""Reads for questionnaires: lists, the survey form's items, and the results
of a questionnaire (responses over time, pre/post pairs linked by code hash,
change with intervals, reliable change, pairing rates and attrition).

Every figure carries how it was made: method id and version, and n.
These figures are for the organisation's own staff view; anything that leaves
the organisation must go through disclosure control first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.instruments.models import (
    InstrumentVersion,
    LicensedText,
    Occasion,
    Questionnaire,
    Response,
)
from evidencehub.core.instruments import Instrument
from evidencehub.core.stats import (
    Criterion,
    Interval,
    classify_pairs,
    paired_change,
    welch_difference,
    wilson_interval,
)

CAVEAT = (
    "Anonymous pre/post designs cannot show that the service caused a change: "
    "there is no comparison group, people who answer twice may differ from those "
    "who do not, and scores tend to move back towards the average (regression to "
    "the mean)."
)


def questionnaires_for(*, initiative: Initiative) -> list[Questionnaire]:
    return list(
        Questionnaire.objects.filter(initiative=initiative).select_related(
            "instrument_version"
        )
    )


def questionnaire_by_public_id(public_id: str) -> Questionnaire | None:
    return (
        Questionnaire.objects.select_related(
            "instrument_version", "initiative__organisation"
        )
        .filter(public_id=public_id)
        .first()
    )


def version_for(*, organisation: Organisation, pk: int) -> InstrumentVersion | None:
    return (
        InstrumentVersion.objects.filter(pk=pk, organisation__isnull=True).first()
        or InstrumentVersion.objects.filter(pk=pk, organisation=organisation).first()
    )


@dataclass
class FormItem:
    id: str
    text: str
    options: list[tuple[int, str]]
    risk: bool
    risk_above: int
    kind: str = "choice"
    required: bool = False


def form_items(
    *, questionnaire: Questionnaire, language: str = ""
) -> tuple[str, list[FormItem]]:
    """(instructions, items) for the survey page; licensed text pasted by the
    organisation fills in instruments whose text is not shipped."""
    inst = questionnaire.instrument_version.instrument
    licensed = LicensedText.objects.filter(
        organisation=questionnaire.initiative.organisation,
        instrument_version=questionnaire.instrument_version,
    ).first()
    pasted = licensed.items if licensed else {}
    instructions = inst.instructions or (licensed.instructions if licensed else "")
    items = []
    for it in inst.items:
        if it.kind == "text" and not questionnaire.allow_free_text:
            continue
        text = inst.text_for(it.id, language) or str(pasted.get(it.id, ""))
        items.append(
            FormItem(
                id=it.id,
                text=text,
                options=[
                    (o.value, inst.option_label(it.id, o.value, language))
                    for o in it.options
                ],
                risk=it.risk,
                risk_above=it.risk_above,
                kind=it.kind,
                required=it.required,
            )
        )
    return instructions, items


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass
class Figure:
    """A number with how it was made."""

    label: str
    value: str
    method: str = ""
    n: int | None = None
    note: str = ""


@dataclass
class MeasureResult:
    key: str
    label: str
    pairs: int
    mean_pre: float | None = None
    mean_post: float | None = None
    change: Figure | None = None
    effect: Figure | None = None
    effect_g: Figure | None = None
    classification: dict[str, int] = field(default_factory=dict)
    classification_method: str = ""
    threshold_note: str = ""
    clinically_significant: Figure | None = None
    note: str = ""

    @property
    def figures(self) -> list[Figure]:
        return [f for f in (self.change, self.effect, self.effect_g) if f]


@dataclass
class Comparison:
    baseline: Questionnaire
    later: Questionnaire
    baseline_n: int
    baseline_with_code: int
    pairs: int
    pairing_rate: Figure | None
    follow_up_rate: Figure | None
    attrition: Figure | None
    measures: list[MeasureResult]

    @property
    def figures(self) -> list[Figure]:
        return [
            f for f in (self.pairing_rate, self.follow_up_rate, self.attrition) if f
        ]


@dataclass
class Results:
    questionnaire: Questionnaire
    instrument: Instrument
    n: int
    n_valid: int
    n_risk: int
    by_month: list[tuple[str, int]]
    comparisons: list[Comparison]
    caveat: str = CAVEAT


def _measures(inst: Instrument) -> list[tuple[str, str]]:
    out = []
    if inst.scoring.method != "none":
        out.append(("total", "Total score"))
    out.extend((s.id, s.label) for s in inst.subscales)
    return out


def _value(resp: Response, key: str) -> float | None:
    sc = getattr(resp, "score", None)
    if sc is None:
        return None
    if key == "total":
        return float(sc.total) if sc.valid and sc.total is not None else None
    raw = sc.subscales.get(key)
    return None if raw is None else float(raw)


def _fmt(x: float, places: int = 2) -> str:
    return f"{x:.{places}f}"


def _ci_text(ci: Interval) -> str:
    return f"{_fmt(ci.estimate)} (95% CI {_fmt(ci.lower)} to {_fmt(ci.upper)})"


def _pct(p: Any) -> str:
    return f"{p.estimate * 100:.0f}% (95% CI {p.lower * 100:.0f}-{p.upper * 100:.0f}%)"


def _responses(q: Questionnaire) -> list[Response]:
    return list(
        Response.objects.filter(questionnaire=q)
        .select_related("score")
        .order_by("submitted_hour", "pk")
    )


def _compare(
    base_q: Questionnaire, later_q: Questionnaire, inst: Instrument
) -> Comparison:
    base = _responses(base_q)
    later = _responses(later_q)
    first_base: dict[str, Response] = {}
    for r in base:
        if r.code_hash:
            first_base.setdefault(r.code_hash, r)
    last_later: dict[str, Response] = {}
    for r in later:
        if r.code_hash:
            last_later[r.code_hash] = r
    linked = [h for h in first_base if h in last_later]
    with_code = len(first_base)
    pairing = wilson_interval(len(linked), with_code) if with_code else None
    follow = wilson_interval(len(linked), len(base)) if base else None
    measures: list[MeasureResult] = []
    attrition = None
    for key, label in _measures(inst):
        pre, post = [], []
        for h in linked:
            a, b = _value(first_base[h], key), _value(last_later[h], key)
            if a is not None and b is not None:
                pre.append(a)
                post.append(b)
        m = MeasureResult(key=key, label=label, pairs=len(pre))
        if len(pre) >= 2:
            pc = paired_change(pre, post)
            method = f"{pc.method_id} v{pc.method_version}"
            m.mean_pre, m.mean_post = pc.mean_pre, pc.mean_post
            m.change = Figure(
                "Mean change (after - before)",
                _ci_text(pc.mean_change),
                method,
                pc.n,
            )
            if pc.d_z is not None:
                m.effect = Figure(
                    "Effect size d_z",
                    _ci_text(pc.d_z),
                    method,
                    pc.n,
                )
            if pc.hedges_g is not None:
                m.effect_g = Figure(
                    "Hedges' g (av)",
                    _ci_text(pc.hedges_g),
                    method,
                    pc.n,
                )
        else:
            m.note = "Fewer than 2 linked pairs: no change can be estimated yet."
        if key == "total" and inst.reliable_change is not None and pre:
            cut = inst.clinical_cutoff
            crit = Criterion(
                threshold=float(inst.reliable_change.threshold),
                source=inst.reliable_change.source,
                lower_is_better=cut is None or cut.direction == "higher_is_worse",
                cutoff=float(cut.value) if cut else None,
                cutoff_source=cut.source if cut else "",
            )
            cl = classify_pairs(zip(pre, post, strict=True), crit)
            m.classification = cl.counts
            m.classification_method = f"{cl.method_id} v{cl.method_version}"
            m.threshold_note = (
                f"Reliable change = at least {cl.threshold:g} points; "
                f"source: {cl.threshold_source}"
            )
            if cut is not None and cl.clinical_at_baseline:
                rec, base_n = cl.counts["recovered"], cl.clinical_at_baseline
                p = wilson_interval(rec, base_n)
                m.clinically_significant = Figure(
                    "Recovered (reliable improvement and crossed the cut-off), of "
                    "those in the clinical range at baseline",
                    f"{rec} of {base_n}: {_pct(p)}",
                    f"{cl.method_id} v{cl.method_version}; "
                    f"{p.method_id} v{p.method_version}",
                    base_n,
                    f"Cut-off {cut.value:g}; source: {cut.source}",
                )
        measures.append(m)
        if attrition is None:
            matched = [
                v for h in linked if (v := _value(first_base[h], key)) is not None
            ]
            linked_set = set(linked)
            unmatched = [
                v
                for r in base
                if r.code_hash not in linked_set or not r.code_hash
                if (v := _value(r, key)) is not None
            ]
            if len(matched) >= 2 and len(unmatched) >= 2:
                try:
                    wd = welch_difference(matched, unmatched)
                except ValueError:
                    wd = None
                if wd is not None:
                    attrition = Figure(
                        f"Baseline {label.lower()}: linked minus not linked",
                        f"{_ci_text(wd.difference)}; linked mean "
                        f"{_fmt(wd.mean_a)}, not linked mean {_fmt(wd.mean_b)}",
                        f"{wd.method_id} v{wd.method_version}",
                        wd.n_a + wd.n_b,
                        "A difference means the linked pairs may not represent "
                        "everyone who started.",
                    )
    return Comparison(
        baseline=base_q,
        later=later_q,
        baseline_n=len(base),
        baseline_with_code=with_code,
        pairs=len(linked),
        pairing_rate=Figure(
            "Pairing rate (baseline answers with a code that were matched later)",
            _pct(pairing),
            f"{pairing.method_id} v{pairing.method_version}",
            with_code,
        )
        if pairing
        else None,
        follow_up_rate=Figure(
            "Follow-up rate (of all baseline answers)",
            _pct(follow),
            f"{follow.method_id} v{follow.method_version}",
            len(base),
        )
        if follow
        else None,
        attrition=attrition,
        measures=measures,
    )


def results(*, questionnaire: Questionnaire) -> Results:
    inst = questionnaire.instrument_version.instrument
    rows = _responses(questionnaire)
    months = Counter(r.submitted_hour.strftime("%Y-%m") for r in rows)
    same = Questionnaire.objects.filter(
        initiative=questionnaire.initiative,
        instrument_version__instrument_id=questionnaire.instrument_version.instrument_id,
    ).select_related("instrument_version")
    comparisons: list[Comparison] = []
    if questionnaire.occasion == Occasion.BASELINE:
        for later in same.exclude(occasion__in=[Occasion.BASELINE, Occasion.SINGLE]):
            comparisons.append(_compare(questionnaire, later, inst))
    elif questionnaire.occasion in (Occasion.END, Occasion.FOLLOW_UP):
        for base in same.filter(occasion=Occasion.BASELINE):
            comparisons.append(_compare(base, questionnaire, inst))
    return Results(
        questionnaire=questionnaire,
        instrument=inst,
        n=len(rows),
        n_valid=sum(1 for r in rows if getattr(r, "score", None) and r.score.valid),
        n_risk=sum(1 for r in rows if getattr(r, "score", None) and r.score.risk),
        by_month=sorted(months.items()),
        comparisons=comparisons,
    )


# --------------------------------------------------------------------------
# Micro-surveys embedded in a service's own pages
# --------------------------------------------------------------------------

MAX_MICRO_ITEMS = 3


def embed_origins(*, initiative: Initiative) -> frozenset[str]:
    """Origins listed on the initiative's active public site keys: the only
    other sites whose pages may fetch a micro-survey or send its answer."""
    from django.db.models import Q
    from django.utils import timezone

    from evidencehub.apps.collect.models import CollectionKey, KeyKind

    now = timezone.now()
    origins: set[str] = set()
    keys = CollectionKey.objects.filter(
        initiative=initiative, kind=KeyKind.SITE, revoked_at=None
    ).filter(Q(expires_at=None) | Q(expires_at__gt=now))
    for allowed in keys.values_list("allowed_origins", flat=True):
        origins.update(str(o) for o in allowed or [])
    return frozenset(origins)


def micro_item_ids(*, questionnaire: Questionnaire, raw: str) -> list[str]:
    """Parse ``items`` (space- or comma-separated item ids) for a micro-survey.

    Raises:
        ValidationError: ``items`` empty, more than three, repeated, not a
            choice item of the questionnaire, or wording that may not be
            published (``items``); a closed questionnaire (``questionnaire``).
    """
    from django.core.exceptions import ValidationError

    if not questionnaire.is_open:
        raise ValidationError({"questionnaire": "This questionnaire is closed."})
    inst = questionnaire.instrument_version.instrument
    ids = [p for p in raw.replace(",", " ").split() if p][: MAX_MICRO_ITEMS + 1]
    if not ids:
        raise ValidationError({"items": "Name one to three item ids."})
    if len(ids) > MAX_MICRO_ITEMS or len(raw) > 400:
        raise ValidationError(
            {"items": f"A micro-survey has at most {MAX_MICRO_ITEMS} items."}
        )
    if len(set(ids)) != len(ids):
        raise ValidationError({"items": "An item is named twice."})
    choice = {it.id for it in inst.items if it.kind == "choice"}
    if any(i not in choice for i in ids):
        raise ValidationError(
            {"items": "Names an item this questionnaire does not have."}
        )
    if not inst.licence.text_may_be_shipped:
        # Licensed wording pasted by an organisation is for its own survey
        # pages; a public JSON copy would hand it to anyone.
        raise ValidationError(
            {
                "items": "This instrument's wording may not be published, so it "
                "cannot be embedded; use the survey page instead."
            }
        )
    return ids


def micro_items(
    *, questionnaire: Questionnaire, ids: list[str], language: str = ""
) -> list[FormItem]:
    """The named items in the user's language, in the order asked for."""
    inst = questionnaire.instrument_version.instrument
    by_id = {it.id: it for it in inst.items}
    return [
        FormItem(
            id=i,
            text=inst.text_for(i, language),
            options=[
                (o.value, inst.option_label(i, o.value, language))
                for o in by_id[i].options
            ],
            risk=by_id[i].risk,
            risk_above=by_id[i].risk_above,
            required=by_id[i].required,
        )
        for i in ids
    ]


def embed_markup(*, questionnaire: Questionnaire, public_url: str) -> str:
    """The ``<div>`` a service pastes to embed the first (up to three) items
    as a micro-survey, or "" when the wording may not be published."""
    from django.utils.html import escape

    inst = questionnaire.instrument_version.instrument
    if not inst.licence.text_may_be_shipped:
        return ""
    ids = [it.id for it in inst.items if it.kind == "choice"][:MAX_MICRO_ITEMS]
    if not ids:
        return ""
    pid = escape(questionnaire.public_id)
    return (
        f'<div data-evidencehub-survey="{pid}" data-items="{escape(" ".join(ids))}">\n'
        f'  <p><a href="{escape(public_url)}">{escape(questionnaire.title)}</a></p>\n'
        "</div>"
    )
