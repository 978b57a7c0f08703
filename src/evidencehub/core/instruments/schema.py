"""Instrument definitions as data: frozen dataclasses built from a plain mapping
(parsed YAML or JSON) and validated with errors that name the path of the bad
value (``items[3].options[1].value``).

Shape of a definition (keys in ``snake_case``; see
``docs/reference/instruments.md`` for the full reference)::

    id: phq9                      # stable identifier, [a-z0-9_-]
    version: "1"                  # a new version for any change once used
    title: PHQ-9
    language: en                  # language of the shipped text
    construct: depression
    instructions: "Over the last 2 weeks ..."
    licence: {name, text_may_be_shipped, statement, source, verified}
    source: "Kroenke, Spitzer & Williams 2001 ..."
    option_sets: {freq4: [{value: 0, label: "Not at all"}, ...]}
    items:
      - {id: phq9_1, text: "...", options: freq4, reversed: false,
         risk: false, risk_above: 0, kind: choice}
    scoring:
      method: sum | mean | none
      items: [phq9_1, ...]        # default: every choice item
      offset: 0                   # added to each item value after reversal
      multiplier: 1               # applied to the total (SUS: 2.5)
      missing: {max_missing: 2, rule: prorate | none}
      rounding: {places: 0, mode: half_up}
      range: [0, 27]
      conversion: {7: 7.00, ...}  # raw total -> converted score, optional
    subscales: [{id, label, items, method, bands}]
    bands: [{min: 0, max: 4, label: Minimal}]
    clinical_cutoff: {value: 10, direction: higher_is_worse, source: "..."}
    reliable_change: {threshold: 6, source: "...", sd: .., reliability: ..}
    translations: {de: {title: "...", items: {phq9_1: "..."}, options: {...}}}

Rules enforced here (``InstrumentError`` lists every problem at once):
ids unique and well formed; option values unique integers; reversed items
need numeric options; bands inside the range and not overlapping; a risk item
must be a choice item; a licence record is present, and when item text may
not be shipped the definition carries no item text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
METHODS = ("sum", "mean", "none")
MISSING_RULES = ("prorate", "none")
ROUNDING_MODES = ("half_up", "half_even", "floor", "ceiling", "none")
DIRECTIONS = ("higher_is_worse", "lower_is_worse")
ITEM_KINDS = ("choice", "text")
VERIFIED = ("yes", "partial", "no")


class InstrumentError(ValueError):
    """A definition that does not validate. ``errors`` is a list of
    ``(path, message)``; ``str(exc)`` lists them one per line."""

    def __init__(self, errors: Sequence[tuple[str, str]]):
        self.errors = list(errors)
        super().__init__("\n".join(f"{p}: {m}" for p, m in self.errors))


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    options: tuple[Option, ...]
    kind: str = "choice"
    reversed: bool = False
    risk: bool = False
    risk_above: int = 0
    required: bool = False

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(o.value for o in self.options)

    @property
    def min_value(self) -> int:
        return min(self.values)

    @property
    def max_value(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class Band:
    min: Decimal
    max: Decimal
    label: str

    def contains(self, score: Decimal) -> bool:
        return self.min <= score <= self.max


@dataclass(frozen=True)
class Rounding:
    places: int = 0
    mode: str = "half_up"


@dataclass(frozen=True)
class MissingRule:
    max_missing: int = 0
    rule: str = "none"


@dataclass(frozen=True)
class Subscale:
    id: str
    label: str
    items: tuple[str, ...]
    method: str = "sum"
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class Scoring:
    method: str
    items: tuple[str, ...]
    offset: Decimal = Decimal(0)
    multiplier: Decimal = Decimal(1)
    missing: MissingRule = MissingRule()
    rounding: Rounding = Rounding()
    range: tuple[Decimal, Decimal] | None = None
    conversion: tuple[tuple[int, Decimal], ...] = ()


@dataclass(frozen=True)
class Cutoff:
    value: Decimal
    direction: str
    source: str


@dataclass(frozen=True)
class ReliableChange:
    """A stored reliable-change threshold in raw score points, with where it
    comes from (domain_kpis.md §3.3: store per instrument with provenance)."""

    threshold: Decimal
    source: str
    sd: Decimal | None = None
    reliability: Decimal | None = None


@dataclass(frozen=True)
class Licence:
    name: str
    text_may_be_shipped: bool
    statement: str
    source: str
    verified: str = "no"


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    language: str
    licence: Licence
    items: tuple[Item, ...]
    scoring: Scoring
    construct: str = ""
    instructions: str = ""
    source: str = ""
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    clinical_cutoff: Cutoff | None = None
    reliable_change: ReliableChange | None = None
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    notes: str = ""

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    @property
    def risk_items(self) -> tuple[Item, ...]:
        return tuple(it for it in self.items if it.risk)

    @property
    def has_item_text(self) -> bool:
        return any(it.text for it in self.items)

    def text_for(self, item_id: str, language: str = "") -> str:
        """Item text in ``language`` when translated, else the shipped text."""
        tr = self.translations.get(language, {}) if language else {}
        items = tr.get("items", {}) if isinstance(tr, Mapping) else {}
        text = items.get(item_id) if isinstance(items, Mapping) else None
        return str(text) if text else self.item(item_id).text

    def option_label(self, item_id: str, value: int, language: str = "") -> str:
        tr = self.translations.get(language, {}) if language else {}
        opts = tr.get("options", {}) if isinstance(tr, Mapping) else {}
        for key in (f"{item_id}.{value}", str(value)):
            if isinstance(opts, Mapping) and opts.get(key):
                return str(opts[key])
        for o in self.item(item_id).options:
            if o.value == value:
                return o.label
        return str(value)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append((path, message))


def _decimal(value: Any, path: str, c: _Collector) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        c.add(path, "must be a number")
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        c.add(path, f"must be a number, not {value!r}")
        return None
    if not d.is_finite():
        c.add(path, "must be a finite number")
        return None
    return d


def _str(data: Mapping[str, Any], key: str, path: str, c: _Collector) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        c.add(f"{path}{key}", "must be text")
        return ""
    return str(value)


def _id(value: Any, path: str, c: _Collector) -> str:
    text = str(value) if isinstance(value, str | int) else ""
    if not ID_PATTERN.match(text):
        c.add(path, "must be 1-64 characters of a-z, 0-9, '_' or '-'")
    return text


def _options(raw: Any, path: str, c: _Collector) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        c.add(path, "must be a non-empty list of {value, label}")
        return ()
    out: list[Option] = []
    seen: set[int] = set()
    for j, opt in enumerate(raw):
        p = f"{path}[{j}]"
        if not isinstance(opt, Mapping):
            c.add(p, "must be a mapping with value and label")
            continue
        v = opt.get("value")
        if isinstance(v, bool) or not isinstance(v, int):
            try:
                v = int(str(v)) if v is not None else None
            except ValueError:
                v = None
        if v is None:
            c.add(f"{p}.value", "must be a whole number")
            continue
        if v in seen:
            c.add(f"{p}.value", f"value {v} is used twice")
        seen.add(v)
        out.append(Option(value=v, label=str(opt.get("label", ""))))
    return tuple(out)


def _bands(raw: Any, path: str, c: _Collector) -> tuple[Band, ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list):
        c.add(path, "must be a list of {min, max, label}")
        return ()
    bands: list[Band] = []
    for j, b in enumerate(raw):
        p = f"{path}[{j}]"
        if not isinstance(b, Mapping):
            c.add(p, "must be a mapping with min, max and label")
            continue
        lo = _decimal(b.get("min"), f"{p}.min", c)
        hi = _decimal(b.get("max"), f"{p}.max", c)
        label = str(b.get("label") or "")
        if not label:
            c.add(f"{p}.label", "is required")
        if lo is not None and hi is not None:
            if lo > hi:
                c.add(p, f"min {lo} is above max {hi}")
            bands.append(Band(min=lo, max=hi, label=label))
    ordered = sorted(bands, key=lambda b: b.min)
    for a, b in itertools.pairwise(ordered):
        if b.min <= a.max:
            c.add(path, f"bands '{a.label}' and '{b.label}' overlap")
    return tuple(bands)


def _parse_items(
    raw: Any, option_sets: Mapping[str, Any], c: _Collector
) -> tuple[Item, ...]:
    if not isinstance(raw, list) or not raw:
        c.add("items", "must be a non-empty list")
        return ()
    items: list[Item] = []
    seen: set[str] = set()
    for i, it in enumerate(raw):
        p = f"items[{i}]"
        if not isinstance(it, Mapping):
            c.add(p, "must be a mapping")
            continue
        item_id = _id(it.get("id"), f"{p}.id", c)
        if item_id in seen:
            c.add(f"{p}.id", f"'{item_id}' is used twice")
        seen.add(item_id)
        kind = str(it.get("kind", "choice"))
        if kind not in ITEM_KINDS:
            c.add(f"{p}.kind", f"must be one of {', '.join(ITEM_KINDS)}")
        raw_opts = it.get("options")
        if isinstance(raw_opts, str):
            if raw_opts not in option_sets:
                c.add(f"{p}.options", f"unknown option set '{raw_opts}'")
                raw_opts = None
            else:
                raw_opts = option_sets[raw_opts]
        options: tuple[Option, ...] = ()
        if kind == "choice":
            options = _options(raw_opts, f"{p}.options", c)
        risk = bool(it.get("risk", False))
        if risk and kind != "choice":
            c.add(f"{p}.risk", "only a choice item can be a risk item")
        risk_above = it.get("risk_above", 0)
        if isinstance(risk_above, bool) or not isinstance(risk_above, int):
            c.add(f"{p}.risk_above", "must be a whole number")
            risk_above = 0
        items.append(
            Item(
                id=item_id,
                text=_str(it, "text", f"{p}.", c),
                options=options,
                kind=kind,
                reversed=bool(it.get("reversed", False)),
                risk=risk,
                risk_above=risk_above,
                required=bool(it.get("required", False)),
            )
        )
    return tuple(items)


def _parse_scoring(
    raw: Any, items: tuple[Item, ...], c: _Collector
) -> tuple[Scoring, set[str]]:
    choice_ids = [it.id for it in items if it.kind == "choice"]
    known = {it.id for it in items}
    if not isinstance(raw, Mapping):
        c.add("scoring", "is required (a mapping with at least 'method')")
        return Scoring(method="none", items=()), known
    method = str(raw.get("method", ""))
    if method not in METHODS:
        c.add("scoring.method", f"must be one of {', '.join(METHODS)}")
        method = "none"
    scored = raw.get("items", choice_ids)
    if not isinstance(scored, list) or not all(isinstance(s, str) for s in scored):
        c.add("scoring.items", "must be a list of item ids")
        scored = choice_ids
    for s in scored:
        if s not in known:
            c.add("scoring.items", f"unknown item '{s}'")
        elif s not in choice_ids:
            c.add("scoring.items", f"item '{s}' is not a choice item")
    missing_raw = raw.get("missing", {}) or {}
    missing = MissingRule()
    if isinstance(missing_raw, Mapping):
        mm = missing_raw.get("max_missing", 0)
        rule = str(missing_raw.get("rule", "none"))
        if isinstance(mm, bool) or not isinstance(mm, int) or mm < 0:
            c.add("scoring.missing.max_missing", "must be a whole number >= 0")
            mm = 0
        elif mm >= max(len(scored), 1):
            c.add("scoring.missing.max_missing", "must be below the number of items")
        if rule not in MISSING_RULES:
            c.add("scoring.missing.rule", f"must be one of {', '.join(MISSING_RULES)}")
        if mm > 0 and rule == "none" and method == "sum":
            c.add(
                "scoring.missing.rule",
                "a sum with missing items allowed needs rule 'prorate'",
            )
        missing = MissingRule(max_missing=mm, rule=rule)
    else:
        c.add("scoring.missing", "must be a mapping")
    rounding_raw = raw.get("rounding", {}) or {}
    rounding = Rounding()
    if isinstance(rounding_raw, Mapping):
        places = rounding_raw.get("places", 0)
        mode = str(rounding_raw.get("mode", "half_up"))
        if isinstance(places, bool) or not isinstance(places, int) or places < 0:
            c.add("scoring.rounding.places", "must be a whole number >= 0")
            places = 0
        if mode not in ROUNDING_MODES:
            c.add(
                "scoring.rounding.mode", f"must be one of {', '.join(ROUNDING_MODES)}"
            )
            mode = "half_up"
        rounding = Rounding(places=places, mode=mode)
    else:
        c.add("scoring.rounding", "must be a mapping")
    rng: tuple[Decimal, Decimal] | None = None
    if raw.get("range") is not None:
        r = raw.get("range")
        if isinstance(r, list) and len(r) == 2:
            lo = _decimal(r[0], "scoring.range[0]", c)
            hi = _decimal(r[1], "scoring.range[1]", c)
            if lo is not None and hi is not None:
                if lo >= hi:
                    c.add("scoring.range", "low end must be below the high end")
                rng = (lo, hi)
        else:
            c.add("scoring.range", "must be [low, high]")
    conversion: list[tuple[int, Decimal]] = []
    conv_raw = raw.get("conversion") or {}
    if isinstance(conv_raw, Mapping):
        for k, v in conv_raw.items():
            try:
                key = int(str(k))
            except ValueError:
                c.add("scoring.conversion", f"raw score {k!r} is not a whole number")
                continue
            d = _decimal(v, f"scoring.conversion.{k}", c)
            if d is not None:
                conversion.append((key, d))
    else:
        c.add("scoring.conversion", "must be a mapping of raw score to score")
    offset = _decimal(raw.get("offset", 0), "scoring.offset", c) or Decimal(0)
    multiplier = _decimal(raw.get("multiplier", 1), "scoring.multiplier", c)
    return (
        Scoring(
            method=method,
            items=tuple(scored),
            offset=offset,
            multiplier=multiplier if multiplier is not None else Decimal(1),
            missing=missing,
            rounding=rounding,
            range=rng,
            conversion=tuple(sorted(conversion)),
        ),
        known,
    )


def _parse_licence(raw: Any, c: _Collector) -> Licence:
    if not isinstance(raw, Mapping):
        c.add("licence", "is required: name, text_may_be_shipped, statement, source")
        return Licence(name="", text_may_be_shipped=False, statement="", source="")
    for key in ("name", "statement", "source"):
        if not raw.get(key):
            c.add(f"licence.{key}", "is required")
    shipped = raw.get("text_may_be_shipped")
    if not isinstance(shipped, bool):
        c.add("licence.text_may_be_shipped", "must be true or false")
        shipped = False
    verified = str(raw.get("verified", "no"))
    if verified not in VERIFIED:
        c.add("licence.verified", f"must be one of {', '.join(VERIFIED)}")
    return Licence(
        name=str(raw.get("name", "")),
        text_may_be_shipped=shipped,
        statement=str(raw.get("statement", "")),
        source=str(raw.get("source", "")),
        verified=verified,
    )


def parse_instrument(data: Any) -> Instrument:
    """Build an :class:`Instrument` from a mapping (parsed YAML/JSON).

    Raises:
        InstrumentError: every problem found, each with the path of the value.
    """
    c = _Collector()
    if not isinstance(data, Mapping):
        raise InstrumentError([("", "an instrument definition must be a mapping")])
    inst_id = _id(data.get("id"), "id", c)
    version = str(data.get("version", "")).strip()
    if not version or len(version) > 20:
        c.add("version", "is required (at most 20 characters)")
    title = str(data.get("title", "")).strip()
    if not title:
        c.add("title", "is required")
    option_sets = data.get("option_sets", {}) or {}
    if not isinstance(option_sets, Mapping):
        c.add("option_sets", "must be a mapping of name to options")
        option_sets = {}
    items = _parse_items(data.get("items"), option_sets, c)
    scoring, known = _parse_scoring(data.get("scoring"), items, c)
    for it in items:
        if it.reversed and not it.options:
            c.add(f"items.{it.id}.reversed", "a reversed item needs options")
    subscales: list[Subscale] = []
    raw_subs = data.get("subscales", []) or []
    if not isinstance(raw_subs, list):
        c.add("subscales", "must be a list")
        raw_subs = []
    for i, s in enumerate(raw_subs):
        p = f"subscales[{i}]"
        if not isinstance(s, Mapping):
            c.add(p, "must be a mapping")
            continue
        sid = _id(s.get("id"), f"{p}.id", c)
        sitems = s.get("items", [])
        if not isinstance(sitems, list) or not sitems:
            c.add(f"{p}.items", "must be a non-empty list of item ids")
            sitems = []
        for x in sitems:
            if x not in known:
                c.add(f"{p}.items", f"unknown item '{x}'")
        method = str(s.get("method", "sum"))
        if method not in ("sum", "mean"):
            c.add(f"{p}.method", "must be sum or mean")
        subscales.append(
            Subscale(
                id=sid,
                label=str(s.get("label", sid)),
                items=tuple(str(x) for x in sitems),
                method=method,
                bands=_bands(s.get("bands"), f"{p}.bands", c),
            )
        )
    bands = _bands(data.get("bands"), "bands", c)
    if scoring.range is not None:
        lo, hi = scoring.range
        for b in bands:
            if b.min < lo or b.max > hi:
                c.add("bands", f"band '{b.label}' lies outside the range {lo}-{hi}")
    cutoff = None
    if data.get("clinical_cutoff") is not None:
        cc = data["clinical_cutoff"]
        if isinstance(cc, Mapping):
            v = _decimal(cc.get("value"), "clinical_cutoff.value", c)
            direction = str(cc.get("direction", "higher_is_worse"))
            if direction not in DIRECTIONS:
                c.add("clinical_cutoff.direction", f"must be {' or '.join(DIRECTIONS)}")
            if not cc.get("source"):
                c.add("clinical_cutoff.source", "is required")
            if v is not None:
                cutoff = Cutoff(v, direction, str(cc.get("source", "")))
        else:
            c.add("clinical_cutoff", "must be a mapping")
    rc = None
    if data.get("reliable_change") is not None:
        r = data["reliable_change"]
        if isinstance(r, Mapping):
            t = _decimal(r.get("threshold"), "reliable_change.threshold", c)
            if t is not None and t <= 0:
                c.add("reliable_change.threshold", "must be above zero")
            if not r.get("source"):
                c.add("reliable_change.source", "is required: say where it comes from")
            sd = (
                _decimal(r.get("sd"), "reliable_change.sd", c)
                if r.get("sd") is not None
                else None
            )
            rel = (
                _decimal(r.get("reliability"), "reliable_change.reliability", c)
                if r.get("reliability") is not None
                else None
            )
            if rel is not None and not Decimal(0) <= rel < Decimal(1):
                c.add("reliable_change.reliability", "must be in [0, 1)")
            if t is not None:
                rc = ReliableChange(t, str(r.get("source", "")), sd, rel)
        else:
            c.add("reliable_change", "must be a mapping")
    licence = _parse_licence(data.get("licence"), c)
    translations = data.get("translations", {}) or {}
    if not isinstance(translations, Mapping):
        c.add("translations", "must be a mapping of language to texts")
        translations = {}
    if not licence.text_may_be_shipped:
        if any(it.text for it in items):
            c.add(
                "items",
                "the licence does not allow shipping item text: leave 'text' empty "
                "(an organisation pastes licensed text for its own use)",
            )
        if translations:
            c.add("translations", "the licence does not allow shipping item text")
    if c.errors:
        raise InstrumentError(c.errors)
    return Instrument(
        id=inst_id,
        version=version,
        title=title,
        language=str(data.get("language", "en")),
        licence=licence,
        items=items,
        scoring=scoring,
        construct=str(data.get("construct", "")),
        instructions=str(data.get("instructions", "")),
        source=str(data.get("source", "")),
        subscales=tuple(subscales),
        bands=bands,
        clinical_cutoff=cutoff,
        reliable_change=rc,
        translations=dict(translations),
        notes=str(data.get("notes", "")),
    )


def _num(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def _bands_out(bands: tuple[Band, ...]) -> list[dict[str, Any]]:
    return [{"min": _num(b.min), "max": _num(b.max), "label": b.label} for b in bands]


def instrument_to_dict(inst: Instrument, *, with_text: bool = True) -> dict[str, Any]:
    """The definition as plain data (JSON/YAML ready), round-tripping through
    :func:`parse_instrument`. ``with_text=False`` blanks every item text and
    drops translations (what leaves an organisation for licensed instruments).
    """
    out: dict[str, Any] = {
        "id": inst.id,
        "version": inst.version,
        "title": inst.title,
        "language": inst.language,
        "construct": inst.construct,
        "instructions": inst.instructions if with_text else "",
        "source": inst.source,
        "notes": inst.notes,
        "licence": {
            "name": inst.licence.name,
            "text_may_be_shipped": inst.licence.text_may_be_shipped,
            "statement": inst.licence.statement,
            "source": inst.licence.source,
            "verified": inst.licence.verified,
        },
        "items": [
            {
                "id": it.id,
                "text": it.text if with_text else "",
                "kind": it.kind,
                "options": [{"value": o.value, "label": o.label} for o in it.options],
                "reversed": it.reversed,
                "risk": it.risk,
                "risk_above": it.risk_above,
                "required": it.required,
            }
            for it in inst.items
        ],
        "scoring": {
            "method": inst.scoring.method,
            "items": list(inst.scoring.items),
            "offset": _num(inst.scoring.offset),
            "multiplier": _num(inst.scoring.multiplier),
            "missing": {
                "max_missing": inst.scoring.missing.max_missing,
                "rule": inst.scoring.missing.rule,
            },
            "rounding": {
                "places": inst.scoring.rounding.places,
                "mode": inst.scoring.rounding.mode,
            },
            "range": (
                [_num(inst.scoring.range[0]), _num(inst.scoring.range[1])]
                if inst.scoring.range
                else None
            ),
            "conversion": {str(k): _num(v) for k, v in inst.scoring.conversion},
        },
        "subscales": [
            {
                "id": s.id,
                "label": s.label,
                "items": list(s.items),
                "method": s.method,
                "bands": _bands_out(s.bands),
            }
            for s in inst.subscales
        ],
        "bands": _bands_out(inst.bands),
        "translations": dict(inst.translations) if with_text else {},
    }
    if inst.clinical_cutoff:
        out["clinical_cutoff"] = {
            "value": _num(inst.clinical_cutoff.value),
            "direction": inst.clinical_cutoff.direction,
            "source": inst.clinical_cutoff.source,
        }
    if inst.reliable_change:
        rc = inst.reliable_change
        out["reliable_change"] = {
            "threshold": _num(rc.threshold),
            "source": rc.source,
            **({"sd": _num(rc.sd)} if rc.sd is not None else {}),
            **(
                {"reliability": _num(rc.reliability)}
                if rc.reliability is not None
                else {}
            ),
        }
    if not with_text:
        # Licensed text never leaves; the definition still validates because
        # item text is optional and the licence record travels with it.
        out["licence"] = dict(out["licence"])
    return out


OFFENCE_DETAIL_TERMS = (
    "victim",
    "which platform",
    "what platform",
    "where did",
    "when did you offend",
    "name of the child",
    "how old was the child",
    "address",
    "which website",
    "what website",
    "location of",
)


def offence_detail_findings(inst: Instrument) -> list[str]:
    """Item ids whose text looks like it asks for offence details (time,
    place, victim, platform) — a screen, not a proof; shipped instruments
    must return an empty list (ARCHITECTURE.md §6)."""
    found = []
    for it in inst.items:
        texts = [it.text, *(str(t) for t in _translated_texts(inst, it.id))]
        low = " ".join(texts).lower()
        if any(term in low for term in OFFENCE_DETAIL_TERMS):
            found.append(it.id)
    return found


def _translated_texts(inst: Instrument, item_id: str) -> list[Any]:
    out = []
    for tr in inst.translations.values():
        if isinstance(tr, Mapping):
            items = tr.get("items", {})
            if isinstance(items, Mapping) and item_id in items:
                out.append(items[item_id])
    return out
