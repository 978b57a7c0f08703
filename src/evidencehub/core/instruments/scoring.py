"""Score one set of answers against an :class:`Instrument`.

Method ``evidencehub.scoring.instrument`` version ``1``:

1. each scored item's value is checked against its options;
2. reversed items become ``min + max - value`` (the usual reverse-keying of a
   Likert item, e.g. SUS even items, Brooke 1996);
3. ``offset`` is added to every item (SUS: -1 so items run 0-4);
4. if more items are missing than ``missing.max_missing`` allows, there is no
   score (``valid=False`` with the reason); otherwise a ``sum`` with missing
   items is *prorated*: mean of the answered items x number of items (the
   prorating rule used for PHQ-9/GAD-7 and CORE measures); a ``mean`` simply
   averages the answered items;
5. the total is multiplied by ``multiplier`` (SUS: 2.5), looked up in the
   ``conversion`` table when there is one, and rounded with the instrument's
   own rule in :mod:`decimal` (``half_up`` by default: 12.5 -> 13, never
   Python's round-half-to-even);
6. the band, the clinical cut-off, and risk flags (a risk item answered above
   ``risk_above``) are added. Risk flags are computed from the raw answers
   whether or not the score is valid: a safety item counts on its own.

Answers are a mapping ``item_id -> int | None`` (``None`` or absent = missing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from evidencehub.core.instruments.schema import Band, Instrument, Rounding

METHOD_ID = "evidencehub.scoring.instrument"
METHOD_VERSION = "1"

_MODES = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "floor": ROUND_FLOOR,
    "ceiling": ROUND_CEILING,
}


class AnswerError(ValueError):
    """Answers that do not fit the instrument. ``errors`` maps an item id to a
    plain message."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class Score:
    instrument_id: str
    instrument_version: str
    total: Decimal | None
    valid: bool
    reason: str = ""
    items_answered: int = 0
    items_missing: int = 0
    prorated: bool = False
    band: str = ""
    above_cutoff: bool | None = None
    subscales: Mapping[str, Decimal | None] = field(default_factory=dict)
    subscale_bands: Mapping[str, str] = field(default_factory=dict)
    risk_items: tuple[str, ...] = ()
    method_id: str = METHOD_ID
    method_version: str = METHOD_VERSION

    @property
    def risk(self) -> bool:
        return bool(self.risk_items)


def round_score(value: Decimal, rounding: Rounding) -> Decimal:
    """Round with the instrument's rule (``decimal``, never binary floats).

    >>> round_score(Decimal("12.5"), Rounding(0, "half_up"))
    Decimal('13')
    """
    if rounding.mode == "none":
        return value
    quantum = Decimal(1).scaleb(-rounding.places)
    return value.quantize(quantum, rounding=_MODES[rounding.mode])


def validate_answers(
    inst: Instrument, answers: Mapping[str, object]
) -> dict[str, int | None]:
    """Check ``answers`` and return them as ``{item_id: int | None}`` for
    choice items (text items are dropped: they are never scored).

    Raises:
        AnswerError: unknown item ids, values that are not whole numbers, or
            values that are not among the item's options.
    """
    errors: dict[str, str] = {}
    known = {it.id: it for it in inst.items}
    for key in answers:
        if key not in known:
            errors[str(key)] = "is not an item of this questionnaire"
    clean: dict[str, int | None] = {}
    for it in inst.items:
        if it.kind != "choice":
            continue
        raw = answers.get(it.id)
        if raw is None or raw == "":
            clean[it.id] = None
            continue
        if isinstance(raw, bool):
            errors[it.id] = "must be one of the answer options"
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            errors[it.id] = "must be one of the answer options"
            continue
        if value not in it.values:
            allowed = ", ".join(str(v) for v in it.values)
            errors[it.id] = f"{value} is not an answer option ({allowed})"
            continue
        clean[it.id] = value
    if errors:
        raise AnswerError(errors)
    return clean


def risk_flags(inst: Instrument, answers: Mapping[str, int | None]) -> tuple[str, ...]:
    """Ids of risk items answered above their threshold (e.g. PHQ-9 item 9 > 0)."""
    out = []
    for it in inst.risk_items:
        v = answers.get(it.id)
        if v is not None and v > it.risk_above:
            out.append(it.id)
    return tuple(out)


def _item_value(inst: Instrument, item_id: str, value: int) -> Decimal:
    it = inst.item(item_id)
    v = Decimal(value)
    if it.reversed:
        v = Decimal(it.min_value + it.max_value) - v
    return v + inst.scoring.offset


def _band(bands: tuple[Band, ...], score: Decimal | None) -> str:
    if score is None:
        return ""
    for b in bands:
        if b.contains(score):
            return b.label
    return ""


def _aggregate(
    inst: Instrument,
    item_ids: tuple[str, ...],
    method: str,
    answers: Mapping[str, int | None],
) -> tuple[Decimal | None, int, int, bool, str]:
    """(raw aggregate before multiplier/rounding, answered, missing,
    prorated, reason)."""
    values = [
        _item_value(inst, i, v) for i in item_ids if (v := answers.get(i)) is not None
    ]
    answered = len(values)
    missing = len(item_ids) - answered
    allowed = inst.scoring.missing.max_missing
    if answered == 0:
        return None, 0, missing, False, "no scored item was answered"
    if missing > allowed:
        return (
            None,
            answered,
            missing,
            False,
            f"{missing} of {len(item_ids)} items missing; at most {allowed} allowed",
        )
    total = sum(values, Decimal(0))
    if method == "mean":
        return total / answered, answered, missing, False, ""
    if missing and inst.scoring.missing.rule == "prorate":
        return total / answered * len(item_ids), answered, missing, True, ""
    return total, answered, missing, False, ""


def score(inst: Instrument, answers: Mapping[str, object]) -> Score:
    """Score ``answers`` (validated first).

    Returns a :class:`Score`; ``valid=False`` with a reason when too many items
    are missing or the instrument has no total (method ``none``).

    Raises:
        AnswerError: see :func:`validate_answers`.
    """
    clean = validate_answers(inst, answers)
    flags = risk_flags(inst, clean)
    sc = inst.scoring
    subs: dict[str, Decimal | None] = {}
    sub_bands: dict[str, str] = {}
    for s in inst.subscales:
        raw, _a, _m, _p, _r = _aggregate(inst, s.items, s.method, clean)
        value = round_score(raw, sc.rounding) if raw is not None else None
        subs[s.id] = value
        sub_bands[s.id] = _band(s.bands, value)
    answered = sum(1 for i in sc.items if clean.get(i) is not None)
    if sc.method == "none" or not sc.items:
        return Score(
            instrument_id=inst.id,
            instrument_version=inst.version,
            total=None,
            valid=answered > 0 or not sc.items,
            reason="this instrument has no total score; items are reported one by one",
            items_answered=answered,
            items_missing=len(sc.items) - answered,
            subscales=subs,
            subscale_bands=sub_bands,
            risk_items=flags,
        )
    raw, answered, missing, prorated, reason = _aggregate(
        inst, sc.items, sc.method, clean
    )
    if raw is None:
        return Score(
            instrument_id=inst.id,
            instrument_version=inst.version,
            total=None,
            valid=False,
            reason=reason,
            items_answered=answered,
            items_missing=missing,
            subscales=subs,
            subscale_bands=sub_bands,
            risk_items=flags,
        )
    value = raw * sc.multiplier
    if sc.conversion:
        table = dict(sc.conversion)
        key = int(round_score(value, Rounding(0, "half_up")))
        if key not in table:
            return Score(
                instrument_id=inst.id,
                instrument_version=inst.version,
                total=None,
                valid=False,
                reason=f"raw score {key} is not in the conversion table",
                items_answered=answered,
                items_missing=missing,
                subscales=subs,
                subscale_bands=sub_bands,
                risk_items=flags,
            )
        value = table[key]
    total = round_score(value, sc.rounding)
    above = None
    if inst.clinical_cutoff is not None:
        cut = inst.clinical_cutoff
        above = (
            total >= cut.value
            if cut.direction == "higher_is_worse"
            else total < cut.value
        )
    return Score(
        instrument_id=inst.id,
        instrument_version=inst.version,
        total=total,
        valid=True,
        items_answered=answered,
        items_missing=missing,
        prorated=prorated,
        band=_band(inst.bands, total),
        above_cutoff=above,
        subscales=subs,
        subscale_bands=sub_bands,
        risk_items=flags,
    )
